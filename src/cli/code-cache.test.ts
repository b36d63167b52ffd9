import { chmod, mkdir, mkdtemp, readdir, readFile, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { type BundleOptions, type CodeCacheState, codeCacheDirectory, purposeOf } from './code-cache.js';

const TSX_LOADER = import.meta.resolve('tsx');
const RUN_BUNDLE = path.resolve(import.meta.dirname, '../../test/support/run-bundle.ts');

/** One run of the bundle in a fresh process (see test/support/run-bundle.ts), cache saved at its end. */
async function runBundle(options: BundleOptions): Promise<{ state: CodeCacheState; runs: string[] }> {
  const result = await execa('node', ['--import', TSX_LOADER, RUN_BUNDLE, JSON.stringify(options)]);
  return JSON.parse(result.stdout) as { state: CodeCacheState; runs: string[] };
}

/** A small CommonJS bundle with enough functions for V8 to cache; each run records its argument. */
function bundleSource(marker: string): string {
  const functions = Array.from(
    { length: 40 },
    (_, index) =>
      `function step${index}(value) { return value.map((item) => item * ${index + 1}).join(','); }`,
  ).join('\n');
  return `#!/usr/bin/env node
${functions}
const total = [${Array.from({ length: 40 }, (_, index) => `step${index}([1, 2])`).join(', ')}].length;
(globalThis.netchangeCodeCacheRuns ??= []).push(${JSON.stringify(marker)} + ':' + total + ':' + typeof require + ':' + __filename.endsWith('.cjs'));
module.exports = { total };
`;
}

async function bundleIn(marker = 'run'): Promise<{ root: string; options: BundleOptions }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-code-cache-'));
  const file = path.join(root, 'netchange.cjs');
  await writeFile(file, bundleSource(marker));
  return {
    root,
    options: {
      file,
      digest: 'a'.repeat(64),
      cacheDirectory: path.join(root, 'cache', 'v8'),
      purpose: 'validate',
    },
  };
}

async function cacheFiles(directory: string): Promise<string[]> {
  return (await readdir(directory).catch(() => [])).filter((entry) => entry.endsWith('.v8cache'));
}

