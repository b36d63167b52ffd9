import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/lab-network';
const TOKEN = 'ghp_plantedApplyToken0123456789abcdefABCDEF';

const VLANS = `- hosts: switches
  gather_facts: false
  vars: {state: present}
  tasks:
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} vlan {{ vlan_id }}"
        block: "vlan {{ vlan_id }}\\n"
        state: "{{ state }}"
`;

function proposal(
  id: string,
  host: string,
  vlan: number,
  type: 'standard' | 'emergency' = 'standard',
): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Add VLAN ${vlan}
requester: {team: partner-noc, github: dana}
type: ${type}
${type === 'standard' ? 'template: vlan-add' : 'incident: INC-0042'}
domain: switching
risk: low
targets: {sites: [lab], devices: [${host}]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: ${host}, extraVars: {vlan_id: ${vlan}}}
`;
}

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;
const outputs: CliResult[] = [];

async function netchange(args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'eli',
      GITHUB_RUN_ID: '4242',
    },
  });
  outputs.push(result);
  return result;
}

async function deviceConfig(host: string): Promise<string> {
  const file = path.join(repository.root, 'state', `${host}.cfg`);
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

function approve(pull: number, commitId: string) {
  standIn.addReview(REPOSITORY, pull, { user: 'eli', state: 'APPROVED', commitId });
  standIn.addReview(REPOSITORY, pull, { user: 'alice', state: 'APPROVED', commitId });
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  repository = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml':
      'all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        sw-lab-01: {}\n        sw-lab-02: {}\n        sw-lab-03: {}\n        sw-lab-04: {}\n',
    'playbooks/vlans.yaml': VLANS,
    'changes/vlan-40.yaml': proposal('CHG-40', 'sw-lab-01', 40),
    'changes/vlan-41.yaml': proposal('CHG-41', 'sw-lab-02', 41),
    'changes/vlan-42.yaml': proposal('CHG-42', 'sw-lab-03', 42, 'emergency'),
    '.gitignore': 'state/\n.netchange/\nrun/\n',
  });
  head = await repository.commit('lab changes');
  for (const number of [1, 2, 3, 4])
    standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana' });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await repository.remove();
});

describe('netchange apply --pr', () => {
  it('refuses when the only approvals are on an older commit', async () => {
    approve(4, 'b'.repeat(40));

    const result = await netchange(['apply', 'changes/vlan-40.yaml', '--pr', '4']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('approvals missing');
    expect(await deviceConfig('sw-lab-01')).toBe('');
  });

  it('applies the reviewed plan under its lock and records who, what, when and the approvals in a new comment', async () => {
    approve(1, head);
    const plan = await netchange(['plan', 'changes/vlan-40.yaml', '--out-dir', 'run']);
    const report = await netchange(['comment', '--pr', '1', '--from', 'run']);
    // why: a review arriving re-evaluates without a plan; the plan reviewers saw must stay.
    const reevaluated = await netchange(['comment', '--pr', '1']);
    const reportBody = standIn.comments(REPOSITORY, 1)[0]?.body ?? '';

    const applied = await netchange(['apply', 'changes/vlan-40.yaml', '--pr', '1']);

    expect([plan.exitCode, report.exitCode, reevaluated.exitCode, applied.exitCode]).toEqual([0, 0, 0, 0]);
    expect(reportBody).toContain('| File | `changes/vlan-40.yaml` |');
    expect(reportBody).toMatch(/\*\*Plan\*\* · planned · changes · digest `sha256:[0-9a-f]{64}`/);
    expect(await deviceConfig('sw-lab-01')).toContain('vlan 40');
    const comments = standIn.comments(REPOSITORY, 1);
    expect(comments).toHaveLength(2);
    const record = comments[1]?.body ?? '';
    expect(record).toContain('netchange apply: ✅ CHG-40 applied');
    expect(record).toContain('@eli');
    expect(record).toMatch(
      /[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d C[SD]T \((\d{1,2} [A-Z][a-z]{2} )?\d\d:\d\dZ\)/,
    );
    expect(record).toContain('@alice');
    expect(record).toMatch(/reviewed `sha256:[0-9a-f]{64}`/);
    // The comment anchors the evidence chain's head, and audit verify --github reads it back.
    expect(record).toMatch(/<!-- netchange-evidence-head: 2 sha256:[0-9a-f]{64} -->/);
    const anchored = await netchange(['audit', 'verify', '--no-fetch', '--github']);
    expect(anchored.exitCode).toBe(0);
    expect(anchored.stdout).toContain('evidence chain intact: 2 record(s)');
    expect(anchored.stdout).toContain('holds all 1 anchor(s)');
    const state = standIn.repository(REPOSITORY);
    expect(state.statuses).toEqual([
      expect.objectContaining({ sha: head, state: 'success', context: 'netchange/apply' }),
    ]);
    expect([...state.refs.keys()]).toEqual(['refs/netchange/applied/CHG-40']);
  });

  it('refuses a second apply while another run holds the device lock, until an operator unlocks it', async () => {
    approve(2, head);
    standIn.seedLock(REPOSITORY, 'device-sw-lab-02', {
      holder: 'dana (workflow run 99)',
      proposal: 'CHG-OTHER',
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });

    const refused = await netchange(['apply', 'changes/vlan-41.yaml', '--pr', '2']);
    const unlocked = await netchange(['unlock', 'device-sw-lab-02']);

    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('lock device-sw-lab-02 is held by dana (workflow run 99) for CHG-OTHER');
    expect(refused.stderr).toContain('netchange unlock device-sw-lab-02');
    expect(await deviceConfig('sw-lab-02')).toBe('');
    expect(unlocked.exitCode).toBe(0);
    expect(unlocked.stdout).toContain('held by dana (workflow run 99) for CHG-OTHER');
    expect(standIn.repository(REPOSITORY).refs.has('refs/netchange/locks/device-sw-lab-02')).toBe(false);
  });

  it('takes over a lock whose lease expired and labels an emergency change for its retrospective', async () => {
    approve(3, head);
    standIn.seedLock(REPOSITORY, 'device-sw-lab-03', {
      holder: 'a runner that died',
      proposal: 'CHG-DEAD',
      acquiredAt: new Date(Date.now() - 7_200_000).toISOString(),
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });

    const applied = await netchange(['apply', 'changes/vlan-42.yaml', '--pr', '3']);

    expect(applied.exitCode).toBe(0);
    expect(await deviceConfig('sw-lab-03')).toContain('vlan 42');
    const pull = standIn.repository(REPOSITORY).pulls.get(3);
    expect(pull?.labels).toEqual(['retrospective-required']);
    expect(standIn.comments(REPOSITORY, 3).at(-1)?.body).toContain('A retrospective review is due by');
    expect(standIn.repository(REPOSITORY).refs.has('refs/netchange/locks/device-sw-lab-03')).toBe(false);
  });
});

describe('netchange apply --due', () => {
  it('applies a merged, approved proposal inside its window once', async () => {
    await repository.write({ 'changes/vlan-43.yaml': proposal('CHG-43', 'sw-lab-04', 43) });
    const proposalCommit = await repository.commit('add VLAN 43');
    standIn.createPullRequest(REPOSITORY, { number: 5, headSha: proposalCommit, author: 'dana' });
    approve(5, proposalCommit);
    standIn.merge(REPOSITORY, 5, 'c'.repeat(40));

    // why: --format json owes stdout exactly one JSON object, whatever was due; progress goes to stderr.
    const first = await netchange(['apply', '--due', '--format', 'json']);
    const second = await netchange(['apply', '--due']);
    const third = await netchange(['apply', '--due', '--format', 'json']);

    expect(first.exitCode).toBe(0);
    expect(first.stderr).toContain('applying CHG-43 from #5');
    expect(JSON.parse(first.stdout).due).toEqual([
      expect.objectContaining({
        id: 'CHG-43',
        pullNumber: 5,
        run: expect.objectContaining({ outcome: 'applied' }),
      }),
    ]);
    expect(await deviceConfig('sw-lab-04')).toContain('vlan 43');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toContain('nothing is due');
    expect(third.exitCode).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({ schemaVersion: 1, due: [] });
    expect(third.stderr).toContain('nothing is due');
  });
  it('splits the due proposals across shards: each applied by exactly one shard, once', async () => {
    const changes = [
      ['CHG-46', 'sw-lab-01', 46, 6],
      ['CHG-47', 'sw-lab-02', 47, 7],
      ['CHG-48', 'sw-lab-03', 48, 8],
    ] as const;
    // why: the unmerged proposals of the earlier tests hold sw-lab-01 and -02 in the same slot.
    await rm(path.join(repository.root, 'changes/vlan-40.yaml'));
    await rm(path.join(repository.root, 'changes/vlan-41.yaml'));
    for (const [id, host, vlan, pull] of changes) {
      await repository.write({ [`changes/vlan-${vlan}.yaml`]: proposal(id, host, vlan) });
      const commit = await repository.commit(`add VLAN ${vlan}`);
      standIn.createPullRequest(REPOSITORY, { number: pull, headSha: commit, author: 'dana' });
      approve(pull, commit);
      standIn.merge(REPOSITORY, pull, String(pull).repeat(40));
    }

    const shards = [
      await netchange(['apply', '--due', '--shard', '1/2']),
      await netchange(['apply', '--due', '--shard', '2/2']),
    ];
    const afterwards = await netchange(['apply', '--due']);
    const applied = shards.flatMap((shard) =>
      [...shard.stdout.matchAll(/applying (CHG-\d+)/g)].map((m) => m[1]),
    );

    expect(
      shards.map((shard) => shard.exitCode),
      shards.map((shard) => shard.stdout + shard.stderr).join('\n---\n'),
    ).toEqual([0, 0]);
    expect(applied.sort()).toEqual(['CHG-46', 'CHG-47', 'CHG-48']);
    for (const [, host, vlan] of changes) expect(await deviceConfig(host)).toContain(`vlan ${vlan}`);
    expect(afterwards.stdout).toContain('nothing is due');
  });

  it('refuses --shard without --due, exit 2', async () => {
    const result = await netchange(['apply', 'changes/vlan-46.yaml', '--shard', '1/2']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--shard splits the due proposals');
  });
});
