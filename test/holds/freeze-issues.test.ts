import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { runCli } from '../support/run-cli.js';
import { fromNow, removeRepositories, repositoryWith, validate } from './freeze-fixture.js';
import { holdFindings } from './support.js';

const GITHUB_TOKEN = 'ghp_freezeStandInToken0123456789abcdefABCD';
const REPOSITORY = 'acme/network';

let standIn: GitHubStandIn;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: GITHUB_TOKEN });
  standIn.createRepository(REPOSITORY);
});

afterAll(async () => {
  await standIn.close();
  await removeRepositories();
});

describe('freezes as GitHub issues (stand-in)', () => {
  it('freeze --github opens a labelled issue that holds the change; unfreeze closes it with a comment', async () => {
    const repository = await repositoryWith();
    const env = {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'frank',
    };

    const frozen = await runCli(
      ['freeze', '--github', '--device', 'sw-1', '--until', fromNow(120), '--reason', 'INC-0077'],
      { cwd: repository.root, env },
    );
    const issue = [...standIn.repository(REPOSITORY).issues.values()].at(-1);
    const held = await validate(repository, env);
    const lifted = await runCli(['unfreeze', '--github', `${issue?.number}`], { cwd: repository.root, env });
    const released = await validate(repository, env);

    expect(frozen.exitCode).toBe(0);
    expect(issue?.labels).toEqual(['netchange-freeze']);
    expect(issue?.body).toContain('<!-- netchange-freeze {');
    expect(holdFindings(held.stdout)).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(new RegExp(`^sw-1 frozen by #${issue?.number} until .*: INC-0077$`)),
      }),
    ]);
    expect(lifted.stdout).toContain(`lifted #${issue?.number}`);
    expect(issue?.state).toBe('closed');
    expect(standIn.comments(REPOSITORY, issue?.number ?? 0).at(-1)?.body).toMatch(
      /^Freeze lifted by @frank at /,
    );
    expect(holdFindings(released.stdout)).toEqual([]);
    expect(`${frozen.stdout}${frozen.stderr}${held.stdout}${held.stderr}`).not.toContain(GITHUB_TOKEN);
    expect(standIn.violations).toEqual([]);
  });

  it('a freeze issue a person opened holds the change, and closing the issue releases it', async () => {
    const repository = await repositoryWith();
    const env = { GITHUB_API_URL: standIn.url, GITHUB_TOKEN, GITHUB_REPOSITORY: REPOSITORY };
    const block = JSON.stringify({
      sites: ['plant-a'],
      until: '2026-11-30T00:00:00Z',
      reason: 'line 3 commissioning',
      by: 'frank',
    });
    const issue = standIn.createIssue(REPOSITORY, {
      title: 'Freeze plant-a',
      body: `No changes please.\n<!-- netchange-freeze ${block} -->`,
      labels: ['netchange-freeze'],
    });

    const held = await validate(repository, env);
    issue.state = 'closed';
    const released = await validate(repository, env);

    expect(holdFindings(held.stdout).map((finding) => finding.message)).toEqual([
      expect.stringContaining(`plant-a frozen by #${issue.number}`),
    ]);
    expect(holdFindings(released.stdout)).toEqual([]);
    expect(standIn.violations).toEqual([]);
  });
});
