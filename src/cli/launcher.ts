#!/usr/bin/env node
/**
 * The installed CLI's entry (`dist/cli/main.js`): runs the bundle (`netchange.cjs`, built from
 * main.ts) through the code cache. scripts/build.mjs builds both and names the bundle's digest.
 */
import { fileURLToPath } from 'node:url';
import { codeCacheDirectory, purposeOf, runBundle } from './code-cache.js';

declare const NETCHANGE_BUNDLE_DIGEST: string;

const run = runBundle({
  file: fileURLToPath(new URL('./netchange.cjs', import.meta.url)),
  digest: NETCHANGE_BUNDLE_DIGEST,
  cacheDirectory: codeCacheDirectory(process.env),
  purpose: purposeOf(process.argv.slice(2)),
});
// why: only a run that did its work (passed, or failed a proposal) is worth keeping; a mistyped
// command or option (exit 2) would leave a cache of its own that no later run reads.
process.on('exit', (code) => {
  if (code === 0 || code === 1) run.save();
});
