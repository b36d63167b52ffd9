import path from 'node:path';
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

// why: a pull request that switches a risk rule off must not have its own proposals judged by the
// rewrite: the CAB the policy in force asks for a core change would otherwise never be asked.
describe('proposals in a pull request that changes the policy', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    await repository.commit('example');
    const fs = await import('node:fs/promises');
    const policy = await fs.readFile(`${repository.root}/policies/change-control.yaml`, 'utf8');
    const core = await fs.readFile(
      `${path.join(import.meta.dirname, '../../examples/plant-network/changes/chg-0149-core-ospf.yaml')}`,
      'utf8',
    );
    const weakened = policy.replace(
      `when: "(has(proposal.targets.tags) && 'core' in proposal.targets.tags) || 'core' in context.inventoryGroups"`,
      'when: "false"',
    );
    expect(weakened).not.toBe(policy);
    await repository.write({
      'policies/change-control.yaml': weakened,
      'changes/chg-0149-core-ospf.yaml': core,
    });
    await repository.commit('switch the core rule off, and a core change with it');
  });
  afterAll(() => repository.remove());

  it('are judged by the policy in force on the base, and the run says so', async () => {
    const result = await runCli(['validate', '--since', 'HEAD~1', '--format', 'json', '--at', AT], {
      cwd: repository.root,
    });

    const report = JSON.parse(result.stdout) as ValidationReport;
    const core = report.proposals.find((proposal) => proposal.file === 'changes/chg-0149-core-ospf.yaml');
    expect(core?.risk?.effective).toBe('high');
    expect(core?.approvals.required).toContainEqual(expect.objectContaining({ team: 'cab', count: 2 }));
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'policy',
        severity: 'warning',
        message: expect.stringContaining('judged by the policy in force'),
      }),
    );
  });
});
