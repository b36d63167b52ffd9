import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence, type EvidenceDraft } from '../../src/audit/index.js';
import { DIGEST_LABEL, digestMarker } from '../../src/github/digest-issue.js';
import { evidenceDraft } from '../audit/drafts.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_digestTokenThatMustNeverLeak0123456789';
const WRONG_TOKEN = 'ghs_wrongDigestTokenNeverPrinted987654321';

let standIn: GitHubStandIn;
let repository: TestRepository;
const outputs: CliResult[] = [];

function change(id: string, finishedAt: string, overrides: Partial<EvidenceDraft> = {}): EvidenceDraft {
  const base = evidenceDraft();
  const started = new Date(Date.parse(finishedAt) - 5 * 60_000).toISOString();
  return evidenceDraft({
    startedAt: started,
    finishedAt,
    ...overrides,
    proposal: { ...base.proposal, id, file: `changes/${id.toLowerCase()}.yaml` },
  });
}

async function digest(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const result = await runCli(['digest', '--no-fetch', '--post', ...args], {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      ...env,
    },
  });
  outputs.push(result);
  return result;
}

/** The issues of a day, by marker. */
function dayIssues(day: string) {
  return [...standIn.repository(REPOSITORY).issues.values()].filter((issue) =>
    issue.body.includes(digestMarker(day)),
  );
}

function requestsSince(start: number): string[] {
  return standIn.requests
    .slice(start)
    .map((request) => `${request.status} ${request.operationId ?? request.path}`);
}

const NOV_22 = ['--since', '2026-11-22T00:00:00Z', '--until', '2026-11-22T12:00:00Z'];

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  // Yesterday's digest issue and a labelled pull request: the search must pick neither.
  standIn.createIssue(REPOSITORY, {
    title: 'netchange digest 2026-11-21',
    body: `${digestMarker('2026-11-21')}\nyesterday`,
    labels: [DIGEST_LABEL],
  });
  standIn
    .createPullRequest(REPOSITORY, { number: 7, headSha: 'd'.repeat(40), author: 'dana' })
    .labels.push(DIGEST_LABEL);
  repository = await createRepository({ 'README.md': 'network\n' });
  await repository.commit('initial');
  await appendEvidence(repository.root, change('CHG-1', '2026-11-22T08:05:00Z'), { remote: false });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) {
    expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
    expect(`${output.stdout}${output.stderr}`).not.toContain(WRONG_TOKEN);
  }
  for (const issue of standIn.repository(REPOSITORY).issues.values()) expect(issue.body).not.toContain(TOKEN);
  await standIn.close();
});

