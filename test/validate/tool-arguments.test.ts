import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { minutesFromNow } from '../support/lab-network.js';
import { BASE_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-01T00:00:00Z';
const MARKER = 'PWNED-interpreter';

// why: an extraVars file beats every inventory variable, so this interpreter would run on the
// runner (ansible_connection: local) for every host the step touches, in check mode too.
const INTERPRETER_ATTACK = (root: string) =>
  proposalYaml({ id: 'ATTACK-INTERPRETER' })
    .replace('playbooks/vlans.yaml', 'playbooks/ping.yaml')
    .replace(
      '      extraVars: {vlan_id: 40}\n',
      `      extraVars:\n        vlan_id: 40\n        ansible_python_interpreter: "/usr/bin/touch ${path.join(root, MARKER)}; /usr/bin/python3"\n`,
    );

/** A verification and a rollback step that each set a variable Ansible treats specially. */
const STEP_ATTACKS = proposalYaml({
  id: 'ATTACK-STEPS',
  extra: `verification:
  - ansible:
      playbook: playbooks/vlans.yaml
      extraVars: {connection: local, hostvars: {}}
rollback:
  description: Remove VLAN 40
  ansible:
    playbook: playbooks/vlans.yaml
    extraVars:
      state: absent
      become: true
      become_user: root
`,
});

const LIST_HOSTS = proposalYaml({ id: 'ATTACK-LIMIT', limit: '--list-hosts' });

const WORKSPACE_HELP = proposalYaml({
  id: 'ATTACK-WORKSPACE',
  extra: `  - terraform:\n      dir: terraform/stack\n      workspace: "-h"\n`,
});

const ORDINARY_WORKSPACE = proposalYaml({
  id: 'ORDINARY-WORKSPACE',
  extra: `  - terraform:\n      dir: terraform/stack\n      workspace: plant-a.prod\n`,
});

describe('values a proposal hands to Ansible and Terraform stay data', () => {
  let repository: TestRepository;
  let report: ValidationReport;
  let validateExit: number;

  beforeAll(async () => {
    repository = await createRepository(BASE_TREE);
    await repository.write({
      'changes/interpreter.yaml': INTERPRETER_ATTACK(repository.root),
      'changes/steps.yaml': STEP_ATTACKS,
      'changes/list-hosts.yaml': LIST_HOSTS,
      'changes/workspace.yaml': WORKSPACE_HELP,
      'changes/ordinary.yaml': ORDINARY_WORKSPACE,
      // why: a task that runs a module, so Ansible starts the interpreter on the host.
      'playbooks/ping.yaml':
        '- hosts: switches\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n',
      'terraform/stack/main.tf': 'resource "terraform_data" "x" {\n  input = terraform.workspace\n}\n',
    });
    await repository.commit('proposals from an untrusted pull request');
    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });
    validateExit = result.exitCode;
    report = JSON.parse(result.stdout) as ValidationReport;
  });
  afterAll(() => repository.remove());

  const findingsOf = (file: string) =>
    report.proposals.find((proposal) => proposal.file === `changes/${file}`)?.findings ?? [];

  it('fails validate (exit 1) for the interpreter attack, at the key line', () => {
    expect(validateExit).toBe(1);
    expect(findingsOf('interpreter.yaml')).toContainEqual(
      expect.objectContaining({
        ruleId: 'lint',
        severity: 'error',
        file: 'changes/interpreter.yaml',
        line: 21,
        column: 9,
        message: expect.stringContaining("extraVars key 'ansible_python_interpreter' is reserved"),
        hint: expect.stringContaining('Rename the variable'),
      }),
    );
  });

  it('plan refuses the interpreter attack: exit 1, and the marker file never appears', async () => {
    const result = await runCli(['plan', 'changes/interpreter.yaml', '--out-dir', 'run'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "changes/interpreter.yaml:21:9 execution[0].ansible.extraVars key 'ansible_python_interpreter' is reserved",
    );
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it.each([
    ['connection', 23, 'it is a playbook keyword'],
    ['hostvars', 23, 'it is a magic variable Ansible sets itself'],
    ['become', 30, 'it is a playbook keyword'],
    ['become_user', 31, 'it is a playbook keyword'],
  ])('refuses %s in verification and rollback steps (line %i)', (key, line, reason) => {
    expect(findingsOf('steps.yaml')).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line,
        message: expect.stringMatching(new RegExp(`extraVars key '${key}' is reserved: ${reason}`)),
      }),
    );
  });

  it("refuses limit '--list-hosts' at the limit line", () => {
    expect(findingsOf('list-hosts.yaml')).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line: 18,
        message:
          "execution[0].ansible.limit '--list-hosts' starts with '-': ansible-playbook would read it as an option",
      }),
    );
  });

  it("refuses terraform workspace '-h' at the workspace line", () => {
    expect(findingsOf('workspace.yaml')).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        line: 22,
        message: expect.stringContaining(
          'execution[1].terraform.workspace \'-h\' is not a Terraform workspace name: it starts with "-"',
        ),
      }),
    );
  });

  it('accepts a workspace name Terraform accepts, with a dot', () => {
    // why: every proposal here shares one slot on sw-1; their conflicts are conflicts.test.ts's subject.
    expect(
      findingsOf('ordinary.yaml').filter(
        (finding) => finding.severity === 'error' && finding.ruleId !== 'conflict',
      ),
    ).toEqual([]);
  });

  it('plan runs none of the refused proposals and exits 1, and still plans the ordinary one', async () => {
    const result = await runCli(['plan', '--out-dir', 'run-all', '--format', 'json'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(1);
    for (const file of ['interpreter', 'steps', 'list-hosts', 'workspace'])
      expect(result.stderr).toContain(`changes/${file}.yaml`);
    const plan = JSON.parse(result.stdout) as { proposals: { file: string; status: string }[] };
    expect(plan.proposals.map((proposal) => proposal.file)).toEqual(['changes/ordinary.yaml']);
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });
});

