/**
 * An interrupted apply is visible (issue: "secrets stay secret and faults leave a trace", item 5):
 * before the first step runs, apply writes result.json and an `apply-started` evidence record; a
 * run killed with SIGKILL is then shown by the digest and by `audit verify` as a change with no
 * result, and a run told to stop (SIGTERM) ends its steps and records what it knows.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, labInventory, labProposal } from '../support/lab-network.js';
import { killProcessesWith, waitUntil } from '../support/processes.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli, startCli } from '../support/run-cli.js';

// why: the real step waits, so the test can interrupt apply while a device is being changed.
const SLOW = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "vlan {{ vlan_id }}"
    - name: Wait like a slow device
      ansible.builtin.pause: {seconds: 4}
      when: not ansible_check_mode
`;

const PROPOSAL = labProposal({
  id: 'CHG-NIGHT',
  title: 'Add VLAN 40 at night',
  timezone: 'America/Chicago',
  steps: `execution:
  - ansible: {playbook: playbooks/slow.yaml, inventory: inventory/hosts.yaml, limit: sw-lab-01, extraVars: {vlan_id: 40}}
`,
});

let repository: TestRepository | undefined;
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

async function labRepository(): Promise<TestRepository> {
  const created = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml': labInventory(),
    'playbooks/slow.yaml': SLOW,
    'changes/night.yaml': PROPOSAL,
    'approvals.yaml': '- {user: eli}\n',
  });
  await created.commit('VLAN 40 at night');
  return created;
}

/** Starts `netchange apply` as its own process, so the test can signal exactly that process. */
function startApply(root: string) {
  return startCli(
    ['apply', 'changes/night.yaml', '--approvals', 'approvals.yaml', '--out-dir', 'runs/night'],
    { cwd: root },
  );
}

async function result(root: string): Promise<{ outcome: string; message: string } | undefined> {
  const file = path.join(root, 'runs/night/result.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Waits until the device config shows the first task ran: apply is inside its real step now. */
async function waitUntilChanging(root: string): Promise<void> {
  const config = path.join(root, 'state', 'sw-lab-01.cfg');
  await waitUntil(
    async () => existsSync(config) && (await readFile(config, 'utf8')).includes('vlan 40'),
    90_000,
  );
}

describe('an interrupted apply leaves a trace', () => {
  it('killed with SIGKILL mid-step: result.json, the digest and audit verify say it started with no result', async () => {
    repository = await labRepository();
    const root = repository.root;
    const apply = startApply(root);
    await waitUntilChanging(root);

    apply.kill('SIGKILL');
    await apply;
    const left = await result(root);
    const digest = await runCli(['digest', '--since', '2h', '--no-fetch'], { cwd: root });
    const verify = await runCli(['audit', 'verify', '--no-fetch'], { cwd: root });
    const again = await runCli(['apply', 'changes/night.yaml', '--approvals', 'approvals.yaml'], {
      cwd: root,
    });
    // why: SIGKILL leaves netchange's ansible-playbook orphaned; end the test's own processes by pid.
    await killProcessesWith(root);

    expect(left).toMatchObject({ outcome: 'interrupted' });
    expect(left?.message).toContain('has no result: the run was interrupted');
    expect(digest.exitCode).toBe(0);
    expect(digest.stdout).toContain('1 interrupted');
    expect(digest.stdout).toContain('INTERRUPTED  CHG-NIGHT');
    expect(digest.stdout).toMatch(
      /started .*CST.*, no result: the run was interrupted \(or is still running\); check the devices/,
    );
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain('evidence chain intact: 1 record(s)');
    expect(verify.stdout).toContain('open change: CHG-NIGHT started');
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('has no result: it was interrupted or is still running');
  });

  it('stopped with SIGTERM mid-step: ends the step, records a finished record, exits 130', async () => {
    repository = await labRepository();
    const root = repository.root;
    const apply = startApply(root);
    await waitUntilChanging(root);

    apply.kill('SIGTERM');
    const ended = await apply;
    const left = await result(root);
    const exported = await runCli(['audit', 'export', '--format', 'json', '--no-fetch'], { cwd: root });
    const digest = await runCli(['digest', '--since', '2h', '--no-fetch'], { cwd: root });
    const verify = await runCli(['audit', 'verify', '--no-fetch'], { cwd: root });
    const processes = await execa('ps', ['-eo', 'args'], { reject: false });

    expect(ended.exitCode).toBe(130);
    expect(left).toMatchObject({ outcome: 'cancelled', steps: [{ status: 'cancelled' }] });
    const records = JSON.parse(exported.stdout).records as { kind: string; outcome: string }[];
    expect(records.map((record) => [record.kind, record.outcome])).toEqual([
      ['apply-started', 'started'],
      ['apply', 'failed'],
    ]);
    expect(digest.stdout).toContain('FAILED  CHG-NIGHT');
    expect(digest.stdout).not.toContain('INTERRUPTED');
    expect(verify.stdout).not.toContain('open change');
    expect(processes.stdout).not.toContain(path.join(root, 'playbooks/slow.yaml'));
  });
});
