/**
 * `comment --from DIR` when the plan step left no plan: the directory is missing (the plan job failed
 * or, for a fork's pull request, never ran), empty, or holds a plan.json nobody can read. The pull
 * request's validation alone would pass, so a green check here would hide that nothing was planned.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';
// why: the example's proposals are scheduled in late 2026; the report is evaluated as of a fixed instant.
const AT = '2026-11-23T15:00:00Z';
const PULL = 53;

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

async function comment(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['comment', '--at', AT, ...args], {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_EVENT_PATH: '',
      ...env,
    },
  });
}

/** Plans the checkout's head into `directory` (exit 0 or 1: a proposal may fail its plan). */
async function planInto(directory: string): Promise<void> {
  const planned = await runCli(['plan', '--out-dir', directory, '--format', 'json'], {
    cwd: repository.root,
    timeout: 120_000,
  });
  expect([0, 1], planned.stderr).toContain(planned.exitCode);
}

function lastCheckRun() {
  return standIn.repository(REPOSITORY).checkRuns.at(-1);
}

function reportBody(): string {
  return standIn.comments(REPOSITORY, PULL)[0]?.body ?? '';
}

/** A pull_request event payload for PULL, its head in `headRepository` (GitHub's `head.repo.full_name`). */
async function pullRequestEvent(headRepository: string): Promise<string> {
  const event = path.join(repository.root, '..', `event-${path.basename(repository.root)}.json`);
  await writeFile(
    event,
    JSON.stringify({
      pull_request: { number: PULL, head: { sha: head, repo: { full_name: headRepository } } },
    }),
  );
  return event;
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['bob', 'gina']);
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  await writeFile(path.join(repository.root, '.gitignore'), '.netchange/\n');
  head = await repository.commit('add VLAN 40 for packaging line 3');
  standIn.createPullRequest(REPOSITORY, { number: PULL, headSha: head, author: 'dana' });
  standIn.addReview(REPOSITORY, PULL, { user: 'gina', state: 'APPROVED', commitId: head });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  await repository.remove();
  await standIn.close();
});

