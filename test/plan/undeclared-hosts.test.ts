import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// why: check mode writes nothing, so the playbook marks each host it reaches with a task that runs
// even in check mode, as any playbook in a pull request could.
const MARK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Mark the host as reached
      ansible.builtin.copy:
        dest: "{{ inventory_dir }}/../{{ inventory_hostname }}.reached"
        content: "reached\\n"
      check_mode: false
`;

function planProposal(id: string, device: string, limit: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Reach switches ${id}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {devices: [${device}]}
schedule: {start: "2027-03-07T02:00", end: "2027-03-07T03:00", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/test/mark.yaml, inventory: inventory/hosts.yaml, limit: "${limit}"}
`;
}

describe('plan never runs a step on an undeclared host', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
    await repository.write({
      'playbooks/test/mark.yaml': MARK,
      'changes/undeclared.yaml': planProposal(
        'CHG-UNDECLARED',
        'sw-plant-a-01',
        'sw-plant-a-01,sw-plant-a-02',
      ),
      'changes/declared.yaml': planProposal('CHG-DECLARED', 'sw-plant-a-03', 'sw-plant-a-03'),
    });
    await repository.commit('plan cases');
  });
  afterAll(() => repository.remove());

  it('plans the declared proposal, refuses the other with its finding, and exits 1', async () => {
    const result = await runCli(['plan', '--format', 'json', '--out-dir', 'out'], { cwd: repository.root });

    expect(existsSync(path.join(repository.root, 'sw-plant-a-03.reached'))).toBe(true);
    expect(existsSync(path.join(repository.root, 'sw-plant-a-02.reached'))).toBe(false);
    expect(existsSync(path.join(repository.root, 'sw-plant-a-01.reached'))).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /changes\/undeclared.yaml:12:\d+ execution step 1 reaches a host not declared in targets: sw-plant-a-02 \(not planned\)$/m,
    );
    const plan = JSON.parse(await readFile(path.join(repository.root, 'out/plan.json'), 'utf8'));
    expect(plan.proposals.map((proposal: { id: string }) => proposal.id)).toEqual(['CHG-DECLARED']);
  });

  it('says in its summary line that the invalid proposal was not planned, which is why it exits 1', async () => {
    const result = await runCli(['plan', '--out-dir', 'out-text'], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      '1 proposal: 1 planned, 0 failed, 0 tool errors; 0 with changes; 1 invalid proposal not planned (errors above), which fails the plan',
    );
  });
});

const LAB_VLANS = `- hosts: switches
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

function labProposal(id: string, limit: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Add VLAN 40
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-lab-01]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: "${limit}", extraVars: {vlan_id: 40}}
`;
}

describe('apply never runs a step on an undeclared host', () => {
  let repository: TestRepository;
  const config = (host: string) => path.join(repository.root, 'state', `${host}.cfg`);

  beforeAll(async () => {
    repository = await createRepository({
      'policies/change-control.yaml': LAB_CHANGE_CONTROL,
      'inventory/hosts.yaml':
        'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        sw-lab-01: {}\n        sw-lab-02: {}\n',
      'playbooks/vlans.yaml': LAB_VLANS,
      'changes/undeclared.yaml': labProposal('CHG-UNDECLARED', 'sw-lab-01,sw-lab-02'),
      'changes/declared.yaml': labProposal('CHG-DECLARED', 'sw-lab-01'),
      'approvals.yaml': '- {user: eli}\n- {user: alice}\n',
    });
    await repository.commit('lab');
  });
  afterAll(() => repository.remove());

  it('refuses the proposal whose limit reaches an undeclared host, and runs nothing', async () => {
    const result = await runCli(
      ['apply', 'changes/undeclared.yaml', '--approvals', 'approvals.yaml', '--out-dir', 'runs/refused'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('apply refused for CHG-UNDECLARED');
    expect(existsSync(config('sw-lab-02'))).toBe(false);
    expect(existsSync(config('sw-lab-01'))).toBe(false);
  });

  it('applies the same change limited to its declared device', async () => {
    // why: the fixed proposal replaces the refused one; both in one slot on sw-lab-01 would conflict.
    await repository.git.rm('changes/undeclared.yaml');
    await repository.commit('the change limited to its declared device');
    const result = await runCli(
      ['apply', 'changes/declared.yaml', '--approvals', 'approvals.yaml', '--out-dir', 'runs/applied'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    expect(await readFile(config('sw-lab-01'), 'utf8')).toContain('vlan 40');
    expect(existsSync(config('sw-lab-02'))).toBe(false);
  });
});
