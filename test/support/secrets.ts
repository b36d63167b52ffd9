import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Planted secrets in the forms tools and serialisers give them, for tests that scan everything
 * netchange prints and writes.
 */

/**
 * Every form a secret can take in output: raw, JSON-escaped, `\u00e4`-escaped, repr, base64, line by
 * line, percent-encoded, HTML-escaped, shell-quoted, Go's HTML-safe JSON and hex.
 */
export function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const unicode = (upper: boolean) =>
    json.replace(/[\u0080-\uffff]/g, (character) => {
      const hex = character.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
  const repr = secret.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n');
  // why: the last base64 character also holds bits of what follows, so only the ones before it are stable.
  const base64 = Buffer.from(secret).toString('base64').replace(/=+$/, '').slice(0, -1);
  const lines = secret.includes('\n') ? secret.split('\n') : [];
  // why: what Jinja's urlencode, e and quote and Terraform's urlencode and jsonencode make of it.
  const url = encodeURIComponent(secret).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const encoded = [
    url.replaceAll('%2F', '/'),
    url.replaceAll('%20', '+'),
    secret
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&#34;')
      .replaceAll("'", '&#39;'),
    secret.replaceAll("'", `'"'"'`),
    json.replaceAll('&', '\\u0026').replaceAll('<', '\\u003c').replaceAll('>', '\\u003e'),
    Buffer.from(secret).toString('hex'),
  ];
  return [...new Set([secret, json, unicode(false), unicode(true), repr, base64, ...lines, ...encoded])];
}

/**
 * Every regular file under `directory` (recursively) into `into`, by absolute path, for tests that
 * scan what netchange wrote; paths matching `skip` (files or whole folders) are left out.
 * A directory that does not exist adds nothing.
 */
export async function readTree(
  directory: string,
  into: Record<string, string>,
  skip?: RegExp,
): Promise<void> {
  for (const entry of await readdir(directory, { withFileTypes: true }).catch(() => [])) {
    const full = path.join(directory, entry.name);
    if (skip?.test(full)) continue;
    if (entry.isDirectory()) await readTree(full, into, skip);
    else if (entry.isFile()) into[full] = await readFile(full, 'utf8');
  }
}
