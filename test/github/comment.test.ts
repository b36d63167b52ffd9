import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/github/compose-report.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenThatMustNeverLeak0123456789';
const PULL = 42;
// why: the example's proposals are scheduled in late 2026; the report is evaluated as of a fixed instant.
const AT = '2026-11-23T15:00:00Z';

let standIn: GitHubStandIn;
const outputs: CliResult[] = [];

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  // why: GitHub's team differs from the policy's members list, so a pass proves the team API was used.
  standIn.setTeamMembers('acme/netops', ['bob', 'gina']);
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  for (const comment of [...standIn.repository(REPOSITORY).comments])
    expect(comment.body).not.toContain(TOKEN);
  await standIn.close();
});

async function comment(
  repository: TestRepository,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const result = await runCli(['comment', '--at', AT, ...args], {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      NETCHANGE_DEBUG: '1',
      ...env,
    },
  });
  outputs.push(result);
  return result;
}

function writesSince(start: number): string[] {
  return standIn.requests
    .slice(start)
    .filter((request) => request.method !== 'GET')
    .map((request) => request.operationId ?? request.path);
}

function checkRuns() {
  return standIn.repository(REPOSITORY).checkRuns;
}

describe('netchange comment on a pull request with one valid proposal', () => {
  let repository: TestRepository;
  let head: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    head = await repository.commit('add VLAN 40 for packaging line 3');
    standIn.createPullRequest(REPOSITORY, { number: PULL, headSha: head, author: 'dana' });
  });
  afterAll(() => repository.remove());

  it('keeps exactly one report comment through three runs and writes nothing when unchanged', async () => {
    const first = await comment(repository, ['--pr', String(PULL)]);
    const afterFirst = standIn.requests.length;
    const second = await comment(repository, ['--pr', String(PULL)]);
    const third = await comment(repository, ['--pr', String(PULL)]);

    expect([first.exitCode, second.exitCode, third.exitCode]).toEqual([0, 0, 0]);
    expect(standIn.comments(REPOSITORY, PULL)).toHaveLength(1);
    expect(writesSince(afterFirst)).toEqual([]);
    expect(third.stdout).toContain('up to date (nothing written)');
    const listings = standIn.requests
      .slice(afterFirst)
      .filter((request) => request.operationId === 'issues/list-comments');
    expect(listings).toHaveLength(2);
  });

  it('shows the proposal, its risk, window and the approvals still missing', () => {
    const body = standIn.comments(REPOSITORY, PULL)[0]?.body ?? '';

    expect(body.startsWith(REPORT_MARKER)).toBe(true);
    expect(body).toContain('CHG-2026-0142');
    expect(body).toContain('Add VLAN 40 for packaging line 3');
    expect(body).toContain('plant-a-sunday-maintenance');
    expect(body).toContain('| ⏳ **needs approvals** | **CHG-2026-0142** Add VLAN 40 for packaging line 3 |');
    expect(body).toContain('1 of netops (alice, bob, gina)');
    expect(body).not.toContain('✅');
    expect(checkRuns().at(-1)).toMatchObject({
      name: 'netchange',
      headSha: head,
      conclusion: 'action_required',
    });
  });

  it('ignores an approval on an older commit and counts one on the head from a GitHub team member', async () => {
    standIn.addReview(REPOSITORY, PULL, { user: 'bob', state: 'APPROVED', commitId: head });
    const newHead = await (async () => {
      await repository.write({ 'changes/notes.md': 'reviewed\n' });
      return repository.commit('note');
    })();
    standIn.pushCommit(REPOSITORY, PULL, newHead);

    const stale = await comment(repository, ['--pr', String(PULL)]);
    const staleRun = checkRuns().at(-1);
    standIn.addReview(REPOSITORY, PULL, { user: 'gina', state: 'APPROVED', commitId: newHead });
    const approved = await comment(repository, ['--pr', String(PULL)]);

    expect(stale.exitCode).toBe(0);
    expect(stale.stdout).toContain('approvals on an older commit do not count: bob');
    expect(staleRun).toMatchObject({ headSha: newHead, conclusion: 'action_required' });
    expect(approved.exitCode).toBe(0);
    expect(checkRuns().at(-1)).toMatchObject({ headSha: newHead, conclusion: 'success' });
    expect(standIn.comments(REPOSITORY, PULL)).toHaveLength(1);
    expect(standIn.comments(REPOSITORY, PULL)[0]?.body).toContain('gina');
  });
});

