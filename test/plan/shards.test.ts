/**
 * `plan --shard K/N` on N real processes (real ansible-playbook check mode, real git), merged by
 * `comment --from DIR...` into one report comment and one check run on the GitHub stand-in.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDocument } from '../../src/runs/index.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';
// why: the example's proposals are scheduled in late 2026; the report is evaluated as of a fixed instant.
const AT = '2026-11-23T15:00:00Z';
const SHARDS = 3;
const KEEP = ['chg-0142', 'chg-0143', 'chg-0144', 'chg-0149', 'chg-0152'];

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

async function netchange(args: string[]): Promise<CliResult> {
  return runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTIONS: '',
      GITHUB_RUN_ID: '',
      GITHUB_EVENT_NAME: '',
      GITHUB_EVENT_PATH: '',
    },
  });
}

/** `comment --pr N --from DIR...`: one report comment and one check run from run directories. */
async function commentFrom(pullRequest: number, directories: string[]): Promise<CliResult> {
  return netchange(['comment', '--pr', String(pullRequest), '--at', AT, '--from', ...directories]);
}

/**
 * The merge posted (exit 0) a comment that names `problem` and every proposal `lost`, and a failed
 * check run for the head commit.
 */
function expectFailedMerge(result: CliResult, pullRequest: number, problem: string, lost: string[]): void {
  const body = standIn.comments(REPOSITORY, pullRequest)[0]?.body ?? '';

  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stderr).toContain(problem);
  expect(body).toContain(problem);
  for (const file of lost) expect(body).toContain(`${file} was planned by no shard`);
  expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
    headSha: head,
    conclusion: 'failure',
  });
}

async function planOf(directory: string): Promise<PlanDocument> {
  return JSON.parse(await readFile(path.join(repository.root, directory, 'plan.json'), 'utf8'));
}

/** What must be equal between a merged and an unsharded plan: everything but times and log paths. */
function comparable(plan: PlanDocument) {
  return {
    status: plan.status,
    commit: plan.commit,
    summary: plan.summary,
    proposals: plan.proposals.map((proposal) => ({
      file: proposal.file,
      id: proposal.id,
      status: proposal.status,
      changed: proposal.changed,
      digest: proposal.digest,
      steps: proposal.steps.map((step) => ({ ...step, startedAt: '', durationMs: 0, log: '' })),
    })),
  };
}

