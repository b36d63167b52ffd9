import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRepositoryTextFile, readTextFile } from './read-file.js';

describe('reading a repository file', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'netchange-read-file-'));
    await writeFile(path.join(root, 'ok.yaml'), '\uFEFFid: OK\n');
    await symlink('ok.yaml', path.join(root, 'alias.yaml'));
    await symlink('/etc/hostname', path.join(root, 'outside.yaml'));
    await execa('mkfifo', [path.join(root, 'pipe.yaml')]);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

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
