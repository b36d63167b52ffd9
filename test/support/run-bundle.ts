/**
 * Runs `runBundle` in a process of its own and prints what it did, as JSON. why: V8 keeps compiled
 * scripts in memory, so a second run in the same process would never read the cache file at all.
 * Usage: node --import tsx run-bundle.ts '<BundleOptions as JSON>'
 */
import { type BundleOptions, runBundle } from '../../src/cli/code-cache.js';

const options = JSON.parse(process.argv[2] ?? '{}') as BundleOptions;
const run = runBundle(options);
run.save();
process.stdout.write(
  JSON.stringify({
    state: run.state,
    runs: (globalThis as { netchangeCodeCacheRuns?: string[] }).netchangeCodeCacheRuns ?? [],
  }),
);
