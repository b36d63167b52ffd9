/**
 * `apply --due` orders a redundancy group's members in waves (docs/scale.md, "Shards and waves"),
 * with and without `--shard`, and keeps a group's later waves back when a member did not apply.
 * Real processes: the CLI, git, `ansible-playbook` against local-connection switches, the GitHub
 * stand-in for pull requests, reviews, locks and applied markers.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { LAB_CHANGE_CONTROL, labInventory, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const TOKEN = 'ghp_plantedWavesToken0123456789abcdefABCDEF';

/** sw-lab-01 and sw-lab-02 back each other up; sw-lab-03 and sw-lab-04 stand alone. */
const PAIR = ['sw-lab-01', 'sw-lab-02'];
const POLICY = `${LAB_CHANGE_CONTROL}redundancyGroups:
  - {name: lab-pair, devices: ["sw-lab-0[12]"], reason: The two lab switches carry each other's uplinks}
`;

/**
 * Renders the VLAN, appends the change's id to one log shared by every device (the order the
 * changes really ran in), and fails for real (never in check mode) when `fail_apply` is set.
 */
const PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "vlan {{ vlan_id }}"
    - name: Record the order the changes ran in
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/order.log"
        create: true
        line: "{{ change_id }}"
    - name: Reject the configuration
      ansible.builtin.fail: {msg: "the switch rejected the configuration"}
      when: (fail_apply | default(false)) and not ansible_check_mode
`;

interface LabChange {
  id: string;
  host: string;
  vlan: number;
  /** Minutes from now to its start (negative: started already). */
  startsIn: number;
  failApply?: boolean;
}

/**
 * A change on `host` whose window is open now. why: the group's members overlap, which the
 * conflicts gate refuses for a normal change; emergencies go ahead with a warning, and are the
 * changes a scheduled run meets together on one redundancy group.
 */
function proposal(change: LabChange): string {
  const group = PAIR.includes(change.host);
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${change.id}
title: Add VLAN ${change.vlan}
requester: {team: partner-noc, github: dana}
type: ${group ? 'emergency' : 'standard'}
${group ? 'incident: INC-0042' : 'template: vlan-add'}
domain: switching
risk: low
targets: {sites: [lab], devices: [${change.host}]}
schedule: {start: "${minutesFromNow(change.startsIn)}", end: "${minutesFromNow(50)}", timezone: UTC}
execution:
  - ansible:
      playbook: playbooks/vlans.yaml
      inventory: inventory/hosts.yaml
      limit: ${change.host}
      extraVars: {vlan_id: ${change.vlan}, change_id: ${change.id}${change.failApply ? ', fail_apply: true' : ''}}
`;
}

/** The group's members start C, then A and B together; LONE is alone, started last. */
const CHANGES: LabChange[] = [
  { id: 'CORE-A', host: 'sw-lab-01', vlan: 41, startsIn: -10 },
  { id: 'CORE-B', host: 'sw-lab-02', vlan: 42, startsIn: -10 },
  { id: 'CORE-C', host: 'sw-lab-01', vlan: 43, startsIn: -20 },
  { id: 'LONE', host: 'sw-lab-03', vlan: 44, startsIn: -5 },
];

interface Lab {
  name: string;
  repository: TestRepository;
}

let standIn: GitHubStandIn;
const labs: Lab[] = [];
const outputs: CliResult[] = [];

/** A repository whose changes were merged through pull request #1, approved by eli and alice. */
async function createLab(name: string, changes: readonly LabChange[]): Promise<Lab> {
  const fullName = `acme/${name}`;
  standIn.createRepository(fullName);
  const repository = await createRepository({
    'policies/change-control.yaml': POLICY,
    'inventory/hosts.yaml': labInventory([...PAIR, 'sw-lab-03', 'sw-lab-04']),
    'playbooks/vlans.yaml': PLAYBOOK,
    '.gitignore': 'state/\n.netchange/\n',
    ...Object.fromEntries(
      changes.map((change) => [`changes/${change.id.toLowerCase()}.yaml`, proposal(change)]),
    ),
  });
  const head = await repository.commit('changes on the lab pair');
  standIn.createPullRequest(fullName, { number: 1, headSha: head, author: 'dana' });
  standIn.addReview(fullName, 1, { user: 'eli', state: 'APPROVED', commitId: head });
  standIn.addReview(fullName, 1, { user: 'alice', state: 'APPROVED', commitId: head });
  standIn.merge(fullName, 1, 'c'.repeat(40));
  const lab = { name: fullName, repository };
  labs.push(lab);
  return lab;
}

async function netchange(lab: Lab, args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: lab.repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: lab.name,
      GITHUB_ACTOR: 'eli',
    },
  });
  outputs.push(result);
  return result;
}

