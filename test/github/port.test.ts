import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetchangeError } from '../../src/core/errors.js';
import { createOctokitGitHub } from '../../src/github/octokit-github.js';
import type { CheckAnnotation, GitHubPort } from '../../src/github/port.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';

const REPOSITORY = 'acme/network';
const HEAD = 'a'.repeat(40);

let standIn: GitHubStandIn;
let github: GitHubPort;

/** A stand-in holding REPOSITORY with pull request 7, and the port connected to it by its token. */
async function connected(
  options: Parameters<typeof startGitHubStandIn>[0] = {},
): Promise<{ standIn: GitHubStandIn; github: GitHubPort }> {
  const started = await startGitHubStandIn(options);
  started.createRepository(REPOSITORY);
  started.createPullRequest(REPOSITORY, { number: 7, headSha: HEAD, author: 'dana' });
  const port = await createOctokitGitHub({
    auth: { token: started.token },
    apiUrl: started.url,
    repository: REPOSITORY,
  });
  return { standIn: started, github: port };
}

beforeAll(async () => {
  ({ standIn, github } = await connected());
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
  standIn.resetLog();
});

afterAll(async () => {
  await standIn.close();
});

describe('the GitHub stand-in', () => {
  it('rejects a request GitHub does not describe and records it as a violation', async () => {
    const response = await fetch(`${standIn.url}/repos/${REPOSITORY}/issues/7/comments`, {
      method: 'POST',
      headers: { authorization: `token ${standIn.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'body is the field, not text' }),
    });
    const unknown = await fetch(`${standIn.url}/repos/${REPOSITORY}/not-an-endpoint`, {
      headers: { authorization: `token ${standIn.token}` },
    });

    expect(response.status).toBe(422);
    expect(unknown.status).toBe(404);
    expect(standIn.violations).toEqual([
      expect.stringContaining("body must have required property 'body'"),
      expect.stringContaining("is not in GitHub's API description"),
    ]);
    standIn.violations.length = 0;
  });

  it('answers 401 to a wrong token', async () => {
    const stranger = await createOctokitGitHub({
      auth: { token: 'ghp_wrongwrongwrongwrongwrongwrongwrong0' },
      apiUrl: standIn.url,
      repository: REPOSITORY,
    });

    const failure = await stranger.getPullRequest(7).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NetchangeError);
    expect((failure as NetchangeError).message).toContain('401');
    expect((failure as NetchangeError).message).not.toContain('ghp_wrong');
  });
});

describe('createOctokitGitHub', () => {
  it('finds its comment by marker and edits it in place', async () => {
    const created = await github.createComment(7, '<!-- marker -->\nfirst');

    const found = await github.findComment(7, '<!-- marker -->');
    await github.updateComment(created.id, '<!-- marker -->\nsecond');

    expect(found?.id).toBe(created.id);
    expect(standIn.comments(REPOSITORY, 7).map((comment) => comment.body)).toEqual([
      '<!-- marker -->\nsecond',
    ]);
  });

  it("never takes a person's comment carrying its marker for its own", async () => {
    standIn.createPullRequest(REPOSITORY, { number: 9, headSha: HEAD, author: 'dana' });
    standIn.addComment(REPOSITORY, 9, { user: 'dana', body: '<!-- marker -->\nforged plan digests' });

    const before = await github.findComment(9, '<!-- marker -->');
    const created = await github.createComment(9, '<!-- marker -->\nthe report');
    const after = await github.findComment(9, '<!-- marker -->');

    expect(before).toBeUndefined();
    expect(after?.id).toBe(created.id);
    expect(after?.body).toBe('<!-- marker -->\nthe report');
  });

  it('pages through a long discussion to find its comment', async () => {
    standIn.createPullRequest(REPOSITORY, { number: 8, headSha: HEAD, author: 'dana' });
    const comments = standIn.repository(REPOSITORY).comments;
    for (let index = 0; index < 150; index += 1) {
      const at = new Date().toISOString();
      comments.push({
        id: 50_000 + index,
        issue: 8,
        body: index === 120 ? '<!-- far -->' : `comment ${index}`,
        user: index === 120 ? 'github-actions[bot]' : 'dana',
        createdAt: at,
        updatedAt: at,
      });
    }

    const found = await github.findComment(8, '<!-- far -->');

    expect(found?.id).toBe(50_120);
    expect(standIn.requests.map((request) => request.query)).toEqual([
      '?per_page=100',
      '?per_page=100&page=2',
    ]);
  });

  it('sends 120 annotations in three requests of at most 50', async () => {
    const annotations: CheckAnnotation[] = Array.from({ length: 120 }, (_, index) => ({
      path: 'changes/x.yaml',
      startLine: index + 1,
      endLine: index + 1,
      level: 'warning',
      message: `finding ${index}`,
    }));

    const run = await github.createCheckRun({
      name: 'netchange',
      headSha: HEAD,
      conclusion: 'failure',
      output: { title: 't', summary: 's', annotations },
    });

    const stored = standIn.repository(REPOSITORY).checkRuns.find((candidate) => candidate.id === run.id);
    expect(stored?.annotations.map((annotation) => annotation.start_line)).toEqual(
      annotations.map((annotation) => annotation.startLine),
    );
    expect(standIn.requests.map((request) => request.operationId)).toEqual([
      'checks/create',
      'checks/update',
      'checks/update',
    ]);
    await github.updateCheckRun(run.id, {
      conclusion: 'success',
      output: { title: 'fixed', summary: 'all good' },
    });
    expect(
      standIn.repository(REPOSITORY).checkRuns.find((candidate) => candidate.id === run.id),
    ).toMatchObject({
      conclusion: 'success',
      title: 'fixed',
    });
  });

  it('creates a ref atomically: the second create finds it taken', async () => {
    const first = await github.createRef('refs/netchange/locks/sw-plant-a-01', HEAD);
    const second = await github.createRef('refs/netchange/locks/sw-plant-a-01', HEAD);
    const read = await github.getRef('refs/netchange/locks/sw-plant-a-01');
    const deleted = await github.deleteRef('refs/netchange/locks/sw-plant-a-01');
    const gone = await github.getRef('refs/netchange/locks/sw-plant-a-01');

    expect([first, second]).toEqual(['created', 'exists']);
    expect(read?.sha).toBe(HEAD);
    expect(deleted).toBe(true);
    expect(gone).toBeUndefined();
  });

  it('retries a 502 and a secondary rate limit, honouring retry-after', async () => {
    standIn.failNext(1, 502);
    const afterFailure = await github.getPullRequest(7);
    standIn.rateLimitNext(1, 1);
    const afterLimit = await github.listReviews(7);

    expect(afterFailure.headSha).toBe(HEAD);
    expect(afterLimit).toEqual([]);
    expect(standIn.requests.map((request) => request.status)).toEqual([502, 200, 403, 200]);
  });

  it('abandons an answer that takes too long and retries the request', async () => {
    const hurried = await createOctokitGitHub({
      auth: { token: standIn.token },
      apiUrl: standIn.url,
      repository: REPOSITORY,
      requestTimeoutMs: 300,
    });
    standIn.slowNext(1, 2_000);

    const pull = await hurried.getPullRequest(7);

    expect(pull.headSha).toBe(HEAD);
    expect(
      standIn.requests.filter((request) => request.path === `/repos/${REPOSITORY}/pulls/7`),
    ).toHaveLength(2);
  });

  it('authenticates as a GitHub App installation', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const appStandIn = await startGitHubStandIn({
      app: {
        appId: '123456',
        publicKey: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        installationId: 99,
      },
    });
    appStandIn.createRepository(REPOSITORY);
    appStandIn.createPullRequest(REPOSITORY, { number: 7, headSha: HEAD, author: 'dana' });
    const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    try {
      const app = await createOctokitGitHub({
        auth: { app: { appId: '123456', privateKey, installationId: 99 } },
        apiUrl: appStandIn.url,
        repository: REPOSITORY,
      });
      const pull = await app.getPullRequest(7);

      expect(pull.headSha).toBe(HEAD);
      expect(appStandIn.requests.map((request) => [request.operationId, request.status])).toEqual([
        ['apps/create-installation-access-token', 201],
        ['pulls/get', 200],
      ]);
      expect(appStandIn.violations).toEqual([]);
    } finally {
      await appStandIn.close();
    }
  });

  it('gives up with E_GITHUB after the retries are spent', async () => {
    const impatient = await createOctokitGitHub({
      auth: { token: standIn.token },
      apiUrl: standIn.url,
      repository: REPOSITORY,
      retries: 1,
    });
    standIn.failNext(2, 503);

    const failure = await impatient.getPullRequest(7).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NetchangeError);
    expect((failure as NetchangeError).code).toBe('E_GITHUB');
    expect(standIn.requests.map((request) => request.status)).toEqual([503, 503]);
  });
});

describe("createOctokitGitHub with a machine user's token", () => {
  let own: GitHubStandIn;
  let machine: GitHubPort;

  beforeAll(async () => {
    ({ standIn: own, github: machine } = await connected({ tokenUser: 'netchange-bot' }));
  });
  afterAll(async () => {
    expect(own.violations).toEqual([]);
    await own.close();
  });

  it("finds the comment its user wrote, not a person's with the same marker, asking GitHub who it is once", async () => {
    own.addComment(REPOSITORY, 7, { user: 'dana', body: '<!-- marker -->\nforged' });
    const created = await machine.createComment(7, '<!-- marker -->\nthe report');

    const first = await machine.findComment(7, '<!-- marker -->');
    const second = await machine.findComment(7, '<!-- marker -->');

    expect([first?.id, second?.id]).toEqual([created.id, created.id]);
    expect(own.requests.filter((request) => request.operationId === 'users/get-authenticated')).toHaveLength(
      1,
    );
  });

  it('takes as its living issue only one it opened', async () => {
    own.createIssue(REPOSITORY, {
      title: 'Drift: sw-1',
      body: '<!-- living sw-1 -->\nforged',
      labels: ['netchange-drift'],
      user: 'mallory',
    });
    const before = await machine.findOpenIssue('netchange-drift', '<!-- living sw-1 -->');
    const opened = await machine.createIssue({
      title: 'Drift: sw-1',
      body: '<!-- living sw-1 -->\nthe drift',
      labels: ['netchange-drift'],
    });

    const after = await machine.findOpenIssue('netchange-drift', '<!-- living sw-1 -->');

    expect(before).toBeUndefined();
    expect(after?.number).toBe(opened.number);
  });
});
