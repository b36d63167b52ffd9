import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, killProcessesWith, processesWith, waitUntil } from '../support/processes.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli, startCli } from '../support/run-cli.js';

const SECRET = 'tmp-planted-Secret-7Hq2Lw';
const SLEEP = `300.${process.pid}${Math.floor(Math.random() * 1e6)}`;

function proposal(id: string, playbook: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Set the device password
requester: {team: netops, github: alice}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-1]}
schedule: {start: "2027-02-07T02:00", end: "2027-02-07T03:00", timezone: UTC}
execution:
  - ansible:
      playbook: playbooks/${playbook}.yaml
      inventory: inventory/hosts.yaml
      limit: sw-1
      extraVars: {device_password: ${SECRET}}
`;
}

const RENDER = `- hosts: all
  gather_facts: false
  tasks:
    - name: Render the config
      ansible.builtin.template:
        src: ../templates/device.j2
        dest: "{{ playbook_dir }}/../state/{{ inventory_hostname }}.cfg"
`;

const SLOW = `- hosts: all
  gather_facts: false
  tasks:
    - name: A slow task
      ansible.builtin.shell: "touch {{ playbook_dir }}/../started; sleep ${SLEEP}"
      check_mode: false
`;

let repository: TestRepository;
let temporary: string;

beforeAll(async () => {
  repository = await createRepository({
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  hosts:\n    sw-1: {}\n',
    'templates/device.j2': 'hostname {{ inventory_hostname }}\nusername admin secret {{ device_password }}\n',
    'playbooks/render.yaml': RENDER,
    'playbooks/slow.yaml': SLOW,
    'changes/render.yaml': proposal('CHG-RENDER', 'render'),
    'changes/slow.yaml': proposal('CHG-SLOW', 'slow'),
    'playbooks/broken.yaml': '- hosts: all\n  tasks:\n    - ansible.builtin.nonexistent_module: {}\n',
    'changes/broken.yaml': proposal('CHG-BROKEN', 'broken'),
  });
  await repository.commit('a password change');
});

afterEach(async () => {
  await killProcessesWith(SLEEP);
  await killProcessesWith(repository.root);
  await rm(temporary, { recursive: true, force: true });
});

afterAll(async () => {
  await repository.remove();
});

/** Files netchange left in the private temp directory (tsx, which runs the CLI here, keeps its cache). */
async function leftInTemporary(): Promise<string[]> {
  return (await filesUnder(temporary)).filter((file) => !path.relative(temporary, file).startsWith('tsx-'));
}

async function holdingSecret(): Promise<string[]> {
  const found: string[] = [];
  for (const file of await leftInTemporary()) {
    if ((await readFile(file, 'utf8')).includes(SECRET)) found.push(path.relative(temporary, file));
  }
  return found;
}

describe('temporary files', () => {
  it('a normal plan leaves no file in the temp directory', async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-tmp-'));

    const result = await runCli(['plan', 'changes/render.yaml', '--out-dir', 'out/normal'], {
      cwd: repository.root,
      env: { TMPDIR: temporary },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('state/sw-1.cfg');
    expect(await leftInTemporary()).toEqual([]);
  });

  it('a plan whose tool fails leaves no file in the temp directory either', async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-tmp-'));

    const result = await runCli(['plan', 'changes/broken.yaml', '--out-dir', 'out/broken'], {
      cwd: repository.root,
      env: { TMPDIR: temporary },
    });

    expect(result.exitCode).toBe(3);
    expect(await leftInTemporary()).toEqual([]);
  });

  it('after kill -9 the secret stays in a private directory, and the next run removes it', async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-tmp-'));
    const killed = startCli(['plan', 'changes/slow.yaml', '--out-dir', 'out/killed'], {
      cwd: repository.root,
      env: { TMPDIR: temporary },
    });
    await waitUntil(() => existsSync(path.join(repository.root, 'started')));

    killed.kill('SIGKILL');
    await killed;
    const left = await holdingSecret();
    const modes = await Promise.all(
      left
        .flatMap((file) => [path.dirname(file), file])
        .map(async (file) => (await stat(path.join(temporary, file))).mode & 0o777),
    );
    // why: the orphaned ansible-playbook is this test's; it must not keep writing while the next run looks.
    await killProcessesWith(repository.root);
    await killProcessesWith(SLEEP);
    const next = await runCli(['plan', 'changes/render.yaml', '--out-dir', 'out/next'], {
      cwd: repository.root,
      env: { TMPDIR: temporary },
    });

    expect(left).toEqual([expect.stringMatching(/^netchange-run-\d+-\w+\/ansible-\w+\/extra-vars\.yaml$/)]);
    expect(modes).toEqual([0o700, 0o600]);
    expect(next.exitCode).toBe(0);
    expect(await holdingSecret()).toEqual([]);
    expect(await leftInTemporary()).toEqual([]);
    expect(await processesWith(SLEEP)).toEqual([]);
  });
});
