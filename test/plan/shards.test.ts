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
    const body = standIn.comments(REPOSITORY, 42)[0]?.body ?? '';

    expect(merged.exitCode, merged.stderr).toBe(0);
    expect(merged.stderr).toContain('shard 2/3 is missing');
    expect(body).toContain('shard 2/3 is missing');
    for (const file of lost) expect(body).toContain(`${file} was planned by no shard`);
    expect(standIn.repository(REPOSITORY).checkRuns.at(-1)).toMatchObject({
      headSha: head,
      conclusion: 'failure',
    });
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
