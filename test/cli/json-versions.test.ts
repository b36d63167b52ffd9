/**
 * Every `--format json` object carries `schemaVersion: 1`, also where the data has no version of its
 * own (the README's formats section promises it), so a script can tell when a shape changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository(
    { 'changes/zz-invalid.yaml': 'apiVersion: netchange/v1\nkind: ChangeProposal\nid: CHG-INVALID\n' },
    { fromExample: true },
  );
});
afterAll(() => repository.remove());

describe('--format json carries schemaVersion: 1', () => {
  it.each([
    'windows --from 2026-11-23T00:00:00Z --days 7 --format json',
    'next changes/chg-0144-trunk-during-production.yaml --at 2026-11-20T12:00:00Z --format json',
    'next changes/zz-invalid.yaml --at 2026-11-20T12:00:00Z --format json',
    'audit verify --no-fetch --format json',
    'policy explain --format json',
  ])('%s', async (command) => {
    const result = await runCli(command.split(' '), { cwd: repository.root });

    expect(result.stderr).not.toMatch(/internal error/i);
    expect(JSON.parse(result.stdout)).toMatchObject({ schemaVersion: 1 });
  });
});
