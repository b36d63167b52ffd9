/** The hash of an evidence record, over its canonical JSON (src/core/canonical-json.ts). */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';

/** sha256 (hex) of a record's canonical JSON without its own `hash` member. */
export function hashRecord(record: object): string {
  const { hash: _ignored, ...rest } = record as Record<string, unknown>;
  return createHash('sha256').update(canonicalRecordJson(rest)).digest('hex');
}

/**
 * A record's canonical JSON: the same bytes as canonicalJson, found faster for a record read back
 * from git.
 */
export function canonicalRecordJson(value: unknown): string {
  // why: records read back from git were written canonically, so their keys are already sorted and
  // the native serialiser gives the same bytes several times faster (verify reads 10,000 of them).
  return hasSortedKeys(value) ? JSON.stringify(value) : canonicalJson(value);
}

/** True when every object inside `value` lists its keys in canonical order and holds no undefined. */
function hasSortedKeys(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return value !== undefined;
  if (Array.isArray(value)) return value.every(hasSortedKeys);
  let previous: string | undefined;
  for (const key in value) {
    if (previous !== undefined && !(previous < key)) return false;
    if (!hasSortedKeys((value as Record<string, unknown>)[key])) return false;
    previous = key;
  }
  return true;
}
