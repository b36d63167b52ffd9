import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_MARKER } from '../../src/github/compose-report.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedTokenForTheFlagsTest0123456789';
const AT = '2026-11-23T15:00:00Z';

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  head = await repository.commit('add VLAN 40 for packaging line 3');
});
afterEach(() => {
  expect(standIn.violations).toEqual([]);
});
afterAll(async () => {
  await standIn.close();
  await repository.remove();
});

const env = () => ({ GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY });

describe('--github on validate and plan', () => {
  it('validate --github counts the reviews of the head commit and publishes one comment', async () => {
    standIn.createPullRequest(REPOSITORY, { number: 7, headSha: head, author: 'dana' });
    standIn.addReview(REPOSITORY, 7, { user: 'alice', state: 'APPROVED', commitId: head });

    const result = await runCli(['validate', '--github', '--pr', '7', '--at', AT, '--format', 'json'], {
      cwd: repository.root,
      env: env(),
    });

    const report = JSON.parse(result.stdout);
    expect(result.exitCode).toBe(0);
    expect(report.proposals[0].approvals.required[0]).toMatchObject({
      team: 'netops',
      approvedBy: ['alice'],
      satisfied: true,
    });
    const comments = standIn.comments(REPOSITORY, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain(REPORT_MARKER);
    expect(comments[0]?.body).toContain('CHG-2026-0142');
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it('plan --github adds the per-device diff to the same comment', async () => {
    const result = await runCli(['plan', '--github', '--pr', '7', '--at', AT], {
      cwd: repository.root,
      env: env(),
    });

    expect(result.exitCode).toBe(0);
    const comments = standIn.comments(REPOSITORY, 7);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('+vlan 40');
    expect(comments[0]?.body).toContain('sw-plant-a-01');
  });
});

describe('comment --dry-run', () => {
  it('renders the comment locally without any GitHub request', async () => {
    const before = standIn.requests.length;

    const result = await runCli(['comment', '--dry-run', '--at', AT], {
      cwd: repository.root,
      env: { GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_TOKEN: '' },
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(REPORT_MARKER);
    expect(result.stdout).toContain(
      '<details><summary><b>CHG-2026-0142</b> · ⏳ needs approvals · Add VLAN 40 for packaging line 3</summary>',
    );
    expect(result.stdout).not.toContain('✅');
    expect(result.stderr).toContain('dry run: the netchange check would conclude action_required');
    expect(standIn.requests.length).toBe(before);
  });
});
