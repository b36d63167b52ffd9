import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { hashRecord } from './canonical-json.js';

describe('canonicalJson and hashRecord', () => {
  it('serialises the same content to the same bytes whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 0, y: null }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}',
    );
  });

  it('hashes a record read back from its canonical text exactly as the record it was written from', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const record = { ...value, hash: 'ignored' };
        const readBack = JSON.parse(canonicalJson(record)) as object;

        expect(hashRecord(readBack)).toBe(hashRecord(record));
      }),
    );
  });

  it('changes the hash when any value changes, and ignores the hash member itself', () => {
    const record = { sequence: 1, outcome: 'failed', hash: 'a' };

    expect(hashRecord({ ...record, outcome: 'succeeded' })).not.toBe(hashRecord(record));
    expect(hashRecord({ ...record, hash: 'b' })).toBe(hashRecord(record));
  });
});
