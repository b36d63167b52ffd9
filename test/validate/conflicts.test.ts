import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import type { ProposalReport, ValidationReport } from '../../src/core/model.js';
import { POLICY_TREE } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

const INVENTORY = `all:
  vars: {ansible_connection: local}
  children:
    plant_a:
      vars: {site: plant-a}
      hosts: {sw-1: {}, sw-2: {}, sw-3: {}, sw-4: {}}
    hq:
      vars: {site: hq}
      hosts: {core-1: {}, core-2: {}}
`;

const POLICY = `${POLICY_TREE['policies/change-control.yaml']}changeTypes:
  normal: {}
  emergency: {bypassWindows: true, requireIncident: true}
redundancyGroups:
  - {name: core-pair, devices: ["core-*"], reason: The two core routers carry every site}
  - {name: ghost, devices: ["fw-*"]}
sites:
  plant-a: {maxConcurrentChanges: 2}
`;

/** A change on `devices` (and a limit reaching them) in America/Chicago local time. */
function change(
  id: string,
  options: { devices: string; limit?: string; start: string; end: string; extra?: string; type?: string },
): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Change ${id}
requester: {team: partner-noc, github: dana}
type: ${options.type ?? 'normal'}
domain: switching
risk: low
targets: {devices: [${options.devices}]}
schedule:
  start: "${options.start}"
  end: "${options.end}"
  timezone: America/Chicago
${options.extra ?? ''}execution:
  - ansible:
      playbook: playbooks/touch.yaml
      inventory: inventory/hosts.yaml
      limit: "${options.limit ?? options.devices}"
