/**
 * `npm run build`: type-checks, then bundles the CLI into dist/cli/ with esbuild:
 * - `netchange.cjs`: the whole CLI (src/cli/main.ts) as one CommonJS bundle;
 * - `main.js`: the entry (src/cli/launcher.ts), which runs the bundle through V8 with a code cache
 *   (src/cli/code-cache.ts), so a run starts from the bytecode earlier runs compiled.
 * why one CommonJS file: V8's code cache (vm.Script) needs a script; Node 20 cannot cache ES
 * modules. Modules a command does not need are still evaluated only when it imports them.
 */
import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
// why: `--dist DIR` builds elsewhere (the built CLI's own test); DIR needs the data folders beside it.
const option = process.argv.indexOf('--dist');
const dist = option > 0 ? path.resolve(process.argv[option + 1]) : path.join(root, 'dist');
const outdir = path.join(dist, 'cli');
await rm(dist, { recursive: true, force: true });
const shared = { bundle: true, platform: 'node', target: 'node20', logLevel: 'warning' };
await build({
  ...shared,
  entryPoints: [path.join(root, 'src/cli/main.ts')],
  outfile: path.join(outdir, 'netchange.cjs'),
  format: 'cjs',
  sourcemap: true,
  // why: the sources locate their data (schemas, packs, templates) from their own URL.
  define: { 'import.meta.url': '__netchangeBundleUrl' },
  banner: { js: "const __netchangeBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
const digest = createHash('sha256')
  .update(await readFile(path.join(outdir, 'netchange.cjs')))
  .digest('hex');
await build({
  ...shared,
  entryPoints: [path.join(root, 'src/cli/launcher.ts')],
  outfile: path.join(outdir, 'main.js'),
  format: 'esm',
  define: { NETCHANGE_BUNDLE_DIGEST: JSON.stringify(digest) },
});
