import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const WINDOWS = `apiVersion: netchange/v1
kind: WindowPolicy
timezone: UTC
windows:
  - name: frozen-lab
    effect: deny
    reason: The frozen lab never changes
    scope: {sites: [frozen-lab]}
    schedule: {from: "2020-01-01T00:00", to: "2099-01-01T00:00"}
`;

const VLANS = `- hosts: switches
  gather_facts: false
  vars: {state: present}
  tasks:
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} vlan {{ vlan_id }}"
        block: "vlan {{ vlan_id }}\\n"
        state: "{{ state }}"
`;

const VERIFY = `- hosts: switches
  gather_facts: false
  tasks:
    - name: VLAN {{ expect_vlan }} is configured
      ansible.builtin.assert:
        that: "('vlan ' ~ expect_vlan) in lookup('ansible.builtin.file', inventory_dir ~ '/../state/' ~ inventory_hostname ~ '.cfg')"
`;

function proposal(options: {
  id: string;
  host: string;
  vlan: number;
  expectVlan: number;
  site?: string;
  startMinutes?: number;
}): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${options.id}
title: Add VLAN ${options.vlan}
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [${options.site ?? 'lab'}], devices: [${options.host}]}
schedule: {start: "${minutesFromNow(options.startMinutes ?? -10)}", end: "${minutesFromNow((options.startMinutes ?? -10) + 60)}", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: ${options.host}, extraVars: {vlan_id: ${options.vlan}}}
verification:
  - ansible: {playbook: playbooks/verify.yaml, extraVars: {expect_vlan: ${options.expectVlan}}}
rollback:
  description: Remove the VLAN
  auto: true
  ansible: {playbook: playbooks/vlans.yaml, extraVars: {state: absent}}
