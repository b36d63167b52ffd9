import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out undefined members', () => {
    const value = { b: 1, a: { d: [1, { z: 0, y: null, x: undefined }], c: 'x' }, e: undefined };

    const text = canonicalJson(value);

    expect(text).toBe('{"a":{"c":"x","d":[1,{"y":null,"z":0}]},"b":1}');
  });

  it('orders keys by code unit, integer-like keys included (JavaScript objects would put those first)', () => {
    const value = { b: 4, '9': 2, '': 3, '10': 1 };

    const text = canonicalJson(value);

    expect(text).toBe('{"":3,"10":1,"9":2,"b":4}');
  });

  it('reads back as the value JSON itself reads back', () => {
    fc.assert(
      // why: compared with JSON's own round trip, which writes -0 as 0, like canonicalJson.
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('serialises the same content written in another key order to the same bytes', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
        const reversed = Object.fromEntries(Object.entries(value).reverse());

        expect(canonicalJson(reversed)).toBe(canonicalJson(value));
      }),
    );
  });
});
