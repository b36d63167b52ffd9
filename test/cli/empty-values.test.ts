import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const A_HASH = `sha256:${'a'.repeat(64)}`;

describe('values given empty or out of range are usage errors, not silent defaults', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    await mkdir(path.join(repository.root, 'signers'));
  });

  it.each([
    [['drift', '--at', ''], '--at'],
    [['cab', '--meeting', '', '--no-fetch'], '--meeting'],
    [['cab', '--meeting', '2026-11-20T12:00:00Z', '--plan-dir', '', '--no-fetch'], '--plan-dir'],
    [['schedule', '--from', '2026-11-20T12:00:00Z', '--site', ''], '--site'],
    [['schedule', '--from', '2026-11-20T12:00:00Z', '--output', ''], '--output'],
    [['windows', '--from', '2026-11-20T12:00:00Z', '--domain', ''], '--domain'],
    [['audit', 'export', '--no-fetch', '--from', ''], '--from'],
    [['audit', 'verify', '--no-fetch', '--allowed-signers', ''], '--allowed-signers'],
    [['next', '', '--at', '2026-11-20T12:00:00Z'], 'the path argument'],
  ])('%j is exit 2 naming %s', async (args, named) => {
    const result = await runCli(args, { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).toContain('empty');
    expect(result.stderr).toContain('hint:');
  });

  it('audit verify --allowed-signers naming a directory is exit 2, not a broken chain', async () => {
    const result = await runCli(['audit', 'verify', '--no-fetch', '--allowed-signers', 'signers'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--allowed-signers signers is not a file');
  });

  it('audit verify --expect with a sequence past 2^53 is exit 2, not an anchor that reads as another number', async () => {
    const result = await runCli(
      ['audit', 'verify', '--no-fetch', '--expect', `99999999999999999999:${A_HASH}`],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is not SEQUENCE:HASH');
    expect(result.stdout).not.toContain('#100000000000000000000');
  });
});
