import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence } from '../../src/audit/index.js';
import { CAB_LABEL } from '../../src/github/cab-issue.js';
import { evidenceDraft } from '../audit/drafts.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_cabPackTokenThatMustNeverLeak0123456789';
const MEETING = '2026-12-03T15:00:00-06:00';
const MARKER = '<!-- netchange:cab:2026-12-03 -->';

let standIn: GitHubStandIn;
let repository: TestRepository;
const outputs: CliResult[] = [];

async function post(): Promise<CliResult> {
  const result = await runCli(['cab', '--no-fetch', '--meeting', MEETING, '--post'], {
    cwd: repository.root,
    env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY },
  });
  outputs.push(result);
  return result;
}

function meetingIssues() {
  return [...standIn.repository(REPOSITORY).issues.values()].filter((issue) => issue.body.includes(MARKER));
}

function requestsSince(start: number): string[] {
  return standIn.requests
    .slice(start)
    .map((request) => `${request.status} ${request.operationId ?? request.path}`);
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  // The previous meeting's issue: the search must not pick it.
  standIn.createIssue(REPOSITORY, {
    title: 'netchange CAB 2026-11-26',
    body: '<!-- netchange:cab:2026-11-26 -->\nlast week',
    labels: [CAB_LABEL],
  });
  repository = await createRepository({}, { fromExample: true });
  await repository.commit('the plant network');
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await repository.remove();
});

describe('netchange cab --post', () => {
  let issueNumber = 0;

  it("creates the meeting's issue once and prints the pack", async () => {
    const start = standIn.requests.length;

    const result = await post();

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('## netchange CAB pack: Thu 3 Dec 2026 15:00 CST (21:00Z)');
    expect(requestsSince(start)).toEqual(['200 issues/list-for-repo', '201 issues/create']);
    const [issue, ...others] = meetingIssues();
    expect(others).toEqual([]);
    expect(issue?.title).toBe('netchange CAB 2026-12-03');
    expect(issue?.labels).toEqual([CAB_LABEL]);
    expect(issue?.body.startsWith(MARKER)).toBe(true);
    expect(issue?.body).toContain('##### CHG-2026-0149 Add area 20 to OSPF on the HQ core');
    expect(issue?.body).toContain('Updated in place by `netchange cab --post`');
    expect(result.stderr).toContain(`posted to ${REPOSITORY}#${issue?.number}`);
    issueNumber = issue?.number ?? 0;
  });

  it('posting again with nothing new writes nothing', async () => {
    const start = standIn.requests.length;

    const result = await post();

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`cab issue is up to date: ${REPOSITORY}#${issueNumber}`);
    expect(requestsSince(start)).toEqual(['200 issues/list-for-repo']);
  });

  it('edits the same issue in place when a failure is recorded before the meeting', async () => {
    const base = evidenceDraft();
    await appendEvidence(
      repository.root,
      evidenceDraft({
        proposal: { ...base.proposal, id: 'CHG-2026-0142' },
        startedAt: '2026-11-29T08:00:00Z',
        finishedAt: '2026-11-29T08:06:00Z',
        outcome: 'failed',
        rollback: { status: 'succeeded' },
      }),
      { remote: false, now: () => new Date('2026-11-29T08:06:00Z') },
    );

    const result = await post();

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(`posted to ${REPOSITORY}#${issueNumber}`);
    expect(result.stderr).toContain('updated in place');
    const issues = meetingIssues();
    expect(issues.map((issue) => issue.number)).toEqual([issueNumber]);
    expect(issues[0]?.body).toContain('FAILED CHG-2026-0142');
    expect(issues[0]?.body).not.toContain(TOKEN);
  });
});
