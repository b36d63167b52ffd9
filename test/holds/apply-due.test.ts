import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/held-network';
const TOKEN = 'ghp_plantedHoldsDueToken0123456789abcdefAB';

const VLANS = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "vlan {{ vlan_id }}"
`;

const PROPOSAL = `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-50
title: Add VLAN 50
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-lab-01]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: sw-lab-01, extraVars: {vlan_id: 50}}
`;

let standIn: GitHubStandIn;
let repository: TestRepository;
const outputs: CliResult[] = [];

async function netchange(args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'eli',
    },
  });
  outputs.push(result);
  return result;
}

async function deviceConfig(): Promise<string> {
  const file = path.join(repository.root, 'state', 'sw-lab-01.cfg');
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  repository = await createRepository({
    'policies/change-control.yaml': `${LAB_CHANGE_CONTROL}holds:\n  freezes: true\n`,
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        sw-lab-01: {}\n',
    'playbooks/vlans.yaml': VLANS,
    'changes/vlan-50.yaml': PROPOSAL,
    '.gitignore': 'state/\n.netchange/\n',
  });
  const head = await repository.commit('VLAN 50');
  standIn.createPullRequest(REPOSITORY, { number: 1, headSha: head, author: 'dana' });
  standIn.addReview(REPOSITORY, 1, { user: 'eli', state: 'APPROVED', commitId: head });
  standIn.addReview(REPOSITORY, 1, { user: 'alice', state: 'APPROVED', commitId: head });
  standIn.merge(REPOSITORY, 1, 'c'.repeat(40));
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await repository.remove();
});

describe('apply --due and a freeze', () => {
  it('skips a held change and applies it on the next tick once the freeze issue is closed', async () => {
    const block = JSON.stringify({
      sites: ['lab'],
      until: minutesFromNow(120),
      reason: 'INC-0099',
      by: 'frank',
    });
    const issue = standIn.createIssue(REPOSITORY, {
      title: 'Freeze lab',
      body: `<!-- netchange-freeze ${block} -->`,
      labels: ['netchange-freeze'],
    });

    const heldTick = await netchange(['apply', '--due']);
    const configWhileHeld = await deviceConfig();
    issue.state = 'closed';
    const nextTick = await netchange(['apply', '--due']);

    expect(`${heldTick.stdout}${heldTick.stderr}`).toContain(`held: lab frozen by #${issue.number}`);
    expect(configWhileHeld).toBe('');
    expect(nextTick.stdout).toContain('applying CHG-50 from #1');
    expect(nextTick.exitCode).toBe(0);
    expect(await deviceConfig()).toContain('vlan 50');
    expect(standIn.violations).toEqual([]);
  });
});
