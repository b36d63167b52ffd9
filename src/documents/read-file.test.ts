import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepositoryTextFile, readTextFile } from './read-file.js';

describe('reading a repository file', () => {
  let root: string;
  let elsewhere: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'netchange-read-file-'));
    elsewhere = await mkdtemp(path.join(os.tmpdir(), 'netchange-read-file-elsewhere-'));
    await writeFile(path.join(elsewhere, 'secret.yaml'), 'token: not-for-the-pull-request\n');
    await symlink(elsewhere, path.join(root, 'linked'));
    await mkdir(path.join(root, 'inner'));
    await writeFile(path.join(root, 'inner/kept.yaml'), 'id: KEPT\n');
    await symlink('inner', path.join(root, 'aliased'));
    await symlink('/dev/zero', path.join(root, 'device.yaml'));
    await writeFile(path.join(root, 'ok.yaml'), '\uFEFFid: OK\n');
    await symlink('ok.yaml', path.join(root, 'alias.yaml'));
    await symlink('/etc/hostname', path.join(root, 'outside.yaml'));
    await execa('mkfifo', [path.join(root, 'pipe.yaml')]);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('reads a file, and a symlink that stays inside, without the byte order mark', () => {
    expect(readRepositoryTextFile(root, 'ok.yaml', 1024)).toEqual({ ok: true, text: 'id: OK\n' });
    expect(readRepositoryTextFile(root, 'alias.yaml', 1024)).toEqual({ ok: true, text: 'id: OK\n' });
  });

  it('refuses a symlink that leaves the repository, before reading it', () => {
    expect(readRepositoryTextFile(root, 'outside.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { ruleId: 'yaml', file: 'outside.yaml', message: 'is a symlink that leaves the repository' },
    });
  });

  it('refuses a file reached through a folder that is a symlink out of the repository', () => {
    expect(readRepositoryTextFile(root, 'linked/secret.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { file: 'linked/secret.yaml', message: 'is a symlink that leaves the repository' },
    });
    expect(readRepositoryTextFile(root, 'aliased/kept.yaml', 1024)).toEqual({ ok: true, text: 'id: KEPT\n' });
  });

  it('refuses a symlink to a device as leaving the repository, not as a device it opened', () => {
    expect(readRepositoryTextFile(root, 'device.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { message: 'is a symlink that leaves the repository' },
    });
  });

  it('says a missing file is missing', () => {
    expect(readRepositoryTextFile(root, 'absent.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { message: 'the file does not exist or cannot be read' },
    });
  });

  // why: opening a FIFO for reading waits for a writer; a device never ends.
  it('refuses a FIFO at once instead of waiting on it', () => {
    expect(readTextFile(path.join(root, 'pipe.yaml'), 'pipe.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { message: 'is not a regular file (a device, FIFO or socket)' },
    });
  });

  it('refuses a device instead of reading it to the end', () => {
    expect(readTextFile('/dev/zero', 'zero.yaml', 1024)).toMatchObject({
      ok: false,
      finding: { message: 'is not a regular file (a device, FIFO or socket)' },
    });
  });
});
