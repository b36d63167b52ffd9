import { readFileSync } from 'node:fs';

// why: read once, synchronously and without importing anything else, so `--version` stays fast.
export const VERSION: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;
