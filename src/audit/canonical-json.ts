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
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
}