describe('netchange comment on the example repository', () => {
  let repository: TestRepository;
  let head: string;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    head = await repository.commit('every example proposal');
    standIn.createPullRequest(REPOSITORY, { number: 43, headSha: head, author: 'dana' });
  });
  afterAll(() => repository.remove());

  it('fails the check run and annotates the proposal lines the findings point at', async () => {
    const event = path.join(repository.root, '..', `event-${path.basename(repository.root)}.json`);
    await writeFile(
      event,
      JSON.stringify({ pull_request: { number: 43, head: { sha: head }, base: { ref: 'main' } } }),
    );

    const result = await comment(repository, [], { GITHUB_EVENT_PATH: event });

    expect(result.exitCode).toBe(0);
    const run = checkRuns().find((candidate) => candidate.headSha === head);
    expect(run?.conclusion).toBe('failure');
    const typo =
      run?.annotations.filter((annotation) => annotation.path === 'changes/chg-0146-typo.yaml') ?? [];
    expect(typo).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ start_line: 10, annotation_level: 'failure' }),
        expect.objectContaining({ start_line: 21, annotation_level: 'failure' }),
      ]),
    );
    expect(
      standIn.requests.some((request) => request.operationId === 'pulls/get' && request.path.endsWith('/43')),
    ).toBe(false);
  });

  it('reads the pull request once when no event names its head and base', async () => {
    const start = standIn.requests.length;

    const result = await comment(repository, ['--pr', '43']);

    expect(result.exitCode, result.stderr).toBe(0);
    const reads = standIn.requests.slice(start).filter((request) => request.operationId === 'pulls/get');
    expect(reads).toHaveLength(1);
  });

  it('retries a 5xx and a secondary rate limit, then posts', async () => {
    await repository.write({ 'changes/readme.md': 'touch\n' });
    head = await repository.commit('touch');
    standIn.pushCommit(REPOSITORY, 43, head);
    standIn.failNext(1, 502);
    standIn.rateLimitNext(1, 1);
    const start = standIn.requests.length;

    const result = await comment(repository, ['--pr', '43']);

    expect(result.exitCode).toBe(0);
    expect(standIn.requests.slice(start, start + 2).map((request) => request.status)).toEqual([502, 403]);
    expect(checkRuns().some((run) => run.headSha === head)).toBe(true);
  });

  it('exits 3 when GitHub keeps failing, saves the report, and re-sends it with --from', async () => {
    await repository.write({ 'changes/readme.md': 'touch again\n' });
    head = await repository.commit('touch again');
    standIn.pushCommit(REPOSITORY, 43, head);
    const before = standIn.comments(REPOSITORY, 43)[0]?.body;
    standIn.failNext(1, 500, { writesOnly: true });

    const failed = await comment(repository, ['--pr', '43'], { NETCHANGE_GITHUB_RETRIES: '0' });
    const runDirectory = /--from (\S+)/.exec(failed.stderr)?.[1] ?? 'no hint';
    const afterFailure = standIn.comments(REPOSITORY, 43)[0]?.body;
    const resent = await comment(repository, ['--pr', '43', '--from', runDirectory]);

    expect(failed.exitCode).toBe(3);
    expect(failed.stderr).toContain(`netchange comment --pr 43 --from ${runDirectory}`);
    expect(failed.stderr).not.toContain('    at ');
    expect(afterFailure).toBe(before);
    expect(resent.exitCode).toBe(0);
    expect(resent.stdout).toContain('re-sent');
    const saved = await readFile(path.join(runDirectory, 'github', 'comment.md'), 'utf8');
    expect(standIn.comments(REPOSITORY, 43)[0]?.body).toBe(saved);
    expect(saved).not.toContain(TOKEN);
    // The record of what was sent is netchange's own: 0600 files in a 0700 directory.
    const record = path.join(runDirectory, 'github');
    expect((await stat(record)).mode & 0o777).toBe(0o700);
    for (const file of await readdir(record))
      expect((await stat(path.join(record, file))).mode & 0o777).toBe(0o600);
  });
});

describe("netchange comment beside a person's comment that carries its marker", () => {
  let repository: TestRepository;
  const FORGED = `${REPORT_MARKER}\n<!-- netchange:plan status=planned hashes=e30 -->\nforged: nothing changes`;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    const head = await repository.commit('add VLAN 40 for packaging line 3');
    standIn.createPullRequest(REPOSITORY, { number: 44, headSha: head, author: 'dana' });
  });
  afterAll(() => repository.remove());

  it('posts its own report, never edits theirs, and keeps its own on the next run', async () => {
    standIn.addComment(REPOSITORY, 44, { user: 'dana', body: FORGED });

    const first = await comment(repository, ['--pr', '44']);
    const afterFirst = standIn.requests.length;
    const second = await comment(repository, ['--pr', '44']);

    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    const [theirs, ours, ...more] = standIn.comments(REPOSITORY, 44);
    expect(more).toEqual([]);
    expect(theirs).toMatchObject({ user: 'dana', body: FORGED });
    expect(ours?.user).toBe('github-actions[bot]');
    expect(ours?.body).toContain('CHG-2026-0142');
    expect(writesSince(afterFirst)).toEqual([]);
  });
});

describe('github.staleApprovals counts only when the base allows it too', () => {
  const repositories: TestRepository[] = [];
  afterAll(async () => {
    for (const repository of repositories) await repository.remove();
  });

  /**
   * main with the packaging proposal (`baseConfig` appended to netchange.yaml), a pull request that
   * edits it (`headConfig` appended), and bob's approval of an older commit of the pull request.
   */
  async function staleApproval(number: number, baseConfig: string, headConfig: string) {
    const repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
    repositories.push(repository);
    const config = await readFile(path.join(repository.root, 'netchange.yaml'), 'utf8');
    await repository.write({ 'netchange.yaml': `${config}${baseConfig}` });
    await repository.commit('main');
    await repository.git.checkout(['-b', `pull-${number}`]);
    await repository.write({ 'changes/notes.md': 'first\n' });
    const reviewed = await repository.commit('reviewed');
    await repository.write({ 'changes/notes.md': 'second\n', 'netchange.yaml': `${config}${headConfig}` });
    const head = await repository.commit('pushed after the review');
    standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana' });
    standIn.addReview(REPOSITORY, number, { user: 'bob', state: 'APPROVED', commitId: reviewed });
    const result = await comment(repository, ['--pr', String(number)], { GITHUB_BASE_REF: 'main' });
    return { result, run: checkRuns().find((candidate) => candidate.headSha === head) };
  }

  it('a pull request cannot turn it on for itself', async () => {
    const { result } = await staleApproval(46, '', 'github: {staleApprovals: true}\n');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('approvals on an older commit do not count: bob');
  });

  it('counts a stale approval when main already allows it', async () => {
    const allowed = 'github: {staleApprovals: true}\n';
    const { result, run } = await staleApproval(47, allowed, allowed);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('approvals on an older commit do not count');
    expect(run?.conclusion).toBe('success');
  });
});
