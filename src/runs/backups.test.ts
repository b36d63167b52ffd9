import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRedactor, REDACTED } from '../redact/index.js';
import { backupPath, saveBackups } from './backups.js';
import { openRunDirectory } from './run-directory.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-backups-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe('saving device backups in the run directory', () => {
  it('writes backups/<device>/<phase>-<n>-before|after.conf and returns the sha256 of each file as written', async () => {
    const directory = await openRunDirectory(root, createRedactor());

    const backups = await saveBackups(directory, { phase: 'execution', index: 0 }, [
      { device: 'r1', before: 'router ospf\n', after: 'router ospf\n ospf router-id 10.255.0.1\n' },
    ]);

    const before = await readFile(path.join(root, 'backups/r1/execution-1-before.conf'));
    const after = await readFile(path.join(root, 'backups/r1/execution-1-after.conf'));
    expect(backups).toEqual([
      {
        device: 'r1',
        before: { path: 'backups/r1/execution-1-before.conf', sha256: sha256(before) },
        after: { path: 'backups/r1/execution-1-after.conf', sha256: sha256(after) },
      },
    ]);
    expect(after.toString('utf8')).toBe('router ospf\n ospf router-id 10.255.0.1\n');
    expect((await stat(path.join(root, 'backups/r1/execution-1-before.conf'))).mode & 0o777).toBe(0o600);
  });

  it('hashes the redacted file, never the secret it was given', async () => {
    const redactor = createRedactor();
    redactor.addSecretValues(['Kq93-vault-xyz']);
    const directory = await openRunDirectory(root, redactor);

    const [backup] = await saveBackups(directory, { phase: 'rollback', index: 0 }, [
      { device: 'r2', before: 'password Zebra-Pw-1234\ndescription Kq93-vault-xyz\n' },
    ]);

    const written = await readFile(path.join(root, 'backups/r2/rollback-1-before.conf'));
    expect(written.toString('utf8')).toBe(`password ${REDACTED}\ndescription ${REDACTED}\n`);
    expect(backup?.before?.sha256).toBe(sha256(written));
  });

  it('saves only what the executor read: no after when it could not read the device again', async () => {
    const directory = await openRunDirectory(root, createRedactor());

    const backups = await saveBackups(directory, { phase: 'execution', index: 1 }, [
      { device: 'r3', before: 'x\n' },
    ]);

    expect(backups).toEqual([
      { device: 'r3', before: expect.objectContaining({ path: 'backups/r3/execution-2-before.conf' }) },
    ]);
    expect(await readdir(path.join(root, 'backups/r3'))).toEqual(['execution-2-before.conf']);
  });

  it.each([
    ['../../etc/passwd', 'backups/..-..-etc-passwd/execution-1-before.conf'],
    ['..', 'backups/_../execution-1-before.conf'],
    ['sw 01/a', 'backups/sw-01-a/execution-1-before.conf'],
    ['core-1.plant-a', 'backups/core-1.plant-a/execution-1-before.conf'],
  ])('keeps device %j inside backups/ (%s)', (device, expected) => {
    expect(backupPath(device, { phase: 'execution', index: 0 }, 'before')).toBe(expected);
  });
});
