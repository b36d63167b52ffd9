import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

/** A temp dir holding `outside/` (what a symlink points at, with one file) and the init target `repo/`. */
async function workspace(): Promise<{ outside: string; repo: string }> {
  directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-targets-'));
  const outside = path.join(directory, 'outside');
  const repo = path.join(directory, 'repo');
  await mkdir(outside);
  await mkdir(repo);
  await writeFile(path.join(outside, 'mine.yaml'), 'untouched\n');
  return { outside, repo };
}

describe('netchange init refuses targets it would write through or cannot create', () => {
  it('refuses a symlinked netchange.yaml even with --force, and leaves its target as it was', async () => {
    const { outside, repo } = await workspace();
    await symlink(path.join(outside, 'mine.yaml'), path.join(repo, 'netchange.yaml'));

    const result = await runCli(['init', 'repo', '--force'], { cwd: directory as string });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${path.join(repo, 'netchange.yaml')} is a symlink`);
    expect(result.stderr).toContain('hint: ');
    expect(await readFile(path.join(outside, 'mine.yaml'), 'utf8')).toBe('untouched\n');
    expect(await readdir(repo)).toEqual(['netchange.yaml']);
  });

  it('refuses a symlinked policies folder and writes nothing into it', async () => {
    const { outside, repo } = await workspace();
    await symlink(outside, path.join(repo, 'policies'));

    const result = await runCli(['init', 'repo'], { cwd: directory as string });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${path.join(repo, 'policies')} is a symlink`);
    expect(await readdir(outside)).toEqual(['mine.yaml']);
    expect(await readdir(repo)).toEqual(['policies']);
  });

  it.each([
    ['ifile', 'cannot create the repository {dir}/ifile: it is a file, not a directory'],
    ['ifile/sub', 'cannot create the repository {dir}/ifile/sub: {dir}/ifile is a file, not a directory'],
  ])('refuses init %s where ifile is a file (exit 2)', async (target, message) => {
    await workspace();
    const root = directory as string;
    await writeFile(path.join(root, 'ifile'), 'x\n');

    const result = await runCli(['init', target], { cwd: root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message.replaceAll('{dir}', root));
    expect(result.stderr).toContain('hint: ');
    expect(await readFile(path.join(root, 'ifile'), 'utf8')).toBe('x\n');
  });

  // why: Node 20's recursive mkdir loops forever at 100% CPU where mkdir fails with ENOENT (/proc).
  it('refuses a directory under /proc at once instead of hanging', async () => {
    await workspace();

    const result = await runCli(['init', '/proc/netchange-x/y'], {
      cwd: directory as string,
      timeout: 60_000,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'cannot create the repository /proc/netchange-x/y: /proc/netchange-x: ENOENT',
    );
  });
});