`;
}

const CHANGES: Record<string, string> = {
  'changes/same-a.yaml': change('SAME-A', {
    devices: 'sw-1',
    start: '2026-12-01T02:00',
    end: '2026-12-01T03:00',
  }),
  'changes/same-b.yaml': change('SAME-B', {
    devices: 'sw-1',
    start: '2026-12-01T02:30',
    end: '2026-12-01T03:30',
  }),
  'changes/glob-a.yaml': change('GLOB-A', {
    devices: 'sw-1, sw-2, sw-3, sw-4',
    limit: 'sw-*',
    start: '2026-12-02T02:00',
    end: '2026-12-02T03:00',
  }),
  'changes/glob-b.yaml': change('GLOB-B', {
    devices: 'sw-3',
    start: '2026-12-02T02:30',
    end: '2026-12-02T03:30',
  }),
  'changes/red-a.yaml': change('RED-A', {
    devices: 'core-1',
    start: '2026-12-03T02:00',
    end: '2026-12-03T03:00',
  }),
  'changes/red-b.yaml': change('RED-B', {
    devices: 'core-2',
    start: '2026-12-03T02:30',
    end: '2026-12-03T03:30',
  }),
  'changes/touch-a.yaml': change('TOUCH-A', {
    devices: 'sw-1',
    start: '2026-12-04T02:00',
    end: '2026-12-04T03:00',
  }),
  'changes/touch-b.yaml': change('TOUCH-B', {
    devices: 'sw-1',
    start: '2026-12-04T03:00',
    end: '2026-12-04T04:00',
  }),
  'changes/rb-a.yaml': change('RB-A', {
    devices: 'sw-1',
    start: '2026-12-05T02:00',
    end: '2026-12-05T03:00',
    extra: '  rollback: PT30M\n',
  }),
  'changes/rb-b.yaml': change('RB-B', {
    devices: 'sw-1',
    start: '2026-12-05T03:15',
    end: '2026-12-05T04:00',
  }),
  'changes/emg-a.yaml': change('EMG-A', {
    devices: 'sw-2',
    type: 'emergency',
    start: '2026-12-06T02:00',
    end: '2026-12-06T03:00',
    extra: 'incident: INC-7\n',
  }),
  'changes/emg-b.yaml': change('EMG-B', {
    devices: 'sw-2',
    start: '2026-12-06T02:30',
    end: '2026-12-06T03:30',
  }),
  'changes/cap-a.yaml': change('CAP-A', {
    devices: 'sw-1',
    start: '2026-12-07T02:00',
    end: '2026-12-07T03:00',
  }),
  'changes/cap-b.yaml': change('CAP-B', {
    devices: 'sw-2',
    start: '2026-12-07T02:00',
    end: '2026-12-07T03:00',
  }),
  'changes/cap-c.yaml': change('CAP-C', {
    devices: 'sw-3',
    start: '2026-12-07T02:10',
    end: '2026-12-07T03:00',
  }),
};

let repository: TestRepository;
let report: ValidationReport;
let exitCode: number;

function conflictFindings(id: string): Finding[] {
  const proposal = report.proposals.find((entry) => entry.id === id);
  if (!proposal) throw new Error(`no report for ${id}`);
  return proposal.findings.filter((finding) => finding.ruleId === 'conflict');
}

function proposalReport(id: string): ProposalReport {
  const proposal = report.proposals.find((entry) => entry.id === id);
  if (!proposal) throw new Error(`no report for ${id}`);
  return proposal;
}

beforeAll(async () => {
  repository = await createRepository({
    'inventory/hosts.yaml': INVENTORY,
    'playbooks/touch.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
    'policies/change-control.yaml': POLICY,
    ...CHANGES,
  });
  await repository.commit('proposals');
  const result = await runCli(['validate', '--at', AT, '--format', 'json'], { cwd: repository.root });
  exitCode = result.exitCode;
  report = JSON.parse(result.stdout) as ValidationReport;
});

afterAll(async () => {
  await repository.remove();
});

describe('conflicts between proposals of the repository', () => {
  it('fails two changes of the same device in overlapping slots, naming the other and a free slot', () => {
    const [finding] = conflictFindings('SAME-B');

    expect(exitCode).toBe(1);
    expect(finding).toMatchObject({
      severity: 'error',
      message: 'conflicts with changes/same-a.yaml (SAME-A): both change sw-1',
      file: 'changes/same-b.yaml',
      line: 11,
      nextAllowed: { start: '2026-12-01T09:00:00Z', end: '2026-12-01T10:00:00Z' },
    });
    expect(finding?.message.length).toBeLessThanOrEqual(160);
    expect(finding?.detail).toContain('03:00');
    expect(finding?.detail).toContain('(08:30–09:00Z)');
    expect(finding?.hint).toMatch(
      /^Move the change to .*03:00.* the next slot inside the windows and free of conflicts/,
    );
    expect(proposalReport('SAME-A').conflicts).toEqual([
      {
        id: 'SAME-B',
        file: 'changes/same-b.yaml',
        source: { kind: 'repository' },
        reasons: [{ kind: 'device', devices: ['sw-1'] }],
        overlap: { start: '2026-12-01T08:30:00Z', end: '2026-12-01T09:00:00Z' },
      },
    ]);
  });

  it('sees the hosts a glob limit reaches', () => {
    expect(conflictFindings('GLOB-B').map((finding) => finding.message)).toEqual([
      'conflicts with changes/glob-a.yaml (GLOB-A): both change sw-3',
    ]);
    expect(proposalReport('GLOB-A').targets).toEqual({
      devices: ['sw-1', 'sw-2', 'sw-3', 'sw-4'],
      sites: ['plant-a'],
      stacks: [],
    });
  });

  it('fails two members of a redundancy group changed at once, on different devices', () => {
    const [finding] = conflictFindings('RED-A');

    expect(finding?.message).toBe(
      'conflicts with changes/red-b.yaml (RED-B): redundancy group core-pair: core-1 and core-2',
    );
    expect(finding?.severity).toBe('error');
    expect(finding?.detail).toContain('The two core routers carry every site');
  });

  it('lets touching intervals pass: half-open, the end is not occupied', () => {
    expect(conflictFindings('TOUCH-A')).toEqual([]);
    expect(conflictFindings('TOUCH-B')).toEqual([]);
  });

  it('counts rollback time as occupied', () => {
    const [finding] = conflictFindings('RB-B');

    expect(finding?.message).toBe('conflicts with changes/rb-a.yaml (RB-A): both change sw-1');
    expect(proposalReport('RB-B').conflicts?.[0]?.overlap).toEqual({
      start: '2026-12-05T09:15:00Z',
      end: '2026-12-05T09:30:00Z',
    });
  });

  it('reports an emergency conflict as a warning on both sides', () => {
    for (const id of ['EMG-A', 'EMG-B']) {
      const findings = conflictFindings(id);
      expect(findings).toHaveLength(1);
      expect(findings[0]?.severity).toBe('warning');
      expect(findings[0]?.message).toMatch(/^emergency change, conflicts with changes\/emg-/);
    }
  });

  it('holds a site to its maxConcurrentChanges', () => {
    const messages = conflictFindings('CAP-C').map((finding) => finding.message);

    expect(messages).toEqual([
      'conflicts with changes/cap-a.yaml (CAP-A): more than 2 changes at once at plant-a (maxConcurrentChanges)',
      'conflicts with changes/cap-b.yaml (CAP-B): more than 2 changes at once at plant-a (maxConcurrentChanges)',
    ]);
    expect(conflictFindings('CAP-A').map((finding) => finding.message)).toEqual([
      messages[0]!.replace('cap-a.yaml (CAP-A)', 'cap-c.yaml (CAP-C)'),
    ]);
  });

  it('lints a redundancy group whose glob matches no inventory host, with its line', () => {
    const ghost = report.findings.find((finding) => finding.message.includes("'fw-*'"));

    expect(ghost).toMatchObject({
      ruleId: 'policy',
      severity: 'warning',
      message: "redundancy group 'ghost': 'fw-*' matches no inventory host",
      file: 'policies/change-control.yaml',
      line: 14,
    });
  });

  it('compares a single file with the rest of the repository', async () => {
    const result = await runCli(['validate', 'changes/same-b.yaml', '--at', AT, '--format', 'json'], {
      cwd: repository.root,
    });
    const single = JSON.parse(result.stdout) as ValidationReport;

    expect(result.exitCode).toBe(1);
    expect(single.proposals.map((proposal) => proposal.id)).toEqual(['SAME-B']);
    expect(single.proposals[0]?.findings.find((finding) => finding.ruleId === 'conflict')?.message).toBe(
      'conflicts with changes/same-a.yaml (SAME-A): both change sw-1',
    );
  });
});

describe('the next slot past both windows and conflicts', () => {
  let windowed: TestRepository;

  beforeAll(async () => {
    windowed = await createRepository({
      'inventory/hosts.yaml': INVENTORY,
      'playbooks/touch.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
      'policies/change-control.yaml': POLICY,
      'policies/windows.yaml': `apiVersion: netchange/v1
