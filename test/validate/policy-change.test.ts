import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

describe('a change to the policies is itself a change', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await repository.commit('example');
    const policy = await import('node:fs/promises').then((fs) =>
      fs.readFile(`${repository.root}/policies/change-control.yaml`, 'utf8'),
    );
    await repository.write({
      'policies/change-control.yaml': policy.replace(/leadTime: P2D/, 'leadTime: P1D'),
    });
    await repository.commit('shorten the lead time');
  });
  afterAll(() => repository.remove());

  it('needs the approvals the policy names for policy changes, reported like a proposal', async () => {
    const result = await runCli(['validate', '--since', 'HEAD~1', '--format', 'json', '--at', AT], {
      cwd: repository.root,
    });

    const report = JSON.parse(result.stdout) as ValidationReport;
    const change = report.proposals.find((proposal) => proposal.file === 'policies/change-control.yaml');
    expect(change).toBeDefined();
    expect(change?.approvals.satisfied).toBe(false);
    expect(change?.approvals.required.map((requirement) => requirement.team).sort()).toEqual(
      expect.arrayContaining(['cab', 'netops']),
    );
  });

  it('fails with --require-approvals until the policy owners approve', async () => {
    const result = await runCli(['validate', '--since', 'HEAD~1', '--require-approvals', '--at', AT], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('policies/change-control.yaml');
  });
});