describe('comment --from a run directory that holds no plan', () => {
  it('passes without --from: the pull request itself is ready', async () => {
    const result = await comment(['--pr', String(PULL)]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(lastCheckRun()).toMatchObject({ headSha: head, conclusion: 'success' });
  });

  it('fails the check and says no plan was made when the plan job left no directory', async () => {
    const result = await comment([
      '--pr',
      String(PULL),
      '--from',
      '.netchange/shards/netchange-pr-53-shard-1',
    ]);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain('check run netchange: failure');
    expect(lastCheckRun()).toMatchObject({ headSha: head, conclusion: 'failure' });
    expect(lastCheckRun()?.title).toContain('no plan was made');
    expect(reportBody()).toContain('**No plan was made:**');
    expect(reportBody()).toContain(
      '.netchange/shards/netchange-pr-53-shard-1 does not exist: the plan job failed before it wrote its run directory, or did not run',
    );
    expect(reportBody()).toContain('| not planned |');
  });

  it.each([
    ['a fork', 'partner-noc/plant-network', 'this pull request comes from a fork'],
    ['this repository', 'ACME/plant-network', 'the plan job failed before it wrote its run directory'],
  ])(
    'tells from the event whether the head is in %s, and fails the check either way',
    async (_, headRepository, why) => {
      const event = await pullRequestEvent(headRepository);

      const result = await comment(['--from', '.netchange/shards/netchange-pr-53-shard-1'], {
        GITHUB_EVENT_PATH: event,
      });

      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toContain(why);
      expect(reportBody()).toContain(why);
      expect(lastCheckRun()).toMatchObject({ headSha: head, conclusion: 'failure' });
    },
  );

  it('fails the check when the directory holds step logs but no plan.json', async () => {
    await mkdir(path.join(repository.root, '.netchange/failed-plan/logs'), { recursive: true });

    const result = await comment(['--pr', String(PULL), '--from', '.netchange/failed-plan']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(reportBody()).toContain('.netchange/failed-plan holds no plan.json');
    expect(lastCheckRun()).toMatchObject({ headSha: head, conclusion: 'failure' });
  });

  it('reports an unreadable plan.json as a failed plan instead of refusing to post', async () => {
    await mkdir(path.join(repository.root, '.netchange/cut-short'), { recursive: true });
    await writeFile(path.join(repository.root, '.netchange/cut-short/plan.json'), '{x');
    const runsBefore = standIn.repository(REPOSITORY).checkRuns.length;

    const result = await comment(['--pr', String(PULL), '--from', '.netchange/cut-short']);

    expect(result.exitCode, result.stderr).toBe(0);
    expect(reportBody()).toContain('.netchange/cut-short/plan.json is not a readable plan.json');
    expect(standIn.repository(REPOSITORY).checkRuns).toHaveLength(runsBefore + 1);
    expect(lastCheckRun()).toMatchObject({ headSha: head, conclusion: 'failure' });
  });

  it('previews the same with --dry-run: no plan was made, the check would fail', async () => {
    const preview = await comment(['--dry-run', '--from', '.netchange/never-planned']);

    expect(preview.exitCode, preview.stderr).toBe(0);
    expect(preview.stdout).toContain('.netchange/never-planned does not exist');
    expect(preview.stderr).toContain('would conclude failure');
  });

  it('still refuses a --from that is a file, as a usage error (exit 2)', async () => {
    const runsBefore = standIn.repository(REPOSITORY).checkRuns.length;

    const result = await comment(['--pr', String(PULL), '--from', 'netchange.yaml']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--from netchange.yaml is a file, not a run directory');
    expect(result.stderr).toContain('hint: ');
    expect(standIn.repository(REPOSITORY).checkRuns).toHaveLength(runsBefore);
  });
});

describe('comment --out-dir: the run directory kept outside the checkout', () => {
  it('writes the plan it reported and what it posted there, leaving the --from directory as it was', async () => {
    const temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-runner-temp-'));
    try {
      const planDirectory = path.join(temporary, 'netchange-pr-run');
      await planInto(planDirectory);
      const before = (await readdir(planDirectory)).sort();
      const out = path.join(temporary, 'netchange-comment');

      const result = await comment(['--pr', String(PULL), '--from', planDirectory, '--out-dir', out]);

      expect(result.exitCode, result.stderr).toBe(0);
      expect((await readdir(planDirectory)).sort()).toEqual(before);
      expect(await readdir(out)).toEqual(
        expect.arrayContaining(['plan.json', 'plan.md', 'report.json', 'github']),
      );
      expect(JSON.parse(await readFile(path.join(out, 'plan.json'), 'utf8'))).toEqual(
        JSON.parse(await readFile(path.join(planDirectory, 'plan.json'), 'utf8')),
      );
      expect(await readFile(path.join(out, 'plan.md'), 'utf8')).toBe(
        await readFile(path.join(planDirectory, 'plan.md'), 'utf8'),
      );
      expect(await readFile(path.join(out, 'github/comment.md'), 'utf8')).toBe(reportBody());
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  });

  it('refuses --out-dir with --dry-run, which writes nothing (exit 2)', async () => {
    const result = await comment(['--dry-run', '--out-dir', 'elsewhere']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--out-dir goes with a post, not with --dry-run');
    expect(result.stderr).toContain('hint: ');
  });
});

describe('comment --from a plan of another commit than the pull request head', () => {
  it('fails the check and says which commit was planned, with --dry-run too', async () => {
    const temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-stale-plan-'));
    try {
      const planDirectory = path.join(temporary, 'netchange-pr-run');
      await planInto(planDirectory);
      const plannedCommit = JSON.parse(await readFile(path.join(planDirectory, 'plan.json'), 'utf8')).commit;
      expect(plannedCommit).toBe(head);
      await writeFile(path.join(repository.root, 'NOTES.md'), 'a push after the plan\n');
      const pushed = await repository.commit('a push after the plan');
      standIn.createPullRequest(REPOSITORY, { number: PULL + 1, headSha: pushed, author: 'dana' });
      standIn.addReview(REPOSITORY, PULL + 1, { user: 'gina', state: 'APPROVED', commitId: pushed });

      const result = await comment(['--pr', String(PULL + 1), '--from', planDirectory]);
      const preview = await comment(['--dry-run', '--from', planDirectory]);

      const stale = `the --from plan is of commit ${head.slice(0, 12)}, not of the head ${pushed.slice(0, 12)}`;
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toContain(stale);
      expect(lastCheckRun()).toMatchObject({ headSha: pushed, conclusion: 'failure' });
      expect(lastCheckRun()?.title).toContain('the plan is of another commit');
      const body = standIn.comments(REPOSITORY, PULL + 1)[0]?.body ?? '';
      expect(body).toContain(
        `This plan is of commit \`${head.slice(0, 12)}\`, not of the pull request's head \`${pushed.slice(0, 12)}\``,
      );
      expect(preview.exitCode, preview.stderr).toBe(0);
      expect(preview.stderr).toContain(stale);
      expect(preview.stderr).toContain('would conclude failure');
    } finally {
      await rm(temporary, { recursive: true, force: true });
    }
  });
});
