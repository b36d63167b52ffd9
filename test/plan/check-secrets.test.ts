/**
 * A plan (check mode) learns its inventory's secrets from the playbook run itself: the callback
 * reports every inventory host's variables at the first play, so no `ansible-inventory --list` runs.
 * When the run ends before its first play, the inventory is listed after all, before any of the
 * output is read; when that listing fails, the output is dropped unread and the step is refused.
 *
 * The ansible-inventory command is a fault injector: it records that it ran and fails, so a plan
 * that needed it shows as refused, and one that did not shows no call.
 */
import { chmod, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantProposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { readTree } from '../support/secrets.js';

const GROUP_SECRET = 'tacacs-Check-Run-41';
// why: a host outside the step's limit; a task can still print its variables through hostvars.
const OTHER_HOST_SECRET = 'fw-Admin-Outside-Limit-93';

const PRINTS_SECRETS = `- hosts: plant_a_switches
  gather_facts: false
  tasks:
    - name: Print what the inventory holds
      ansible.builtin.debug:
        msg: "key {{ tacacs_key }} firewall {{ hostvars['fw-hq-01'].fw_admin_secret }}"
`;

/** One Ansible step running `playbook` on sw-plant-a-01. */
function proposal(id: string, playbook: string): string {
  return plantProposalYaml(
    id,
    'Check-mode secrets',
    `  - ansible: {playbook: ${playbook}, inventory: inventory/hosts.yaml, limit: sw-plant-a-01}\n`,
  );
}

// why: an unknown action fails the playbook while it is loaded, before its first play starts.
const ENDS_BEFORE_FIRST_PLAY = `- hosts: plant_a_switches
  gather_facts: false
  tasks:
    - name: Call an action that does not exist
      netchange_no_such_action: {key: "{{ tacacs_key }}"}
`;

let repository: TestRepository;
let calls: string;
let result: CliResult;
const artifacts: Record<string, string> = {};

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  calls = path.join(repository.root, '.inventory-calls');
  await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
  await repository.write({
    'netchange.yaml': `apiVersion: netchange/v1
kind: Config
defaults: {timezone: America/Chicago}
executors: {ansibleInventory: ${path.join(repository.root, 'bin/failing-inventory')}}
`,
    // why: a Python script with Ansible's Python on its #! line, as ansible-inventory has: validate's
    // host resolution runs with that Python.
    'bin/failing-inventory': `#!/usr/bin/python3\nimport sys\nwith open(${JSON.stringify(calls)}, 'a') as calls:\n    calls.write(' '.join(sys.argv[1:]) + '\\n')\nsys.exit('ERROR! injected fault')\n`,
    'inventory/group_vars/plant_a_switches.yml': `tacacs_key: ${GROUP_SECRET}\n`,
    'inventory/host_vars/fw-hq-01.yml': `fw_admin_secret: ${OTHER_HOST_SECRET}\n`,
    'playbooks/test/prints-secrets.yaml': PRINTS_SECRETS,
    'playbooks/test/ends-early.yaml': ENDS_BEFORE_FIRST_PLAY,
    'changes/prints.yaml': proposal('CHG-PRINTS', 'playbooks/test/prints-secrets.yaml'),
  });
  await chmod(path.join(repository.root, 'bin/failing-inventory'), 0o755);
  await repository.commit('check-mode secrets');
  result = await runCli(['plan', '--format', 'json', '--out-dir', 'out'], { cwd: repository.root });
  await readTree(path.join(repository.root, 'out'), artifacts);
});

afterAll(async () => {
  await repository.remove();
});

describe('a plan learns its inventory secrets from its own check run', () => {
  it('plans without listing the inventory', async () => {
    const plan = JSON.parse(result.stdout);
    const step = plan.proposals[0].steps[0];

    expect(result.exitCode).toBe(0);
    expect(step.status).toBe('planned');
    await expect(readFile(calls, 'utf8')).rejects.toThrow(/ENOENT/);
  });

  it('redacts group and host variables under secret-looking names, also of hosts outside the limit', () => {
    const outputs = [result.stdout, result.stderr, ...Object.values(artifacts)].join('\n');

    expect(outputs).toContain('key ');
    expect(outputs).not.toContain(GROUP_SECRET);
    expect(outputs).not.toContain(OTHER_HOST_SECRET);
  });

  it('keeps the reported inventory out of the step log', () => {
    const logs = Object.entries(artifacts).filter(([file]) => file.endsWith('.log'));

    expect(logs.length).toBeGreaterThan(0);
    for (const [, text] of logs) {
      expect(text).toContain('Print what the inventory holds');
      expect(text).not.toContain('"inventory"');
    }
  });
});

describe('a check run that ends before its first play', () => {
  let early: CliResult;
  const earlyArtifacts: Record<string, string> = {};

  beforeAll(async () => {
    await repository.write({ 'changes/early.yaml': proposal('CHG-EARLY', 'playbooks/test/ends-early.yaml') });
    await repository.commit('a playbook that fails while it loads');
    early = await runCli(['plan', 'changes/early.yaml', '--format', 'json', '--out-dir', 'out-early'], {
      cwd: repository.root,
    });
    await readTree(path.join(repository.root, 'out-early'), earlyArtifacts);
  });

  it('lists the inventory after all, and refuses the step when that fails', async () => {
    const plan = JSON.parse(early.stdout);
    const step = plan.proposals[0].steps[0];

    expect(early.exitCode).toBe(3);
    expect(step.status).toBe('error');
    expect(step.message).toContain(
      "the inventory's secrets could not be read, so the check's output was dropped unread",
    );
    expect(await readFile(calls, 'utf8')).toContain('--list');
  });

  it('drops the playbook output unread', () => {
    const outputs = [early.stdout, early.stderr, ...Object.values(earlyArtifacts)].join('\n');

    expect(outputs).not.toContain('netchange_no_such_action');
    expect(outputs).not.toContain(GROUP_SECRET);
  });
});
