import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

/** One task per kind of file change, each into its own device config. */
const TASKS: Record<string, string> = {
  template: `ansible.builtin.template: {src: ../templates/device.j2, dest: "{{ inventory_dir }}/../state/template.cfg"}`,
  'copy-content': `ansible.builtin.copy: {content: "hostname {{ inventory_hostname }}\\n", dest: "{{ inventory_dir }}/../state/copy-content.cfg"}`,
  'copy-src': `ansible.builtin.copy: {src: ../files/banner.cfg, dest: "{{ inventory_dir }}/../state/copy-src.cfg"}`,
  lineinfile: `ansible.builtin.lineinfile: {path: "{{ inventory_dir }}/../state/lineinfile.cfg", line: "vlan 40", create: true}`,
  blockinfile: `ansible.builtin.blockinfile: {path: "{{ inventory_dir }}/../state/blockinfile.cfg", block: "vlan 41", create: true}`,
};

function proposal(id: string, step: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Change ${id}
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-1]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: UTC}
execution:
  - ${step}
`;
}

const tree: Record<string, string> = {
  'policies/change-control.yaml': LAB_CHANGE_CONTROL,
  'inventory/hosts.yaml':
    'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  hosts:\n    sw-1: {}\n',
  'templates/device.j2': 'hostname {{ inventory_hostname }}\nvlan 40\n',
  'files/banner.cfg': 'banner motd Authorised access only\n',
  'state/.gitkeep': '',
  'terraform/stack/main.tf':
    'resource "terraform_data" "vlan" {\n  input = { vlan = 40, name = "users" }\n}\noutput "vlan" { value = terraform_data.vlan.output }\n',
  'changes/terraform.yaml': proposal('terraform', 'terraform: {dir: terraform/stack}'),
  'approvals.yaml': '- {user: eli}\n- {user: alice}\n',
};
for (const [kind, task] of Object.entries(TASKS)) {
  tree[`playbooks/${kind}.yaml`] =
    `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: ${kind}\n      ${task}\n`;
  tree[`changes/${kind}.yaml`] = proposal(
    kind,
    `ansible: {playbook: playbooks/${kind}.yaml, inventory: inventory/hosts.yaml, limit: sw-1}`,
  );
}

let repository: TestRepository;
const digests: Record<string, string>[] = [];

async function planHashes(outDir: string): Promise<Record<string, string>> {
  const result = await runCli(['plan', '--format', 'json', '--out-dir', outDir], { cwd: repository.root });
  expect(result.exitCode).toBe(0);
  const plan = JSON.parse(await readFile(path.join(repository.root, outDir, 'plan.json'), 'utf8')) as {
    proposals: { id: string; digest: string; changed: boolean }[];
  };
  return Object.fromEntries(plan.proposals.map((entry) => [entry.id, entry.digest]));
}

beforeAll(async () => {
  repository = await createRepository(tree);
  await repository.commit('one change of each kind');
  digests.push(await planHashes('runs/first'), await planHashes('runs/second'));
}, 240_000);

afterAll(async () => {
  await repository.remove();
});

describe('the plan digest', () => {
  it.each([...Object.keys(TASKS), 'terraform'])('is the same for two plans of the same commit: %s', (id) => {
    const [first, second] = digests;

    expect(first?.[id]).toMatch(/^sha256:/);
    expect(second?.[id]).toBe(first?.[id]);
  });

  it('names the changed file in the diff, not Ansible’s temporary copy', async () => {
    const plan = await readFile(path.join(repository.root, 'runs/first/plan.md'), 'utf8');

    expect(plan).toContain('state/template.cfg');
    expect(plan).toContain('state/copy-content.cfg');
    expect(plan).not.toMatch(/ansible-local-|\.ansible\/tmp/);
  });

  it('lets apply --reviewed-plan accept the reviewed plan of a template change', async () => {
    // why: the other proposals share sw-1 and the slot, so they conflict with it; merged alone, the
    // template change is applied with the plan reviewed beside them.
    for (const file of Object.keys(tree).filter(
      (name) => name.startsWith('changes/') && name !== 'changes/template.yaml',
    )) {
      await repository.git.rm(file);
    }
    await repository.commit('only the template change is merged');
    const applied = await runCli(
      [
        'apply',
        'changes/template.yaml',
        '--approvals',
        'approvals.yaml',
        '--reviewed-plan',
        'runs/first/plan.json',
        '--out-dir',
        'runs/applied',
      ],
      { cwd: repository.root },
    );

    expect(applied.stderr).not.toContain('plan changed since it was reviewed');
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain('template: applied');
    expect(await readFile(path.join(repository.root, 'state/template.cfg'), 'utf8')).toContain('vlan 40');
  });
});
