/**
 * The CLI as it is installed: `npm run build`'s bundle, started through its entry and the V8 code
 * cache (src/cli/code-cache.ts), against the example repository.
 */
import { mkdtemp, readdir, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

let main: string;
let repository: TestRepository;

beforeAll(async () => {
  const installed = await mkdtemp(path.join(os.tmpdir(), 'netchange-built-'));
  await execa('node', [path.join(PROJECT_ROOT, 'scripts/build.mjs'), '--dist', path.join(installed, 'dist')]);
  // why: the bundle finds its data (schemas, packs, templates, version) beside dist/, as when installed.
  for (const entry of ['schemas', 'policies', 'templates', 'package.json', 'node_modules']) {
    await symlink(path.join(PROJECT_ROOT, entry), path.join(installed, entry));
  }
  main = path.join(installed, 'dist/cli/main.js');
  repository = await createRepository({}, { fromExample: true });
  await repository.commit('the example');
}, 120_000);

async function runBuilt(
  args: readonly string[],
  cache: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  const result = await execa('node', [main, ...args], {
    cwd: repository.root,
    env: { NO_COLOR: '1', CI: 'true', NETCHANGE_CODE_CACHE: cache, ...env },
    reject: false,
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** The JSON report without the moment it was made. */
function reportOf(result: CliResult): unknown {
  const { evaluatedAt: _evaluatedAt, ...report } = JSON.parse(result.stdout) as Record<string, unknown>;
  return report;
}

describe('the built CLI', () => {
  it('validates the example as the sources do, and its second run starts from the code cache', async () => {
    const cache = path.join(await mkdtemp(path.join(os.tmpdir(), 'netchange-v8-')), 'v8');
    const args = ['validate', '--at', AT, '--format', 'json'];

    const first = await runBuilt(args, cache);
    const [file] = await readdir(cache);
    const written = await stat(path.join(cache, file as string));
    const second = await runBuilt(args, cache);
    const sources = await runCli(args, { cwd: repository.root });

    expect(file).toMatch(/-validate\.v8cache$/);
    expect(first.stderr).toBe(sources.stderr);
    expect(first.exitCode).toBe(sources.exitCode);
    expect(reportOf(first)).toEqual(reportOf(sources));
    expect(second.exitCode).toBe(first.exitCode);
    expect(reportOf(second)).toEqual(reportOf(first));
    // why: a cache V8 accepted is not written again; the same file (inode and time) is still there.
    const after = await stat(path.join(cache, file as string));
    expect([after.ino, after.mtimeMs]).toEqual([written.ino, written.mtimeMs]);
  });

  it('exits with the codes the sources give; keeps no cache of a usage error, or when switched off', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-v8-'));
    const home = { HOME: path.join(root, 'home'), XDG_CACHE_HOME: path.join(root, 'xdg') };
    const cache = path.join(root, 'v8');

    const off = await runBuilt(['--version'], 'off', home);
    const usage = await runBuilt(['validate', '--since', 'HEAD', 'changes/x.yaml'], cache);
    const unknown = await runBuilt(['no-such-command'], cache);
    const version = await runBuilt(['--version'], cache);

    expect(off.exitCode).toBe(0);
    expect(off.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.stdout).toBe(off.stdout);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('give PATH arguments or --since, not both');
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('no-such-command');
    expect(await readdir(root)).toEqual(['v8']);
    expect(await readdir(cache)).toEqual([expect.stringMatching(/-cli\.v8cache$/)]);
  });
});