async function stateFile(lab: Lab, name: string): Promise<string> {
  const file = path.join(lab.repository.root, 'state', name);
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

/** The ids in the order the devices were changed. */
async function ranInOrder(lab: Lab): Promise<string[]> {
  return (await stateFile(lab, 'order.log')).split('\n').filter(Boolean);
}

/** The ids in the order the run announced them ("applying X"). */
function announced(result: CliResult): string[] {
  return [...result.stdout.matchAll(/^applying (\S+) from #/gm)].map((match) => match[1] as string);
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  for (const lab of labs) await lab.repository.remove();
});

describe('apply --due applies a redundancy group one member per wave', () => {
  it('without --shard: C and LONE, then A, then B (a single runner is shard 1/1)', async () => {
    const lab = await createLab('waves-unsharded', CHANGES);
    const before = standIn.requests.length;

    const result = await netchange(lab, ['apply', '--due']);

    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(announced(result)).toEqual(['CORE-C', 'LONE', 'CORE-A', 'CORE-B']);
    // why: one read of the pull request per proposal, apply --pr's own: finding the due proposals
    // already gave each one's head, so the check for an earlier failed run asks GitHub nothing.
    const pullReads = standIn.requests.slice(before).filter((request) => request.operationId === 'pulls/get');
    expect(pullReads).toHaveLength(4);
    expect(await ranInOrder(lab)).toEqual(['CORE-C', 'LONE', 'CORE-A', 'CORE-B']);
    expect(result.stdout).toContain('applying CORE-C from #1 (wave 1 of 3)');
    expect(result.stdout).toContain('applying LONE from #1 (wave 1 of 3)');
    expect(result.stdout).toContain('applying CORE-A from #1 (wave 2 of 3)');
    expect(result.stdout).toContain('applying CORE-B from #1 (wave 3 of 3)');
  });

  it('with --shard K/2: the group stays in one shard, in the same waves', async () => {
    // why: FNV-1a puts group:lab-pair and changes/lone.yaml in shard 1 of 2, changes/edge.yaml in 2.
    const lab = await createLab('waves-sharded', [
      ...CHANGES,
      { id: 'EDGE', host: 'sw-lab-04', vlan: 45, startsIn: -5 },
    ]);

    const shards = [
      await netchange(lab, ['apply', '--due', '--shard', '1/2']),
      await netchange(lab, ['apply', '--due', '--shard', '2/2']),
    ];

    expect(
      shards.map((shard) => shard.exitCode),
      shards.map((shard) => shard.stdout + shard.stderr).join('\n---\n'),
    ).toEqual([0, 0]);
    expect(shards.map(announced)).toEqual([['CORE-C', 'LONE', 'CORE-A', 'CORE-B'], ['EDGE']]);
    expect(await ranInOrder(lab)).toEqual(['CORE-C', 'LONE', 'CORE-A', 'CORE-B', 'EDGE']);
    expect(shards[0]?.stdout).toContain('applying CORE-B from #1 (wave 3 of 3)');
  });
});

describe('a member of a redundancy group that does not apply', () => {
  const changes: LabChange[] = [
    { id: 'PAIR-A', host: 'sw-lab-01', vlan: 51, startsIn: -20, failApply: true },
    { id: 'PAIR-B', host: 'sw-lab-02', vlan: 52, startsIn: -10 },
    { id: 'LONE', host: 'sw-lab-03', vlan: 54, startsIn: -5 },
  ];

  it("keeps its group's later waves back, with the reason, and the others run", async () => {
    const lab = await createLab('waves-failure', changes);

    const first = await netchange(lab, ['apply', '--due']);
    const second = await netchange(lab, ['apply', '--due', '--format', 'json']);
    const rerun = await netchange(lab, [
      'apply',
      'changes/pair-a.yaml',
      '--pr',
      '1',
      '--reapply',
      'RMA done',
    ]);

    expect(first.exitCode, first.stdout + first.stderr).toBe(1);
    expect(announced(first)).toEqual(['PAIR-A', 'LONE']);
    expect(first.stdout).toContain(
      'skipped PAIR-B from #1 (wave 2 of 2): PAIR-A of redundancy group lab-pair did not apply in wave 1 (failed); ' +
        'its devices may be down, so no other member of the group is changed in this run',
    );
    expect(await stateFile(lab, 'sw-lab-02.cfg')).toBe('');
    expect(await stateFile(lab, 'sw-lab-03.cfg')).toContain('vlan 54');
    expect([...standIn.repository(lab.name).refs.keys()]).toEqual(['refs/netchange/applied/LONE']);
    // The next run (as JSON: one object on stdout, progress on stderr) does not run the failed member
    // again on its own: the evidence shows it failed at this commit, so it waits for an operator, and
    // its partner still waits.
    expect(second.exitCode).toBe(1);
    expect(announced({ ...second, stdout: second.stderr })).toEqual([]);
    expect(second.stderr).not.toContain('already applied');
    expect(second.stderr).toMatch(
      /skipped PAIR-A from #1 \(wave 1 of 2\): failed at commit [0-9a-f]{12} \(evidence record #\d+\); an operator re-runs it with: netchange apply changes\/pair-a\.yaml --pr 1 --reapply "REASON"/,
    );
    expect(second.stderr).toMatch(
      /skipped PAIR-B from #1 \(wave 2 of 2\): PAIR-A of redundancy group lab-pair failed at commit [0-9a-f]{12} .*no other member of the group is changed until it applies/,
    );
    expect(JSON.parse(second.stdout).due).toEqual([
      expect.objectContaining({
        id: 'PAIR-A',
        wave: 1,
        waves: 2,
        skipped: expect.stringContaining('--pr 1 --reapply "REASON"'),
      }),
      expect.objectContaining({
        id: 'PAIR-B',
        wave: 2,
        waves: 2,
        skipped: expect.stringContaining('PAIR-A of redundancy group lab-pair failed'),
      }),
    ]);
    // The command the skip names is one an operator can run: it is not refused, it runs (and fails again).
    expect(rerun.stdout + rerun.stderr).not.toContain('apply refused');
    expect(rerun.exitCode, rerun.stdout + rerun.stderr).toBe(1);
    expect(await stateFile(lab, 'sw-lab-02.cfg')).toBe('');
  });
});
