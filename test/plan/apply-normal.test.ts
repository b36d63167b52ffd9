import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const CHANGE_CONTROL = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
changeTypes:
  normal: {leadTime: P1D}
approvals:
  - {when: {risks: [low]}, require: [{role: accountable, count: 1}]}
separationOfDuties: true
policyOwners: [netops]
`;

const VLANS = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} vlan {{ vlan_id }}"
        block: "vlan {{ vlan_id }}\\n"
`;

// why: one instant for every version of a file, so a re-rendered proposal starts exactly when it did.
const NOW_START = minutesFromNow(-5);
const END = minutesFromNow(55);

const proposal = (
  id: string,
  device = 'sw-lab-01',
  start = NOW_START,
  title = 'Add VLAN 40',
) => `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: ${title}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [${device}]}
schedule: {start: "${start}", end: "${END}", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: ${device}, extraVars: {vlan_id: 40}}
`;

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({
    'policies/change-control.yaml': CHANGE_CONTROL,
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        sw-lab-01: {}\n        sw-lab-02: {}\n        sw-lab-03: {}\n        sw-lab-04: {}\n',
    'playbooks/vlans.yaml': VLANS,
    'changes/requested-early.yaml': proposal('CHG-EARLY'),
    // why: raised in time for next week, then moved to today: its notice is the move's, not the raise's.
    'changes/moved-up.yaml': proposal('CHG-MOVED', 'sw-lab-03', minutesFromNow(7 * 24 * 60 - 5)),
    'changes/retitled.yaml': proposal('CHG-RETITLED', 'sw-lab-04'),
    'approvals.yaml': '- {user: alice}\n',
  });
  // why: the proposal was raised two days before its window, as a normal change must be.
  const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
  await repository.git.add('.');
  await execa('git', ['commit', '-q', '-m', 'raise the change'], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: twoDaysAgo, GIT_COMMITTER_DATE: twoDaysAgo },
  });
  // why: another switch, so the two changes in one slot do not conflict.
  await repository.write({ 'changes/requested-late.yaml': proposal('CHG-LATE', 'sw-lab-02') });
  await repository.commit('raise another, too late');
  await repository.write({
    'changes/moved-up.yaml': proposal('CHG-MOVED', 'sw-lab-03'),
    'changes/retitled.yaml': proposal('CHG-RETITLED', 'sw-lab-04', NOW_START, 'Add VLAN 40 (line 4)'),
  });
  await repository.commit('move one change up, retitle another');
});
afterAll(() => repository.remove());

const applyChange = (file: string, outDir: string) =>
  runCli(['apply', file, '--approvals', 'approvals.yaml', '--out-dir', outDir], { cwd: repository.root });

describe('apply of a normal change inside its own window', () => {
  it('counts the lead time from when the proposal was committed, so a change raised in time runs', async () => {
    const result = await applyChange('changes/requested-early.yaml', 'runs/early');

    expect(result.stderr).not.toContain('notice');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('evidence: record #2 on refs/heads/netchange-evidence');
  });

  it('tells the morning digest who applied what with whose approval, and the chain verifies', async () => {
    const digest = await runCli(['digest', '--since', '1h', '--format', 'markdown'], {
      cwd: repository.root,
    });
    const verify = await runCli(['audit', 'verify'], { cwd: repository.root });

    expect(digest.exitCode).toBe(0);
    expect(digest.stdout).toContain('CHG-EARLY');
    expect(digest.stdout).toContain('alice');
    expect(verify.exitCode).toBe(0);
  });

  it('still refuses a change raised with less notice than the policy asks', async () => {
    const result = await applyChange('changes/requested-late.yaml', 'runs/late');

    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('normal changes need 1 day notice');
  });

  it('counts the notice from the commit that moved the start, not from when the change was raised', async () => {
    const result = await applyChange('changes/moved-up.yaml', 'runs/moved');

    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain('normal changes need 1 day notice');
  });

  it('keeps the notice of a change edited since without moving its start', async () => {
    const result = await applyChange('changes/retitled.yaml', 'runs/retitled');

    expect(result.stderr).not.toContain('notice');
    expect(result.exitCode).toBe(0);
  });
});