`;
}

let repository: TestRepository;
const APPROVED = '- {user: eli}\n- {user: alice}\n';

async function readJson(relative: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(repository.root, relative), 'utf8'));
}

async function deviceConfig(host: string): Promise<string> {
  const file = path.join(repository.root, 'state', `${host}.cfg`);
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

beforeAll(async () => {
  repository = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'policies/windows.yaml': WINDOWS,
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        sw-lab-01: {}\n        sw-lab-02: {}\n        sw-lab-03: {}\n        sw-lab-04: {}\n',
    'playbooks/vlans.yaml': VLANS,
    'playbooks/verify.yaml': VERIFY,
    'changes/apply.yaml': proposal({ id: 'CHG-APPLY', host: 'sw-lab-01', vlan: 40, expectVlan: 40 }),
    'changes/broken-verify.yaml': proposal({
      id: 'CHG-ROLLBACK',
      host: 'sw-lab-02',
      vlan: 41,
      expectVlan: 99,
    }),
    'changes/later.yaml': proposal({
      id: 'CHG-LATER',
      host: 'sw-lab-03',
      vlan: 42,
      expectVlan: 42,
      startMinutes: 24 * 60,
    }),
    'changes/frozen.yaml': proposal({
      id: 'CHG-FROZEN',
      host: 'sw-lab-03',
      vlan: 43,
      expectVlan: 43,
      site: 'frozen-lab',
    }),
    'changes/output.yaml': proposal({ id: 'CHG-OUTPUT', host: 'sw-lab-04', vlan: 44, expectVlan: 44 }),
    'approvals.yaml': APPROVED,
    'self-approved.yaml': '- {user: dana}\n',
  });
  await repository.commit('lab');
});

afterAll(async () => {
  await repository.remove();
});

describe('netchange apply', () => {
  it('writes its rehearsal and its result to --output, and refuses an --output it cannot write before it runs', async () => {
    const apply = (...options: string[]) =>
      runCli(['apply', 'changes/output.yaml', '--approvals', 'approvals.yaml', ...options], {
        cwd: repository.root,
      });

    const unwritable = await apply('--output', 'no-such-folder/result.json');
    expect(unwritable.stderr).toContain(
      'cannot write --output no-such-folder/result.json: ENOENT (the folder no-such-folder does not exist)',
    );
    expect(unwritable.exitCode).toBe(2);
    expect(await deviceConfig('sw-lab-04')).toBe('');

    const rehearsal = await apply('--dry-run', '--format', 'json', '--output', 'rehearsal.json');
    const applied = await apply('--format', 'json', '--output', 'result.json', '--out-dir', 'runs/output');

    expect(rehearsal.exitCode).toBe(0);
    expect(rehearsal.stdout).toBe('');
    expect(await readJson('rehearsal.json')).toMatchObject({ wouldRun: true });
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toBe('');
    expect(await readJson('result.json')).toMatchObject({ outcome: 'applied' });
    expect(await readJson('runs/output/result.json')).toMatchObject({ outcome: 'applied' });
    expect(await deviceConfig('sw-lab-04')).toContain('vlan 44');
  });

  it('refuses without the required approvals, before running anything', async () => {
    const result = await runCli(
      ['apply', 'changes/apply.yaml', '--approvals', 'self-approved.yaml', '--out-dir', 'runs/refused'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('apply refused for CHG-APPLY');
    expect(result.stderr).toContain('approvals missing');
    expect(await deviceConfig('sw-lab-01')).toBe('');
    expect(await readJson('runs/refused/result.json')).toMatchObject({
      outcome: 'refused',
      steps: [],
      plan: [],
    });
  });

  it.each([
    ['outside its scheduled time', 'changes/later.yaml', 'its slot has not started: '],
    ['in a deny window', 'changes/frozen.yaml', 'blocked by frozen-lab, with no allowed slot ahead'],
  ])('refuses a change %s', async (_case, file, reason) => {
    const result = await runCli(
      ['apply', file, '--approvals', 'approvals.yaml', '--out-dir', 'runs/closed'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(reason);
    expect(await deviceConfig('sw-lab-03')).toBe('');
  });

  it('applies the reviewed plan, verifies it, records the result, and refuses the same review once the plan changed (--reapply)', async () => {
    const plan = await runCli(
      ['plan', 'changes/apply.yaml', '--format', 'json', '--out-dir', 'runs/review'],
      { cwd: repository.root },
    );
    expect(plan.exitCode).toBe(0);

    const applied = await runCli(
      [
        'apply',
        'changes/apply.yaml',
        '--approvals',
        'approvals.yaml',
        '--reviewed-plan',
        'runs/review/plan.json',
        '--out-dir',
        'runs/applied',
      ],
      { cwd: repository.root },
    );
    const again = await runCli(
      [
        'apply',
        'changes/apply.yaml',
        '--approvals',
        'approvals.yaml',
        '--reviewed-plan',
        'runs/review/plan.json',
        '--reapply',
        'check the plan again',
        '--out-dir',
        'runs/again',
      ],
      { cwd: repository.root },
    );

    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain('CHG-APPLY: applied');
    expect(await deviceConfig('sw-lab-01')).toContain('vlan 40');
    const record = await readJson('runs/applied/result.json');
    const reviewed = await readJson('runs/review/plan.json');
    expect(record).toMatchObject({
      kind: 'NetchangeApplyResult',
      outcome: 'applied',
      proposal: { id: 'CHG-APPLY', file: 'changes/apply.yaml' },
      reviewedDigest: (reviewed.proposals as { digest: string }[])[0]?.digest,
      plannedDigest: (reviewed.proposals as { digest: string }[])[0]?.digest,
      steps: [
        {
          status: 'applied',
          changed: true,
          mode: 'apply',
          exitCode: 0,
          argv: [
            'ansible-playbook',
            'playbooks/vlans.yaml',
            '-i',
            'inventory/hosts.yaml',
            '--limit=sw-lab-01',
            '-e',
            '@extra-vars.yaml',
            '--diff',
          ],
        },
      ],
      verification: [{ status: 'applied', phase: 'verification' }],
      rollback: [],
    });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('the plan changed since it was reviewed');
    expect(await readJson('runs/again/result.json')).toMatchObject({ outcome: 'refused', steps: [] });
  });

  it('rolls back automatically when verification fails', async () => {
    const result = await runCli(
      ['apply', 'changes/broken-verify.yaml', '--approvals', 'approvals.yaml', '--out-dir', 'runs/rollback'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('CHG-ROLLBACK: rolled-back');
    expect(await deviceConfig('sw-lab-02')).not.toContain('vlan 41');
    expect(await readJson('runs/rollback/result.json')).toMatchObject({
      outcome: 'rolled-back',
      steps: [{ status: 'applied' }],
      verification: [{ status: 'failed' }],
      rollback: [{ status: 'applied', phase: 'rollback' }],
    });
  });
});