/** The comment without what differs between runs: run directories and the merge note. */
function normalised(body: string): string {
  return body
    .replace(/\.netchange\/runs\/[^\s)`|]+/g, 'RUN')
    .replace(/Merged from \d+ shards\.\n?/g, '')
    .replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'TIME');
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['bob', 'gina']);
  repository = await createRepository({}, { fromExample: true });
  for (const file of await readdir(path.join(repository.root, 'changes'))) {
    if (!KEEP.some((prefix) => file.startsWith(prefix)))
      await rm(path.join(repository.root, 'changes', file));
  }
  head = await repository.commit('five proposals for one pull request');
  standIn.createPullRequest(REPOSITORY, { number: 42, headSha: head, author: 'dana' });
  standIn.createPullRequest(REPOSITORY, { number: 43, headSha: head, author: 'dana' });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  await repository.remove();
  await standIn.close();
});

describe(`plan --shard K/${SHARDS} on ${SHARDS} processes, merged by comment --from`, () => {
  let unsharded: CliResult;
  let shards: CliResult[];

  beforeAll(async () => {
    unsharded = await netchange(['plan', '--out-dir', '.netchange/runs/all', '--format', 'json']);
    shards = await Promise.all(
      Array.from({ length: SHARDS }, (_, index) =>
        netchange([
          'plan',
          '--shard',
          `${index + 1}/${SHARDS}`,
          '--out-dir',
          `.netchange/runs/shard-${index + 1}`,
        ]),
      ),
    );
  });

  it('plans every proposal in exactly one shard', async () => {
    const all = await planOf('.netchange/runs/all');
    const parts = await Promise.all(shards.map((_, index) => planOf(`.netchange/runs/shard-${index + 1}`)));
    const files = parts.flatMap((part) => part.proposals.map((proposal) => proposal.file));

    expect(unsharded.exitCode).toBe(
      shards
        .map((shard) => shard.exitCode)
        .sort()
        .at(-1),
    );
    expect(all.proposals.length).toBeGreaterThanOrEqual(KEEP.length - 1);
    expect(files.sort()).toEqual(all.proposals.map((proposal) => proposal.file).sort());
    expect(new Set(files).size).toBe(files.length);
    expect(parts.filter((part) => part.proposals.length > 0).length).toBeGreaterThan(1);
    expect(parts.map((part) => part.shard?.index)).toEqual([1, 2, 3]);
    expect(parts.every((part) => part.shard?.selected.length === KEEP.length)).toBe(true);
  });

  it("names its shard in each shard's text summary line, for the reader of one CI job's log", async () => {
    const parts = await Promise.all(shards.map((_, index) => planOf(`.netchange/runs/shard-${index + 1}`)));

    shards.forEach((shard, index) => {
      const count = parts[index]?.summary.proposals;
      expect(shard.stdout).toMatch(new RegExp(`^shard ${index + 1}/${SHARDS}: ${count} proposals?: `, 'm'));
    });
    expect(unsharded.stdout).not.toContain('shard');
  });

  it('merges into one comment and check run equal to the unsharded ones', async () => {
    const merged = await commentFrom(
      42,
      shards.map((_, index) => `.netchange/runs/shard-${index + 1}`),
    );
    const single = await commentFrom(43, ['.netchange/runs/all']);
    const mergedDirectory = (await readdir(path.join(repository.root, '.netchange/runs'))).find((name) =>
      name.endsWith('-merged'),
    );
    const mergedPlan = await planOf(`.netchange/runs/${mergedDirectory}`);
    const [mergedComment] = standIn.comments(REPOSITORY, 42);
    const [singleComment] = standIn.comments(REPOSITORY, 43);
    const runs = standIn.repository(REPOSITORY).checkRuns;

    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(single.exitCode, single.stderr).toBe(0);
    expect(standIn.comments(REPOSITORY, 42)).toHaveLength(1);
    expect(comparable(mergedPlan)).toEqual(comparable(await planOf('.netchange/runs/all')));
    expect(normalised(mergedComment?.body ?? '')).toBe(normalised(singleComment?.body ?? ''));
    expect(runs.filter((run) => run.headSha === head)).toHaveLength(2);
    expect(runs.at(-2)?.conclusion).toBe(runs.at(-1)?.conclusion);
  });

  it('marks the merged check run failed and names the lost shard and its proposals', async () => {
    const lost = (await planOf('.netchange/runs/shard-2')).proposals.map((proposal) => proposal.file);
    await rm(path.join(repository.root, '.netchange/runs/shard-2/plan.json'));

    const merged = await commentFrom(
      42,
      shards.map((_, index) => `.netchange/runs/shard-${index + 1}`),
    );

    expectFailedMerge(merged, 42, 'shard 2/3 is missing', lost);
  });

  it('names a shard given twice and the proposals it doubles', async () => {
    const doubled = (await planOf('.netchange/runs/shard-1')).proposals.map((proposal) => proposal.file);

    const preview = await netchange([
      'comment',
      '--at',
      AT,
      '--dry-run',
      '--from',
      '.netchange/runs/shard-1',
      '.netchange/runs/shard-1',
      '.netchange/runs/shard-3',
    ]);

    expect(preview.stdout).toContain('shard 1/3 was given 2 times');
    for (const file of doubled)
      expect(preview.stdout).toContain(`${file} was planned by more than one shard`);
    expect(preview.stderr).toContain('would conclude failure');
  });

  it.each([
    ['0/3', 'K must be between 1 and N'],
    ['4/3', 'K must be between 1 and N'],
    ['1/300', 'N must be between 1 and 256'],
    ['half', 'is not K/N'],
  ])('refuses --shard %s with exit 2', async (value, message) => {
    const result = await netchange(['plan', '--shard', value]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('a shard whose plan failed', () => {
  it('fails the merged check run, and the comment shows the failed proposals', async () => {
    // why: a fault injected where a real one would come from: an ansible-playbook that crashes.
    const stubs = path.join(repository.root, '.stubs');
    await mkdir(stubs, { recursive: true });
    await writeFile(
      path.join(stubs, 'ansible-playbook'),
      '#!/bin/sh\necho "ERROR! Unexpected Exception: the runner lost its mind" >&2\nexit 250\n',
      { mode: 0o755 },
    );
    const shard = (index: number, env: Record<string, string> = {}) =>
      runCli(['plan', '--shard', `${index}/2`, '--out-dir', `.netchange/runs/failing-${index}`], {
        cwd: repository.root,
        env,
      });
    const [first, second] = await Promise.all([
      shard(1),
      shard(2, { PATH: `${stubs}:${process.env.PATH ?? ''}` }),
    ]);
    const failed = await planOf('.netchange/runs/failing-2');
    const runsBefore = standIn.repository(REPOSITORY).checkRuns.length;

    const merged = await commentFrom(42, ['.netchange/runs/failing-1', '.netchange/runs/failing-2']);
    const body = standIn.comments(REPOSITORY, 42)[0]?.body ?? '';

    expect(first.exitCode, first.stderr).toBeLessThan(2);
    expect(second.exitCode).toBe(3);
    expect(failed.proposals.length).toBeGreaterThan(0);
    expect(merged.exitCode, merged.stderr).toBe(0);
    for (const proposal of failed.proposals) expect(body).toContain(proposal.id);
    expect(body).toContain('runner lost its mind');
    expect(standIn.repository(REPOSITORY).checkRuns).toHaveLength(runsBefore + 1);
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
      headSha: head,
      conclusion: 'failure',
    });
  });
});

describe('comment --from run directories that do not add up', () => {
  const shard = (index: number) => `.netchange/runs/shard-${index}`;
  let other: CliResult;

  beforeAll(async () => {
    for (const number of [44, 45, 46, 47, 48])
      standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana' });
    const [file] = (await planOf(shard(3))).proposals.map((proposal) => proposal.file);
    // why: shard 2/3 of another selection (one file), as a job given other paths would plan it.
    other = await netchange([
      'plan',
      '--shard',
      `2/${SHARDS}`,
      file ?? '',
      '--out-dir',
      '.netchange/runs/other-2',
    ]);
  });

  it('merges a lone shard of a plan split three ways: the check fails and names the shards missing', async () => {
    const before = await readFile(path.join(repository.root, shard(1), 'plan.json'), 'utf8');

    const result = await commentFrom(44, [shard(1)]);
    const body = standIn.comments(REPOSITORY, 44)[0]?.body ?? '';

    expect(result.exitCode, result.stderr).toBe(0);
    for (const missing of ['shard 2/3 is missing', 'shard 3/3 is missing']) {
      expect(result.stderr).toContain(missing);
      expect(body).toContain(missing);
    }
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
      headSha: head,
      conclusion: 'failure',
    });
    expect(await readFile(path.join(repository.root, shard(1), 'plan.json'), 'utf8')).toBe(before);
  });

  it('fails the check when the shards planned different selections, and names the proposals lost', async () => {
    const planned = new Set(
      (await Promise.all([shard(1), '.netchange/runs/other-2', shard(3)].map(planOf))).flatMap((part) =>
        part.proposals.map((proposal) => proposal.file),
      ),
    );
    const lost = (await planOf('.netchange/runs/all')).proposals
      .map((proposal) => proposal.file)
      .filter((file) => !planned.has(file));

    const result = await commentFrom(45, [shard(1), '.netchange/runs/other-2', shard(3)]);

    expect(other.exitCode, other.stderr).toBeLessThan(2);
    expect(lost.length).toBeGreaterThan(0);
    expectFailedMerge(result, 45, 'the shards planned different selections', lost);
  });

  it('reports a shard whose plan.json is unreadable as failed, and still reports the others', async () => {
    await mkdir(path.join(repository.root, '.netchange/runs/bad'), { recursive: true });
    await writeFile(path.join(repository.root, '.netchange/runs/bad/plan.json'), '{x');
    const others = (await Promise.all([shard(1), shard(3)].map(planOf))).flatMap((part) => part.proposals);
    const runsBefore = standIn.repository(REPOSITORY).checkRuns.length;

    const result = await commentFrom(46, [shard(1), shard(3), '.netchange/runs/bad']);
    const body = standIn.comments(REPOSITORY, 46)[0]?.body ?? '';

    expect(result.exitCode, result.stderr).toBe(0);
    expect(body).toContain('.netchange/runs/bad/plan.json is not a readable plan.json');
    expect(others.length).toBeGreaterThan(0);
    for (const proposal of others) expect(body).toContain(proposal.digest);
    expect(standIn.repository(REPOSITORY).checkRuns).toHaveLength(runsBefore + 1);
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
      headSha: head,
      conclusion: 'failure',
    });
  });

  it('reports a shard whose plan.json lost a field of its shard as failed, not as an internal error', async () => {
    // why: shard 3's, as shard 2's plan.json is gone by now (the lost-shard test removed it).
    const edited = await planOf(shard(3));
    const { selected: _dropped, ...shardWithoutSelection } = edited.shard ?? {
      index: 3,
      count: 3,
      selected: [],
    };
    await mkdir(path.join(repository.root, '.netchange/runs/edited'), { recursive: true });
    await writeFile(
      path.join(repository.root, '.netchange/runs/edited/plan.json'),
      JSON.stringify({ ...edited, shard: shardWithoutSelection }),
    );

    const result = await commentFrom(48, [shard(1), '.netchange/runs/edited']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('.netchange/runs/edited/plan.json is not a netchange plan.json');
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
      headSha: head,
      conclusion: 'failure',
    });
  });

  it('refuses a --from that is a file among the shards as a usage error (exit 2), posting nothing', async () => {
    const runsBefore = standIn.repository(REPOSITORY).checkRuns.length;

    const result = await commentFrom(47, [shard(1), 'netchange.yaml']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--from netchange.yaml is a file, not a run directory');
    expect(standIn.comments(REPOSITORY, 47)).toEqual([]);
    expect(standIn.repository(REPOSITORY).checkRuns).toHaveLength(runsBefore);
  });
});

describe('shards of a pull request planned with --since, merged by comment --from', () => {
  const CHANGED = ['changes/chg-0142-vlan40-packaging.yaml', 'changes/chg-0149-core-ospf.yaml'];
  let pullRequestHead: string;
  let unsharded: CliResult;
  let merged: CliResult;

  beforeAll(async () => {
    // why: the base holds proposals the pull request does not touch; the report is about its own.
    const base = head;
    for (const file of CHANGED) {
      const text = await readFile(path.join(repository.root, file), 'utf8');
      await writeFile(
        path.join(repository.root, file),
        text.replace(/^title: (.*)$/m, 'title: $1 (revised)'),
      );
    }
    // why: only the two proposals: earlier tests left a stub ansible-playbook in the work tree, code
    // a pull request would have to have reviewed.
    await repository.git.add(CHANGED);
    await repository.git.commit('the pull request edits two proposals');
    pullRequestHead = (await repository.git.revparse(['HEAD'])).trim();
    for (const number of [52, 53])
      standIn.createPullRequest(REPOSITORY, { number, headSha: pullRequestHead, author: 'dana' });
    const planOnGitHub = (pullRequest: number, extra: string[]) =>
      netchange(['plan', '--since', base, '--github', '--pr', String(pullRequest), '--at', AT, ...extra]);
    unsharded = await planOnGitHub(52, ['--out-dir', '.netchange/runs/pr-all']);
    await Promise.all(
      [1, 2].map((index) =>
        planOnGitHub(53, ['--shard', `${index}/2`, '--out-dir', `.netchange/runs/pr-shard-${index}`]),
      ),
    );
    merged = await commentFrom(53, ['.netchange/runs/pr-shard-1', '.netchange/runs/pr-shard-2']);
  });

  it('records the base in every shard, and reports only the pull request’s proposals, as plan --github does', async () => {
    const [single] = standIn.comments(REPOSITORY, 52);
    const [mergedComment] = standIn.comments(REPOSITORY, 53);
    const shards = await Promise.all([1, 2].map((index) => planOf(`.netchange/runs/pr-shard-${index}`)));

    expect(unsharded.exitCode, unsharded.stderr).not.toBe(2);
    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(shards.map((shard) => shard.since)).toEqual([head, head]);
    expect(shards.flatMap((shard) => shard.shard?.selected ?? [])).toEqual([...CHANGED, ...CHANGED]);
    expect(normalised(mergedComment?.body ?? '')).toBe(normalised(single?.body ?? ''));
    expect(mergedComment?.body).toContain('CHG-2026-0149');
    for (const untouched of ['CHG-2026-0143', 'CHG-2026-0144', 'CHG-2026-0152'])
      expect(mergedComment?.body).not.toContain(untouched);
    const runs = standIn.repository(REPOSITORY).checkRuns.filter((run) => run.headSha === pullRequestHead);
    expect(runs.map((run) => run.conclusion)).toEqual([runs[0]?.conclusion, runs[0]?.conclusion]);
  });

  it('refuses plans whose base this clone does not have (exit 2), naming where it came from', async () => {
    const copy = '.netchange/runs/pr-shard-foreign';
    await mkdir(path.join(repository.root, copy), { recursive: true });
    const plan = await planOf('.netchange/runs/pr-all');
    await writeFile(
      path.join(repository.root, copy, 'plan.json'),
      JSON.stringify({ ...plan, since: 'e'.repeat(40) }),
    );

    const result = await netchange(['comment', '--from', copy, '--dry-run', '--at', AT]);
    const explicit = await netchange(['comment', '--from', copy, '--dry-run', '--at', AT, '--since', head]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `made with plan --since ${'e'.repeat(40)}, a commit this clone does not have`,
    );
    expect(explicit.exitCode, explicit.stderr).toBe(0);
    expect(explicit.stdout).toContain('CHG-2026-0149');
    expect(explicit.stdout).not.toContain('CHG-2026-0143');
  });
});
