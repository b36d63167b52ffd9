/**
 * A pull request is untrusted until approved and merged (DESIGN.md, "Trust model"). The holds policy
 * names a server and the environment variables whose values are sent to it, so a pull request that
 * rewrites `holds:` must not make the runner send its credentials to a host of its choosing.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { useGitHubSession } from '../support/github-session.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghs_plantedHoldsSourceToken0123456789abcdef';
const RUNNER_SECRET = 'PLANTED-runner-secret-5521';
const AT = '2026-11-20T00:00:00Z';
const POLICY = 'policies/change-control.yaml';

/** An Alertmanager stand-in that answers "no alerts" and remembers every request. */
let alertmanager: Server;
const asked: { path: string; authorization?: string }[] = [];
let base = '';

const session = useGitHubSession(REPOSITORY, TOKEN);

/** The policy with holds asking the stand-in; `extra` adds to the alertmanager block. */
const withHolds = (path: string, extra = '') => `${POLICY_TREE[POLICY]}holds:
  alertmanager:
    url: "${base}${path}"
    matchers: ['severity="critical"']
${extra}`;

beforeAll(async () => {
  alertmanager = createServer((request, response) => {
    asked.push({
      path: request.url ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    response.setHeader('content-type', 'application/json');
    response.end('[]');
  });
  await new Promise<void>((resolve) => alertmanager.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(alertmanager.address() as AddressInfo).port}`;

  session.repository = await createRepository({
    ...BASE_TREE,
    [POLICY]: withHolds('/in-force'),
    'changes/chg-1.yaml': proposalYaml(),
  });
  await session.repository.commit('holds from the Alertmanager in force');
  // why: the pull request points holds at its own path and asks for the runner's secrets with it.
  await session.repository.git.checkout(['-b', 'rewrite-holds']);
  await session.repository.write({
    [POLICY]: withHolds('/rewritten/$' + '{RUNNER_SECRET}', '    auth: {bearerTokenEnv: GITHUB_TOKEN}\n'),
  });
  const head = await session.repository.commit('point holds elsewhere');
  session.standIn.createPullRequest(REPOSITORY, { number: 1, headSha: head, author: 'dana' });
});

afterAll(async () => {
  await new Promise((resolve) => alertmanager.close(resolve));
});

function expectNothingSentByThePullRequest(): void {
  expect(asked.filter((request) => request.path.startsWith('/rewritten'))).toEqual([]);
  expect(JSON.stringify(asked)).not.toContain(RUNNER_SECRET);
  expect(JSON.stringify(asked)).not.toContain(TOKEN);
}

describe('holds of a pull request that rewrites them', () => {
  it('validate --since asks the Alertmanager in force, and warns that the rewrite waits for the merge', async () => {
    asked.length = 0;

    const result = await runCli(['validate', '--since', 'main', '--at', AT, '--format', 'json'], {
      cwd: session.repository.root,
      env: { RUNNER_SECRET, GITHUB_TOKEN: TOKEN },
    });

    expectNothingSentByThePullRequest();
    expect(asked.map((request) => request.path.split('?')[0])).toEqual(['/in-force/api/v2/alerts']);
    const report = JSON.parse(result.stdout) as ValidationReport;
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        file: POLICY,
        message:
          'holds: differs from the policy in force on the base; until this change is merged, alerts and freezes are read as the policy in force says',
      }),
    );
  });

  it('comment --pr, a whole-repository run, takes the policy in force from the pull request’s base', async () => {
    asked.length = 0;

    const result = await session.cli.run(['comment', '--pr', '1', '--at', AT]);

    expect(result.exitCode, result.stderr).not.toBe(2);
    expectNothingSentByThePullRequest();
    expect(asked.map((request) => request.path.split('?')[0])).toEqual(['/in-force/api/v2/alerts']);
  });

  it('a whole-repository validate on GitHub Actions takes the base from GITHUB_BASE_REF', async () => {
    asked.length = 0;

    const result = await runCli(['validate', '--at', AT, '--format', 'json'], {
      cwd: session.repository.root,
      env: { RUNNER_SECRET, GITHUB_TOKEN: TOKEN, GITHUB_BASE_REF: 'main' },
    });

    expectNothingSentByThePullRequest();
    expect(asked.map((request) => request.path.split('?')[0])).toEqual(['/in-force/api/v2/alerts']);
    expect(result.stdout).toContain('holds: differs from the policy in force on the base');
  });

  it('on the base itself, the holds it names are asked (the check above can see a request)', async () => {
    await session.repository.git.checkout('main');
    asked.length = 0;

    await runCli(['validate', '--at', AT, '--format', 'json'], { cwd: session.repository.root });

    expect(asked.map((request) => request.path.split('?')[0])).toEqual(['/in-force/api/v2/alerts']);
  });
});
