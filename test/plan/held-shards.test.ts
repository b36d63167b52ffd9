/**
 * `plan --since REF --github --pr N --shard K/N` on a pull request whose changed playbook no code
 * reviewer approved: every shard holds the plan, posts nothing (the plan job's token may only read;
 * the comment job publishes once) and records its shard, so a merge of the shards can count them.
 * Real processes: the CLI, git, the GitHub stand-in.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/runs/index.js';
import { MARKER, MARKER_TASK } from '../support/code-marker.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenForHeldShards0123456789ab';
const AT = '2026-11-23T15:00:00Z';
const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';
const PLAYBOOK = 'playbooks/switching/vlans.yaml';

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

/** The example with one proposal on main, and a branch that edits it and its playbook. */
async function pullRequestChangingThePlaybook(): Promise<void> {
  repository = await createRepository({}, { fromExample: true });
  for (const file of await readdir(path.join(repository.root, 'changes'))) {
    if (!PROPOSAL.endsWith(file)) await rm(path.join(repository.root, 'changes', file));
  }
  await repository.commit('base');
  await repository.git.checkout(['-b', 'pull-request']);
  const proposal = await readFile(path.join(repository.root, PROPOSAL), 'utf8');
  const playbook = await readFile(path.join(repository.root, PLAYBOOK), 'utf8');
  await repository.write({
    [PROPOSAL]: proposal.replace('vlan_name: PACKAGING-L3', 'vlan_name: PACK-L3'),
    [PLAYBOOK]: `${playbook}${MARKER_TASK}`,
  });
  head = await repository.commit('the pull request');
}

async function netchange(args: string[]): Promise<CliResult> {
  return runCli(args, {
    cwd: repository.root,
    env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY },
  });
}

function planShard(index: number): Promise<CliResult> {
  return netchange([
    'plan',
    '--since',
    'main',
    '--github',
    '--pr',
    '60',
    '--at',
    AT,
    '--shard',
    `${index}/2`,
    '--out-dir',
    `.netchange/runs/held-${index}`,
  ]);
}

async function planOf(index: number): Promise<PlanDocument> {
  return JSON.parse(
    await readFile(path.join(repository.root, `.netchange/runs/held-${index}/plan.json`), 'utf8'),
  );
}

/** `comment --dry-run --from DIR...`: the merge of the shards, printed, nothing posted. */
function mergeOf(...indexes: number[]): Promise<CliResult> {
  return netchange([
    'comment',
    '--at',
    AT,
    '--dry-run',
    '--from',
    ...indexes.map((index) => `.netchange/runs/held-${index}`),
  ]);
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
  await pullRequestChangingThePlaybook();
  standIn.createPullRequest(REPOSITORY, { number: 60, headSha: head, author: 'dana' });
});

afterAll(async () => {
  await standIn.close();
  await repository.remove();
});

describe('a plan held for code review, in shards', () => {
  it('holds every shard without a GitHub write, and each records its shard for the merge', async () => {
    standIn.resetLog();

    const shards = [await planShard(1), await planShard(2)];
    const writes = standIn.requests.filter((request) => request.method !== 'GET');
    const plans = [await planOf(1), await planOf(2)];
    const merged = await mergeOf(1, 2);
    const mixedUp = await mergeOf(1, 1);

    expect(
      shards.map((shard) => shard.exitCode),
      shards.map((shard) => shard.stderr).join('\n---\n'),
    ).toEqual([1, 1]);
    expect(writes).toEqual([]);
    expect(standIn.comments(REPOSITORY, 60)).toEqual([]);
    expect(standIn.repository(REPOSITORY).checkRuns).toEqual([]);
    expect(existsSync(path.join(repository.root, MARKER)), 'the unreviewed playbook ran').toBe(false);
    expect(plans.map((plan) => plan.shard)).toEqual([
      { index: 1, count: 2, selected: [], part: [] },
      { index: 2, count: 2, selected: [], part: [] },
    ]);
    for (const plan of plans) expect(plan.held?.files).toContain(PLAYBOOK);
    expect(plans.map((plan) => plan.status)).toEqual(['held', 'held']);
    expect(shards.map((shard) => shard.stdout.split('\n')[0])).toEqual([
      expect.stringMatching(/^shard 1\/2: plan held: /),
      expect.stringMatching(/^shard 2\/2: plan held: /),
    ]);
    expect(merged.stdout).toContain(`code changes in ${PLAYBOOK} need a review before they run`);
    expect(merged.stderr).not.toContain('is missing');
    expect(merged.stderr).toContain('would conclude action_required');
    expect(mixedUp.stderr).toContain('shard 2/2 is missing');
    // why: the comment says it too, beside the held plan's reason, not only the check's conclusion.
    expect(mixedUp.stdout).toContain('**The shards do not add up:**');
    expect(mixedUp.stdout).toContain('shard 2/2 is missing');
    expect(mixedUp.stderr).toContain('would conclude failure');
    expect(standIn.violations).toEqual([]);
  });
});