kind: WindowPolicy
timezone: America/Chicago
windows:
  - name: sunday-maintenance
    effect: allow
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=SU", start: "01:00", duration: PT3H}
`,
      'changes/first.yaml': change('FIRST', {
        devices: 'sw-1',
        start: '2026-11-29T02:00',
        end: '2026-11-29T03:30',
      }),
      'changes/second.yaml': change('SECOND', {
        devices: 'sw-1',
        start: '2026-11-29T02:30',
        end: '2026-11-29T03:30',
      }),
    });
    await windowed.commit('two changes in one maintenance window');
  });

  afterAll(async () => {
    await windowed.remove();
  });

  it('offers the next Sunday: after the other change the window closes before the change ends', async () => {
    const result = await runCli(['validate', '--at', AT, '--format', 'json'], { cwd: windowed.root });
    const validated = JSON.parse(result.stdout) as ValidationReport;
    const second = validated.proposals.find((proposal) => proposal.id === 'SECOND');

    expect(result.exitCode).toBe(1);
    expect(second?.findings.find((finding) => finding.ruleId === 'conflict')).toMatchObject({
      message: 'conflicts with changes/first.yaml (FIRST): both change sw-1',
      nextAllowed: { start: '2026-12-06T07:00:00Z', end: '2026-12-06T08:00:00Z' },
      hint: expect.stringContaining('Sun 6 Dec 2026 01:00–02:00 CST'),
    });
  });

  it('netchange next skips the slots the other change holds', async () => {
    const result = await runCli(['next', 'changes/second.yaml', '--at', AT, '--format', 'json'], {
      cwd: windowed.root,
    });
    const next = JSON.parse(result.stdout) as { slots: { start: string }[] };

    expect(next.slots[0]?.start).toBe('2026-12-06T07:00:00Z');
  });
});

describe('apply and conflicts', () => {
  it('refuses a conflicting change, naming the other proposal and the next free slot', async () => {
    const result = await runCli(
      ['apply', 'changes/same-b.yaml', '--dry-run', '--at', '2026-12-01T08:35:00Z', '--format', 'json'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('conflicts with changes/same-a.yaml (SAME-A): both change sw-1');
    expect(result.stdout).toContain('the next free slot starts');
  });
});
