/**
 * netchange.yaml's `github.apiUrl` and `github.repository` come with the pull request: where the
 * environment does not name them, they count only for the server and repository the clone came from,
 * so a branch cannot send a developer's token or plan where it chooses.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghp_plantedTokenForTheApiUrlTest0123456789';
const AT = '2026-11-23T15:00:00Z';

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  standIn.setTeamMembers('acme/netops', ['alice', 'bob']);
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0142' });
  const config = await readFile(path.join(repository.root, 'netchange.yaml'), 'utf8');
  await repository.write({
    'netchange.yaml': `${config}github:\n  repository: ${REPOSITORY}\n  apiUrl: ${standIn.url}\n`,
  });
  head = await repository.commit('report to the API named in netchange.yaml');
  standIn.createPullRequest(REPOSITORY, { number: 7, headSha: head, author: 'dana' });
});
afterEach(async () => {
  expect(standIn.violations).toEqual([]);
  for (const remote of await repository.git.getRemotes()) await repository.git.removeRemote(remote.name);
});
afterAll(async () => {
  await standIn.close();
  await repository.remove();
});

// why: GITHUB_API_URL and GITHUB_REPOSITORY empty, as on a developer's machine (the test runner's
// own environment may set them).
const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: '', GITHUB_REPOSITORY: '', GITHUB_EVENT_PATH: '' };
const validateGitHub = () =>
  runCli(['validate', '--github', '--pr', '7', '--at', AT], { cwd: repository.root, env });

describe('github.apiUrl and github.repository from netchange.yaml', () => {
  it('is refused, with no request sent, when the clone came from another server', async () => {
    await repository.git.addRemote('origin', 'https://github.example.com/acme/plant-network.git');
    const before = standIn.requests.length;

    const result = await validateGitHub();

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/netchange\.yaml:\d+:\d+ github\.apiUrl points at 127\.0\.0\.1/);
    expect(result.stderr).toContain('origin is on github.example.com');
    expect(result.stderr).toContain('GITHUB_API_URL');
    expect(standIn.requests.length).toBe(before);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it('is refused when the clone has no remote at all', async () => {
    const before = standIn.requests.length;

    const result = await validateGitHub();

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "github.repository names acme/plant-network, which is none of this clone's remotes (it has none on a server)",
    );
    expect(standIn.requests.length).toBe(before);
  });

  it('is used when it is on the host the clone came from, in either remote form', async () => {
    await repository.git.addRemote('origin', 'git@127.0.0.1:acme/plant-network.git');

    const result = await validateGitHub();

    expect(result.exitCode).toBe(0);
    expect(standIn.comments(REPOSITORY, 7)).toHaveLength(1);
  });

  it("refuses a repository that is none of the clone's remotes, even on the right server", async () => {
    await repository.git.addRemote('origin', 'https://github.example.com/dana/plant-network.git');
    await repository.git.addRemote('upstream', 'https://github.example.com/acme/other.git');
    const before = standIn.requests.length;

    const result = await runCli(['validate', '--github', '--pr', '7', '--at', AT], {
      cwd: repository.root,
      env: { ...env, GITHUB_API_URL: standIn.url },
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "github.repository names acme/plant-network, which is none of this clone's remotes (dana/plant-network, acme/other)",
    );
    expect(result.stderr).toContain('GITHUB_REPOSITORY');
    expect(standIn.requests.length).toBe(before);
  });

  it("takes a repository that is the upstream of a fork's clone", async () => {
    await repository.git.addRemote('origin', 'https://github.example.com/dana/plant-network.git');
    await repository.git.addRemote('upstream', 'ssh://git@github.example.com:2222/acme/plant-network');

    const result = await runCli(['validate', '--github', '--pr', '7', '--at', AT], {
      cwd: repository.root,
      env: { ...env, GITHUB_API_URL: standIn.url },
    });

    expect(result.exitCode).toBe(0);
    expect(standIn.comments(REPOSITORY, 7)).toHaveLength(1);
  });

  it('gives way to GITHUB_API_URL, which is never checked against the origin', async () => {
    await repository.git.addRemote('origin', 'https://github.example.com/acme/plant-network.git');

    const result = await runCli(['validate', '--github', '--pr', '7', '--at', AT], {
      cwd: repository.root,
      env: { ...env, GITHUB_API_URL: standIn.url },
    });

    expect(result.exitCode).toBe(0);
    expect(standIn.comments(REPOSITORY, 7)).toHaveLength(1);
  });
});
