import { createHash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members left out.
 * Two records with the same content always serialise to the same bytes, whatever order their keys
 * were written in, so a hash over it survives re-formatting but not a changed value.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // why: JSON.stringify(undefined) is undefined; inside arrays JSON turns it into null, as we do.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const members: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJson(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** sha256 (hex) of a record's canonical JSON without its own `hash` member. */
export function hashRecord(record: object): string {
  const { hash: _ignored, ...rest } = record as Record<string, unknown>;
  // why: records read back from git were written canonically, so their keys are already sorted and
  // the native serialiser gives the same bytes several times faster (verify hashes 10,000 of them).
  const text = hasSortedKeys(rest) ? JSON.stringify(rest) : canonicalJson(rest);
  return createHash('sha256').update(text).digest('hex');
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
