/**
 * netchange's own overhead on one plan: its wall time minus the same ansible-playbook command run
 * alone (≤ 300 ms). The concurrency ratio (0.6 at concurrency 2) is gone (issue 18): Ansible is
 * CPU-bound, so two cores cannot meet it; bench/shards.bench.ts measures CPU overhead per step and
 * N shards on N processes instead, with the ratio on machines with more cores.
 * Runs the built CLI (dist/; built here when missing).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { BenchFigure } from './harness.js';
import { commitAsRepository, timeIt } from './harness.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
export const CLI = path.join(PROJECT, 'dist/cli/main.js');
export const PROPOSALS = 40;
const HOSTS = ['sw-01', 'sw-02', 'sw-03', 'sw-04', 'sw-05'];

const PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} vlan {{ vlan_id }}"
        block: "vlan {{ vlan_id }}\\n name BENCH-{{ vlan_id }}\\n"
`;

function proposal(index: number): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-PLAN-${String(index).padStart(3, '0')}
title: Add VLAN ${100 + index}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [plant-a], devices: [${HOSTS.join(', ')}]}
schedule: {start: "2027-02-07T02:00", end: "2027-02-07T03:00", timezone: America/Chicago}
execution:
  - ansible:
      playbook: playbooks/vlans.yaml
      inventory: inventory/hosts.yaml
      extraVars: {vlan_id: ${100 + index}}
`;
}

export async function createRepository(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-plan-'));
  const files: Record<string, string> = {
    'inventory/hosts.yaml': `all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n${HOSTS.map((host) => `        ${host}: {}\n`).join('')}`,
    'playbooks/vlans.yaml': PLAYBOOK,
  };
  for (let index = 0; index < PROPOSALS; index++) files[`changes/chg-${index}.yaml`] = proposal(index);
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }
  await commitAsRepository(root, 'bench');
  return root;
}

export async function plan(root: string, args: string[]): Promise<void> {
  const result = await execa('node', [CLI, 'plan', '--repo', root, '--format', 'json', ...args], {
    cwd: root,
    env: { CI: 'true' },
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`netchange plan exited ${result.exitCode}: ${result.stderr}`);
}

export async function ensureBuilt(): Promise<void> {
  if (!existsSync(CLI)) await execa('npm', ['run', 'build'], { cwd: PROJECT });
}

export default async function benchPlan(): Promise<BenchFigure[]> {
  if (!existsSync(CLI)) await execa('npm', ['run', 'build'], { cwd: PROJECT });
  const root = await createRepository();
  try {
    // why: one warm-up run so both timed runs find Python's bytecode caches and the callback written.
    await plan(root, ['changes/chg-0.yaml', '--out-dir', path.join(root, 'out/warm')]);
    const bare: number[] = [];
    const wrapped: number[] = [];
    const varsFile = path.join(root, 'vars.json');
    await writeFile(varsFile, JSON.stringify({ vlan_id: 100 }));
    for (let round = 0; round < 5; round++) {
      bare.push(
        await timeIt(() =>
          execa(
            'ansible-playbook',
            [
              path.join(root, 'playbooks/vlans.yaml'),
              '-i',
              path.join(root, 'inventory/hosts.yaml'),
              '-e',
              `@${varsFile}`,
              '--check',
              '--diff',
            ],
            { cwd: root },
          ),
        ),
      );
      wrapped.push(
        await timeIt(() =>
          plan(root, ['changes/chg-0.yaml', '--out-dir', path.join(root, `out/one-${round}`)]),
        ),
      );
    }
    // why: the fastest of 5 runs each, so load from other processes on a shared machine counts least.
    const fastestWrapped = Math.min(...wrapped);
    const fastestBare = Math.min(...bare);
    return [
      {
        name: 'netchange overhead on one plan (fastest of 5, minus bare ansible-playbook)',
        value: fastestWrapped - fastestBare,
        unit: 'ms',
        budget: 300,
        comparison: `netchange plan ${Math.round(fastestWrapped)} ms, ansible-playbook ${Math.round(fastestBare)} ms`,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
