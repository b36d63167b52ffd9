import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../core/canonical-json.js';
import { isSerialisedRecord, statedFinishedAt } from './chain.js';

const RECORD = canonicalJson({
  actor: { name: 'dana' },
  finishedAt: '2026-11-22T08:05:00Z',
  outcome: 'failed',
  sequence: 2,
});

describe('statedFinishedAt: the quick look the digest and export filter with', () => {
  it('reads the finish time of a record as netchange writes it', () => {
    expect(statedFinishedAt(RECORD)).toBe('2026-11-22T08:05:00Z');
  });

  it.each([
    [
      'a duplicate key before the real one',
      RECORD.replace('{"actor"', '{"finishedAt":"2001-01-01T00:00:00Z","actor"'),
    ],
    [
      'a key spelled with an escape',
      RECORD.replace('"outcome"', '"finished\\u0041t":"2001-01-01T00:00:00Z","outcome"'),
    ],
    [
      'a nested finishedAt (an alert label)',
      RECORD.replace('{"name"', '{"labels":{"finishedAt":"2001-01-01T00:00:00Z"},"name"'),
    ],
    ['no finishedAt at all', canonicalJson({ checkedAt: '2026-11-22T08:05:00Z' })],
  ])('leaves %s to JSON.parse', (_case, text) => {
    expect(statedFinishedAt(text)).toBeUndefined();
  });
});

describe('isSerialisedRecord', () => {
  const value = JSON.parse(RECORD) as unknown;

  it.each([
    ['as written', `${RECORD}\n`, true],
    ['as written, read as bytes', Buffer.from(`${RECORD}\n`), true],
    ['without its line end', RECORD, false],
    ['re-formatted', `${JSON.stringify(value, null, 1)}\n`, false],
    ['with a character escaped', `${RECORD.replace('dana', 'd\\u0061na')}\n`, false],
  ])('%s', (_case, stored, expected) => {
    expect(isSerialisedRecord(stored, value)).toBe(expected);
  });
});
