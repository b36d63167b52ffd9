import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';
const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';

describe('validate with --approvals on the example', () => {
  let repository: TestRepository;
  let head: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    head = await repository.commit('example');
  });
  afterAll(() => repository.remove());

  async function validate(
    approvals: string,
    extra: string[] = [],
  ): Promise<{ exitCode: number; report: ValidationReport }> {
    await repository.write({ 'approvals.yaml': approvals });
    const result = await runCli(
      ['validate', PROPOSAL, '--at', AT, '--format', 'json', '--approvals', 'approvals.yaml', ...extra],
      { cwd: repository.root },
    );
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) };
  }

  it('counts an approval of the evaluated commit and reports who gave it', async () => {
    const { exitCode, report } = await validate(`- {user: alice, commit: ${head}}\n`, [
      '--require-approvals',
    ]);

    expect(exitCode).toBe(0);
    expect(report.proposals[0]?.approvals).toEqual({
      satisfied: true,
      required: [expect.objectContaining({ team: 'netops', approvedBy: ['alice'], satisfied: true })],
    });
  });

  it('ignores an approval recorded for another commit, and --require-approvals then fails', async () => {
    const { exitCode, report } = await validate(
      '- {user: alice, commit: 0123456789abcdef0123456789abcdef01234567}\n',
      ['--require-approvals'],
    );

    expect(exitCode).toBe(1);
    expect(report.proposals[0]?.approvals.satisfied).toBe(false);
    expect(report.proposals[0]?.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ ruleId: 'approval', severity: 'error' })]),
    );
  });

  it('reports missing approvals without failing at pull-request time', async () => {
    const { exitCode, report } = await validate('[]\n');

    expect(exitCode).toBe(0);
    expect(report.proposals[0]?.approvals.satisfied).toBe(false);
    expect(report.proposals[0]?.approvals.required[0]?.eligible).toEqual(['alice', 'bob']);
  });

  it('exits 2 with the line when the approvals file is not a list', async () => {
    await repository.write({ 'approvals.yaml': 'user: alice\n' });

    const result = await runCli(['validate', PROPOSAL, '--at', AT, '--approvals', 'approvals.yaml'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'approvals.yaml:1:1 the approvals file must be a list of approvals, not a mapping',
    );
  });
});