describe('netchange digest --post', () => {
  let issueNumber = 0;

  it('creates the day issue on the first post (one search, one create) and still prints the digest', async () => {
    const start = standIn.requests.length;
    const result = await digest(NOV_22);
    expect(result.stderr).toMatch(/posted to acme\/plant-network#\d+/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('netchange digest: changes between Sun 22 Nov 2026 00:00 UTC');
    expect(result.stdout).toContain('CHG-1');
    expect(requestsSince(start)).toEqual(['200 issues/list-for-repo', '201 issues/create']);
    const [issue, ...others] = dayIssues('2026-11-22');
    expect(others).toEqual([]);
    expect(issue?.title).toBe('netchange digest 2026-11-22');
    expect(issue?.labels).toEqual([DIGEST_LABEL]);
    expect(issue?.body.startsWith(digestMarker('2026-11-22'))).toBe(true);
    expect(issue?.body).toContain('## netchange digest');
    expect(issue?.body).toContain('CHG-1');
    expect(result.stderr).toContain(`#${issue?.number}`);
    issueNumber = issue?.number ?? 0;
    expect(standIn.repository(REPOSITORY).issues.get(1)?.body).toBe(
      `${digestMarker('2026-11-21')}\nyesterday`,
    );
  });

  it('writes nothing when run again with the same records, even over a shifted period', async () => {
    const before = dayIssues('2026-11-22')[0]?.body;
    const start = standIn.requests.length;
    const same = await digest(NOV_22);
    expect(same.exitCode).toBe(0);
    expect(same.stderr).toContain(`digest issue is up to date: acme/plant-network#${issueNumber}`);
    // why: only the period bounds differ; they are volatile like the generation time.
    const shifted = await digest(['--since', '2026-11-22T01:00:00Z', '--until', '2026-11-22T12:30:00Z']);
    expect(shifted.exitCode).toBe(0);
    expect(shifted.stderr).toContain('digest issue is up to date');
    expect(requestsSince(start)).toEqual(['200 issues/list-for-repo', '200 issues/list-for-repo']);
    expect(dayIssues('2026-11-22')[0]?.body).toBe(before);
  });

  it('edits the same issue in place when a new record arrives', async () => {
    await appendEvidence(
      repository.root,
      change('CHG-2', '2026-11-22T09:00:00Z', {
        outcome: 'rolled-back',
        verification: { status: 'failed', message: 'VLAN 40 not in the trunk' },
        rollback: { status: 'succeeded' },
      }),
      { remote: false },
    );
    const start = standIn.requests.length;
    const result = await digest(NOV_22);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`posted to acme/plant-network#${issueNumber}`);
    expect(result.stderr).toContain('updated in place');
    expect(requestsSince(start)).toEqual(['200 issues/list-for-repo', '200 issues/update']);
    const issues = dayIssues('2026-11-22');
    expect(issues.map((issue) => issue.number)).toEqual([issueNumber]);
    expect(issues[0]?.body).toContain('CHG-2');
    expect(issues[0]?.body).toContain('Failed, rolled back and interrupted');
  });

  it('posts an empty period as a plain sentence on its own day issue', async () => {
    const result = await digest(['--since', '2026-11-24T00:00:00Z', '--until', '2026-11-24T12:00:00Z']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'No changes were recorded between Tue 24 Nov 2026 00:00 UTC and Tue 24 Nov 2026 12:00 UTC.',
    );
    const [issue] = dayIssues('2026-11-24');
    expect(issue?.title).toBe('netchange digest 2026-11-24');
    expect(issue?.body).toContain(
      '**No changes were recorded between Tue 24 Nov 2026 00:00 UTC and Tue 24 Nov 2026 12:00 UTC.**',
    );
    expect(issue?.number).not.toBe(issueNumber);
  });

  it('retries a 5xx and then posts', async () => {
    standIn.failNext(1, 502, { writesOnly: true });
    const start = standIn.requests.length;
    const result = await digest(['--since', '2026-11-25T00:00:00Z', '--until', '2026-11-25T12:00:00Z']);
    expect(result.stderr).toContain('posted to acme/plant-network#');
    expect(result.exitCode).toBe(0);
    expect(requestsSince(start)).toEqual([
      '200 issues/list-for-repo',
      '502 /repos/acme/plant-network/issues',
      '201 issues/create',
    ]);
    expect(dayIssues('2026-11-25')).toHaveLength(1);
  });

  it('exits 3 with a clear message when the post fails, after printing the digest', async () => {
    // why: one retry allowed, so two failures exhaust it and leave no fault behind.
    standIn.failNext(2, 503);
    const start = standIn.requests.length;
    const failed = await digest(['--since', '2026-11-26T00:00:00Z', '--until', '2026-11-26T12:00:00Z'], {
      NETCHANGE_GITHUB_RETRIES: '1',
    });
    expect(failed.exitCode).toBe(3);
    expect(failed.stdout).toContain('No changes were recorded');
    expect(failed.stderr).toContain('could not post the digest');
    expect(failed.stderr).toContain('503');
    expect(dayIssues('2026-11-26')).toEqual([]);
    expect(requestsSince(start)).toEqual([
      '503 /repos/acme/plant-network/issues',
      '503 /repos/acme/plant-network/issues',
    ]);

    const rejected = await digest(NOV_22, { GITHUB_TOKEN: WRONG_TOKEN });
    expect(rejected.exitCode).toBe(3);
    expect(rejected.stderr).toContain('401');
    expect(rejected.stderr).toContain('GITHUB_TOKEN');
  });
});
