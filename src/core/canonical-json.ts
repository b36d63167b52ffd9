/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members left out.
 * Two values with the same content always serialise to the same bytes, whatever order their keys
 * were written in, so a hash over it survives re-formatting but not a changed value. Evidence
 * records are stored and hashed in it; plan digests hash it.
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
