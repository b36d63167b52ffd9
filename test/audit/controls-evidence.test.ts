import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvidence } from '../../src/audit/index.js';
import { parseCsv } from '../support/csv.js';
import { LAB_RENDER_VLAN, labInventory, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// A PCI DSS shop: the accountable team approves every change (6.5.1), a freeze window guards the
// network security controls (1.2.2), a ticket reference is a NIST CM-3 warning; the high-risk rules
// (CAB approvals, many devices) serve controls too but never apply to these one-switch changes.
const CHANGE_CONTROL = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
risk:
  rules:
    - name: many-devices
      when: "context.deviceCount > 5"
      atLeast: high
      reason: More than five devices
      control: {framework: NIST-SP-800-53r5, id: CM-4, title: Impact analyses}
approvals:
  - name: accountable-approves
    when: {risks: [low, medium]}
    require: [{role: accountable, count: 1}]
    control: {framework: PCI-DSS-4.0, id: 6.5.1, title: "Changes to system components follow change-management procedures, documented"}
  - name: board-for-high-risk
    when: {risks: [high]}
    require: [{team: netops, count: 2}]
    control: {framework: PCI-DSS-4.0, id: 6.5.2, title: Significant changes are confirmed}
rules:
  - name: ticket-referenced
    assert: "has(proposal.references)"
    message: Every change references its ticket
    severity: warning
    control: {framework: NIST-SP-800-53r5, id: CM-3, title: Configuration change control}
separationOfDuties: true
policyOwners: [netops]
`;

const WINDOWS = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: UTC
windows:
  - name: settlement-freeze
    effect: deny
    reason: Year-end settlement
    scope: {sites: [lab]}
    schedule: {from: "2099-12-30T00:00", to: "2099-12-31T00:00"}
    control: {framework: PCI-DSS-4.0, id: 1.2.2, title: Changes to network connections and NSC configurations follow 6.5.1}
`;

const proposal = (id: string, device: string, extra = '') => `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Add VLAN 40 on ${device}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [${device}]}
schedule: {start: "${minutesFromNow(-5)}", end: "${minutesFromNow(55)}", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: ${device}, extraVars: {vlan_id: 40}}
${extra}`;

let repository: TestRepository;

async function apply(file: string): Promise<void> {
  const result = await runCli(['apply', file, '--approvals', 'approvals.yaml', '--out-dir', `runs/${file}`], {
    cwd: repository.root,
  });
  expect(result.stderr).not.toMatch(/warning|error/i);
  expect(result.exitCode).toBe(0);
}

/** The finished records (each apply also wrote an apply-started record before its first step). */
async function finishedRecords() {
  return (await readEvidence(repository.root)).filter((record) => record.kind !== 'apply-started');
}

async function exportByControl(...args: string[]) {
  return runCli(['audit', 'export', '--by-control', '--no-fetch', ...args], { cwd: repository.root });
}

beforeAll(async () => {
  repository = await createRepository({
    'policies/change-control.yaml': CHANGE_CONTROL,
    'policies/windows.yaml': WINDOWS,
    'inventory/hosts.yaml': labInventory(['sw-lab-01', 'sw-lab-02']),
    'playbooks/vlans.yaml': LAB_RENDER_VLAN,
    'changes/chg-1.yaml': proposal('CHG-1', 'sw-lab-01'),
    'changes/chg-2.yaml': proposal('CHG-2', 'sw-lab-02', 'references: {ticket: RITM0012345}\n'),
    'approvals.yaml': '- {user: alice}\n',
    '.gitignore': 'runs/\nstate/\n',
  });
  await repository.commit('raise two changes');
  // Two real applies: ansible-playbook renders VLAN 40 on each switch and each writes its record.
  await apply('changes/chg-1.yaml');
  await apply('changes/chg-2.yaml');
}, 240_000);

afterAll(() => repository.remove());

describe('evidence by control after real applies', () => {
  it('lists in each record the controls whose rules applied, with their outcomes', async () => {
    const [first, second] = await finishedRecords();

    expect(first?.proposal.id).toBe('CHG-1');
    expect(first?.controls).toEqual([
      {
        framework: 'PCI-DSS-4.0',
        id: '6.5.1',
        title: 'Changes to system components follow change-management procedures, documented',
        rule: 'accountable-approves',
        kind: 'approval-rule',
        outcome: 'passed',
      },
      {
        framework: 'NIST-SP-800-53r5',
        id: 'CM-3',
        title: 'Configuration change control',
        rule: 'ticket-referenced',
        kind: 'rule',
        outcome: 'warned',
      },
      {
        framework: 'PCI-DSS-4.0',
        id: '1.2.2',
        title: 'Changes to network connections and NSC configurations follow 6.5.1',
        rule: 'settlement-freeze',
        kind: 'window',
        outcome: 'passed',
      },
    ]);
    expect(second?.controls?.find((control) => control.id === 'CM-3')?.outcome).toBe('passed');
  });

  it('leaves out the rules that did not apply to the change', async () => {
    const records = await finishedRecords();

    const listed = records.flatMap((record) => (record.controls ?? []).map((control) => control.id));
    expect(listed).not.toContain('CM-4');
    expect(listed).not.toContain('6.5.2');
  });

  it('exports per control the changes, their approvers and record hashes as JSON', async () => {
    const records = await finishedRecords();

    const result = await exportByControl('--format', 'json');

    expect(result.exitCode).toBe(0);
    const exported = JSON.parse(result.stdout);
    expect(exported.frameworks).toEqual(['NIST-SP-800-53r5', 'PCI-DSS-4.0']);
    expect(
      exported.controls.map(
        (control: { framework: string; id: string }) => `${control.framework} ${control.id}`,
      ),
    ).toEqual(['NIST-SP-800-53r5 CM-3', 'PCI-DSS-4.0 1.2.2', 'PCI-DSS-4.0 6.5.1']);
    const approvals = exported.controls[2];
    expect(approvals.changes).toHaveLength(2);
    expect(approvals.changes[0]).toMatchObject({
      proposal: { id: 'CHG-1', file: 'changes/chg-1.yaml' },
      sequence: records[0]?.sequence,
      hash: records[0]?.hash,
      commit: records[0]?.commit,
      outcome: 'succeeded',
      approvers: [{ user: 'alice', team: 'netops', role: 'accountable' }],
      rules: [{ rule: 'accountable-approves', kind: 'approval-rule', outcome: 'passed' }],
      controlOutcome: 'passed',
    });
    expect(approvals.changes[1]).toMatchObject({ proposal: { id: 'CHG-2' }, hash: records[1]?.hash });
    expect(
      exported.controls[0].changes.map((change: { controlOutcome: string }) => change.controlOutcome),
    ).toEqual(['warned', 'passed']);
  });

  it('exports one CSV row per control and change that a spreadsheet reads back', async () => {
    const records = await finishedRecords();

    const result = await exportByControl('--output', 'controls.csv');

    expect(result.exitCode).toBe(0);
    const text = await readFile(path.join(repository.root, 'controls.csv'), 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([
      'framework',
      'control_id',
      'control_title',
      'control_outcome',
      'rules',
      'proposal_id',
      'proposal_title',
      'proposal_file',
      'change_kind',
      'change_outcome',
      'commit',
      'pull_request',
      'requester',
      'approvers',
      'finished_at',
      'sequence',
      'record_hash',
    ]);
    expect(rows).toHaveLength(6);
    const pci651 = rows.filter((row) => row[1] === '6.5.1');
    expect(pci651.map((row) => row[5])).toEqual(['CHG-1', 'CHG-2']);
    expect(pci651[0]?.[2]).toBe(
      'Changes to system components follow change-management procedures, documented',
    );
    expect(pci651[0]?.[4]).toBe('accountable-approves: passed');
    expect(pci651[0]?.[13]).toMatch(/^alice \(netops\)/);
    expect(pci651.map((row) => row[16])).toEqual([records[0]?.hash, records[1]?.hash]);
  });

  it('keeps one framework with --framework, whatever its case', async () => {
    const result = await exportByControl('--framework', 'pci-dss-4.0', '--output', 'pci.csv');

    expect(result.exitCode).toBe(0);
    const [, ...rows] = parseCsv(await readFile(path.join(repository.root, 'pci.csv'), 'utf8'));
    expect(new Set(rows.map((row) => row[0]))).toEqual(new Set(['PCI-DSS-4.0']));
    expect(rows).toHaveLength(4);
  });

  it('names the frameworks the evidence holds when asked for another', async () => {
    const result = await exportByControl('--framework', 'ISO-27001');

    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("no evidence record names the framework 'ISO-27001'");
    expect(result.stderr).toContain('Frameworks in the evidence: NIST-SP-800-53r5, PCI-DSS-4.0.');
  });

  it('refuses --framework without --by-control', async () => {
    const result = await runCli(['audit', 'export', '--no-fetch', '--framework', 'PCI-DSS-4.0'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--framework selects controls and needs --by-control');
  });
});

describe('controls in the validation report', () => {
  async function validate(...args: string[]) {
    const result = await runCli(['validate', 'changes/chg-1.yaml', '--format', 'json', ...args], {
      cwd: repository.root,
    });
    return JSON.parse(result.stdout).proposals[0];
  }

  it('gives the finding of a rule its control', async () => {
    const proposal = await validate('--approvals', 'approvals.yaml');

    const finding = proposal.findings.find(
      (entry: { policy?: string }) => entry.policy === 'ticket-referenced',
    );
    expect(finding).toMatchObject({
      severity: 'warning',
      control: { framework: 'NIST-SP-800-53r5', id: 'CM-3', title: 'Configuration change control' },
    });
  });

  it.each([
    [[], 'pending'],
    [['--require-approvals'], 'failed'],
    [['--approvals', 'approvals.yaml'], 'passed'],
  ])('reports the approval rule as %j → %s', async (args, outcome) => {
    const proposal = await validate(...args);

    expect(proposal.controls).toContainEqual(
      expect.objectContaining({ id: '6.5.1', rule: 'accountable-approves', outcome }),
    );
  });
});