describe('runBundle', () => {
  it('runs the bundle as a CommonJS module, writes a private cache, and starts from it the next time', async () => {
    const { options } = await bundleIn();

    const first = await runBundle(options);
    const second = await runBundle(options);

    expect(first).toEqual({ state: 'absent', runs: ['run:40:function:true'] });
    expect(second).toEqual({ state: 'used', runs: ['run:40:function:true'] });
    const directory = options.cacheDirectory as string;
    const [file] = await cacheFiles(directory);
    expect(file).toMatch(/^a{32}-\d+-\d+-v\d+\.\d+\.\d+-\w+-validate\.v8cache$/);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
    expect((await stat(path.join(directory, file as string))).mode & 0o777).toBe(0o600);
  });

  it('compiles again when V8 refuses a damaged cache, and replaces it', async () => {
    const { options } = await bundleIn();
    await runBundle(options);
    const directory = options.cacheDirectory as string;
    const [file] = await cacheFiles(directory);
    const cache = path.join(directory, file as string);
    const damaged = Buffer.alloc((await readFile(cache)).length, 7);
    await writeFile(cache, damaged);

    const run = await runBundle(options);

    expect(run).toEqual({ state: 'rejected', runs: ['run:40:function:true'] });
    expect((await readFile(cache)).equals(damaged)).toBe(false);
    expect((await runBundle(options)).state).toBe('used');
  });

  it('neither reads nor writes a cache in a directory others can write', async () => {
    const { options } = await bundleIn();
    await runBundle(options);
    const directory = options.cacheDirectory as string;
    await chmod(directory, 0o777);
    const [file] = await cacheFiles(directory);
    const before = await stat(path.join(directory, file as string));

    const run = await runBundle(options);

    expect(run.state).toBe('absent');
    const after = await stat(path.join(directory, file as string));
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('does not read a cache file others can write, or one reached through a symbolic link', async () => {
    const { root, options } = await bundleIn();
    await runBundle(options);
    const directory = options.cacheDirectory as string;
    const [file] = await cacheFiles(directory);
    await chmod(path.join(directory, file as string), 0o666);

    expect((await runBundle(options)).state).toBe('absent');

    const elsewhere = { ...options, cacheDirectory: path.join(root, 'elsewhere') };
    await runBundle(elsewhere);
    expect((await runBundle(elsewhere)).state).toBe('used');
    const [own] = await cacheFiles(elsewhere.cacheDirectory);
    await mkdir(path.join(root, 'linked'), { mode: 0o700 });
    await symlink(
      path.join(elsewhere.cacheDirectory, own as string),
      path.join(root, 'linked', own as string),
    );

    expect((await runBundle({ ...options, cacheDirectory: path.join(root, 'linked') })).state).toBe('absent');
  });

  it('keeps one cache per command and removes the caches of other builds', async () => {
    const { options } = await bundleIn();
    const directory = options.cacheDirectory as string;
    await runBundle({ ...options, digest: 'b'.repeat(64) });
    expect(await cacheFiles(directory)).toHaveLength(1);

    await runBundle(options);
    await runBundle({ ...options, purpose: 'plan' });

    const files = await cacheFiles(directory);
    expect(files).toHaveLength(2);
    expect(files.every((name) => name.startsWith('a'.repeat(32)))).toBe(true);
    expect(files.some((name) => name.endsWith('-plan.v8cache'))).toBe(true);
  });

  it('removes the caches of the same bundle built again (same content, new modification time)', async () => {
    const { options } = await bundleIn();
    const directory = options.cacheDirectory as string;
    await runBundle(options);
    const [first] = await cacheFiles(directory);
    await utimes(options.file, new Date('2027-01-01T00:00:00Z'), new Date('2027-01-01T00:00:00Z'));

    expect((await runBundle(options)).state).toBe('absent');

    const files = await cacheFiles(directory);
    expect(files).toHaveLength(1);
    expect(files).not.toContain(first);
    expect(files[0]).toContain(`-${Date.parse('2027-01-01T00:00:00Z')}-`);
  });

  it('runs without a cache when there is none to use, and a failed write does not fail the run', async () => {
    const { root, options } = await bundleIn();
    const { cacheDirectory: _none, ...uncached } = options;
    // why: a plain file where the directory should be: mkdir fails, the run goes on.
    await writeFile(path.join(root, 'blocked'), '');

    const off = await runBundle(uncached as BundleOptions);
    const blocked = await runBundle({ ...options, cacheDirectory: path.join(root, 'blocked', 'v8') });

    expect(off).toEqual({ state: 'off', runs: ['run:40:function:true'] });
    expect(blocked).toEqual({ state: 'absent', runs: ['run:40:function:true'] });
  });

  // why: Node 20's recursive mkdir spins forever under /proc; the run printed its report, then never ended.
  it.each([
    ['NETCHANGE_CODE_CACHE=/proc/x', '/proc/netchange-x/v8'],
    ['XDG_CACHE_HOME=/proc/self/x', '/proc/self/netchange-x/netchange/v8'],
    ['HOME=/proc', '/proc/.cache/netchange/v8'],
  ])('skips a cache it cannot make (%s) and ends', async (_setting, cacheDirectory) => {
    const { options } = await bundleIn();

    const result = await execa(
      'node',
      ['--import', TSX_LOADER, RUN_BUNDLE, JSON.stringify({ ...options, cacheDirectory })],
      { reject: false, timeout: 20_000 },
    );

    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ state: 'absent', runs: ['run:40:function:true'] });
  });
});

describe('codeCacheDirectory', () => {
  it('is off when asked, a directory when named, and under the user cache by default', () => {
    expect(codeCacheDirectory({ NETCHANGE_CODE_CACHE: 'off' })).toBeUndefined();
    expect(codeCacheDirectory({ NETCHANGE_CODE_CACHE: '0' })).toBeUndefined();
    expect(codeCacheDirectory({ NETCHANGE_CODE_CACHE: '/srv/cache' })).toBe('/srv/cache');
    expect(codeCacheDirectory({ XDG_CACHE_HOME: '/var/cache/me' }, '/home/me')).toBe(
      '/var/cache/me/netchange/v8',
    );
    expect(codeCacheDirectory({ XDG_CACHE_HOME: 'relative' }, '/home/me')).toBe(
      '/home/me/.cache/netchange/v8',
    );
    expect(codeCacheDirectory({}, '/home/me')).toBe('/home/me/.cache/netchange/v8');
  });
});

describe('purposeOf', () => {
  it('names the cache after the command, and anything else cli', () => {
    expect(purposeOf(['validate', '--since', 'origin/main'])).toBe('validate');
    expect(purposeOf(['--version'])).toBe('cli');
    expect(purposeOf(['changes/x.yaml'])).toBe('cli');
    expect(purposeOf(['../../evil'])).toBe('cli');
    expect(purposeOf([])).toBe('cli');
  });
});
