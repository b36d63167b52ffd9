import { cp } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// why: examples/bank-network is the repository a bank starts from: its policies extend the shipped
// financial-services pack. The clock is fixed inside CHG-2001's slot (Sat 6 Feb 2027 22:00 New York).
const DURING_CHG_2001 = '2027-02-07 03:10:00';
const RAISED_AT = '2027-02-01T14:00:00Z';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository();
  await cp(path.join(PROJECT_ROOT, 'examples/bank-network'), repository.root, { recursive: true });
  // why: raised well before CHG-2001's slot (lead time counts from the commit), whatever the clock
  // of the suite says (the year-ahead suite runs a year past the slot).
  const raised = { GIT_AUTHOR_DATE: RAISED_AT, GIT_COMMITTER_DATE: RAISED_AT };
  await execa('git', ['add', '-A'], { cwd: repository.root });
  await execa('git', ['commit', '-q', '-m', 'the bank network'], { cwd: repository.root, env: raised });
});

afterAll(() => repository.remove());

describe('examples/bank-network: a bank on the financial-services pack', () => {
  it('validates each proposal against the pack it extends: the change record and the quarter-end freeze', async () => {
    const result = await runCli(['validate', '--format', 'json', '--at', '2027-02-01T14:00:00Z'], {
      cwd: repository.root,
    });
    const report = JSON.parse(result.stdout) as ValidationReport;
    const byId = new Map(report.proposals.map((proposal) => [proposal.id, proposal]));
    const rules = (id: string) =>
      (byId.get(id)?.findings ?? [])
        .filter((finding) => finding.severity === 'error')
        .map((finding) => finding.ruleId);

    expect(result.exitCode).toBe(1);
    expect(rules('CHG-2001')).toEqual([]);
    expect(rules('CHG-2002')).toEqual(['rule']);
    expect(byId.get('CHG-2002')?.findings.find((finding) => finding.ruleId === 'rule')?.message).toContain(
      'assurance.securityImpact',
    );
    expect(rules('CHG-2003')).toEqual(['window']);
    expect(
      report.proposals.flatMap((proposal) => proposal.findings).map((finding) => finding.ruleId),
    ).not.toContain('policy-weakened');
  });

  it('policy explain shows which rules come from the pack and which from the bank', async () => {
    const result = await runCli(['policy', 'explain', '--kind', 'change-control'], { cwd: repository.root });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /record-security-impact\s+pack financial-services@1\.\d+\.\d+ rule record-security-impact\s+\[PCI-DSS-4\.0 6\.5\.1\]/,
    );
    expect(result.stdout).toMatch(
      /nsc-configuration-review\s+policies\/change-control\.yaml:\d+\s+\(overrides pack financial-services@1/,
    );
    expect(result.stdout).toMatch(/cardholder-data-boundary\s+policies\/change-control\.yaml:\d+/);
  });

  it('an auditor gets the evidence per PCI DSS control of a real apply in one command', async () => {
    await repository.write({ 'approvals.yaml': '- {user: alice}\n' });
    const apply = await runCli(
      [
        'apply',
        'changes/chg-2001-payments-api-rule.yaml',
        '--approvals',
        'approvals.yaml',
        '--out-dir',
        'runs/chg-2001',
      ],
      { cwd: repository.root, clockAt: DURING_CHG_2001 },
    );
    const exported = await runCli(
      ['audit', 'export', '--by-control', '--framework', 'pci-dss-4.0', '--format', 'json', '--no-fetch'],
      { cwd: repository.root, clockAt: DURING_CHG_2001 },
    );

    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(exported.exitCode, exported.stderr).toBe(0);
    const { controls } = JSON.parse(exported.stdout) as {
      controls: {
        framework: string;
        id: string;
        changes: {
          proposal: { id: string };
          controlOutcome: string;
          approvers: { user: string }[];
          hash: string;
        }[];
      }[];
    };
    expect(controls.map((control) => control.id)).toEqual(expect.arrayContaining(['1.2.2', '6.5.1']));
    expect(controls.every((control) => control.framework === 'PCI-DSS-4.0')).toBe(true);
    const changeRecord = controls.find((control) => control.id === '6.5.1')?.changes[0];
    expect(changeRecord).toMatchObject({ proposal: { id: 'CHG-2001' }, controlOutcome: 'passed' });
    expect(changeRecord?.approvers.map((approver) => approver.user)).toEqual(['alice']);
    expect(changeRecord?.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
