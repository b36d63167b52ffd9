import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killProcessesWith, processesWith, waitUntil } from '../support/processes.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli, startCli } from '../support/run-cli.js';

// why: a sleep no other process on the machine runs, so `ps` finds exactly this test's tree.
const SLEEP = `300.${process.pid}${Math.floor(Math.random() * 1e6)}`;

const STUBBORN = `- hosts: all
  gather_facts: false
  tasks:
    - name: A task that ignores SIGTERM
      ansible.builtin.shell: "touch {{ playbook_dir }}/../started; trap '' TERM; sleep ${SLEEP}"
      check_mode: false
`;

function proposal(id: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: A task that will not stop
requester: {team: netops, github: alice}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-1]}
schedule: {start: "2027-02-07T02:00", end: "2027-02-07T03:00", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/stubborn.yaml, inventory: inventory/hosts.yaml, limit: sw-1}
`;
}

let repository: TestRepository;
let temporary: string;

beforeAll(async () => {
  repository = await createRepository({
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  hosts:\n    sw-1: {}\n',
    'playbooks/stubborn.yaml': STUBBORN,
    'changes/stubborn.yaml': proposal('CHG-STUBBORN'),
  });
  await repository.commit('a task that ignores SIGTERM');
});

afterEach(async () => {
  // why: whatever a failing assertion left running, by pid, only what carries this test's markers.
  await killProcessesWith(SLEEP);
  await killProcessesWith(repository.root);
  await rm(path.join(repository.root, 'started'), { force: true });
  if (temporary) await rm(temporary, { recursive: true, force: true });
});

afterAll(async () => {
  await repository.remove();
});

async function configure(stepTimeout: string): Promise<void> {
  await repository.write({
    'netchange.yaml': `apiVersion: netchange/v1\nkind: Config\nexecutors: {stepTimeout: ${stepTimeout}, killGrace: PT1S}\n`,
  });
}

/** What netchange left in the private temp directory (tsx, which runs the CLI here, keeps its cache). */
async function leftInTemporary(): Promise<string[]> {
  return (await readdir(temporary)).filter((name) => !name.startsWith('tsx-'));
}

describe('a step that outlives its time or is cancelled', () => {
  it('on the step timeout, ends the whole process tree, even a task that ignores SIGTERM (exit 3)', async () => {
    temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-tmp-'));
    await configure('PT5S');

    const result = await runCli(['plan', '--out-dir', 'out/timeout'], {
      cwd: repository.root,
      env: { TMPDIR: temporary },
    });

    expect(existsSync(path.join(repository.root, 'started'))).toBe(true);
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toContain('ran longer than the step timeout (5 s)');
    expect(await processesWith(SLEEP)).toEqual([]);
    expect(await processesWith(repository.root)).toEqual([]);
    expect(await leftInTemporary()).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s to netchange, ends the whole process tree and exits 130',
    async (signal) => {
      temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-tmp-'));
      // why: a long timeout, so the signal, not the timeout, ends the step.
      await configure('PT10M');
      const child = startCli(['plan', '--out-dir', `out/${signal}`, '--format', 'json'], {
        cwd: repository.root,
        env: { TMPDIR: temporary },
      });
      await waitUntil(() => existsSync(path.join(repository.root, 'started')));
      await waitUntil(async () => (await processesWith(SLEEP)).length > 0);

      child.kill(signal);
      const result = await child;

      expect(result.exitCode).toBe(130);
      const plan = JSON.parse(await readFile(path.join(repository.root, `out/${signal}/plan.json`), 'utf8'));
      expect(plan).toMatchObject({ status: 'cancelled' });
      expect(await processesWith(SLEEP)).toEqual([]);
      expect(await processesWith(repository.root)).toEqual([]);
      expect(await leftInTemporary()).toEqual([]);
    },
  );
});