describe('apply never runs a proposal that sets a reserved variable', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({
      'policies/change-control.yaml': `apiVersion: netchange/v1
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
policyOwners: [netops]
`,
      'inventory/hosts.yaml':
        'all:\n  vars: {ansible_connection: local}\n  children:\n    switches:\n      hosts:\n        sw-1: {}\n',
      'playbooks/ping.yaml':
        '- hosts: switches\n  gather_facts: false\n  tasks:\n    - ansible.builtin.ping:\n',
      'approvals.yaml': '- {user: alice}\n',
    });
    // why: an approved normal change, raised in time, inside its window now: only the reserved
    // variable stands between it and the runner.
    await repository.write({
      'changes/interpreter.yaml': INTERPRETER_ATTACK(repository.root)
        .replace('start: "2026-11-29T02:00"', `start: "${minutesFromNow(-5)}"`)
        .replace('end: "2026-11-29T03:00"', `end: "${minutesFromNow(55)}"`)
        .replace('timezone: America/Chicago', 'timezone: UTC'),
    });
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600_000).toISOString();
    await repository.git.add('.');
    await execa('git', ['commit', '-q', '-m', 'raise the change'], {
      cwd: repository.root,
      env: { GIT_AUTHOR_DATE: twoDaysAgo, GIT_COMMITTER_DATE: twoDaysAgo },
    });
  });
  afterAll(() => repository.remove());

  it('refuses (exit 1) naming the key, and the marker file never appears', async () => {
    const result = await runCli(
      ['apply', 'changes/interpreter.yaml', '--approvals', 'approvals.yaml', '--out-dir', 'runs/apply'],
      { cwd: repository.root },
    );

    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("extraVars key 'ansible_python_interpreter' is reserved");
  });
});
