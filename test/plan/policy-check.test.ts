import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PASSWORD = 'PLANTED-am-password-7781';

/** Counts the connections made to it: an Alertmanager that must never be asked. */
let listener: Server;
let connections = 0;
let port = 0;
const cleanups: TestRepository[] = [];

beforeAll(async () => {
  listener = createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  for (const repository of cleanups) await repository.remove();
});

/** A repository whose change-control policy sends holds to Alertmanager at `url`, and one proposal. */
async function repositoryWithHolds(url: string): Promise<TestRepository> {
  const policy = `${POLICY_TREE['policies/change-control.yaml']}holds:
  alertmanager:
    url: "${url}"
    matchers: ['severity="critical"']
`;
  const repository = await createRepository({
    ...BASE_TREE,
    'policies/change-control.yaml': policy,
    'changes/chg-1.yaml': proposalYaml(),
  });
  cleanups.push(repository);
  await repository.commit('holds from Alertmanager');
  return repository;
}

describe('plan checks the holds policy as validate does, without asking Alertmanager', () => {
  it('refuses a password written into the Alertmanager URL (exit 2, at its line, the password not shown)', async () => {
    const repository = await repositoryWithHolds(`http://ops:${PASSWORD}@127.0.0.1:${port}`);

    const result = await runCli(['plan', '--out-dir', 'out'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    const line = POLICY_TREE['policies/change-control.yaml'].split('\n').length + 2;
    expect(result.stderr).toContain(
      `policies/change-control.yaml:${line}:10 holds.alertmanager.url carries a password written in the policy`,
    );
    expect(`${result.stdout}${result.stderr}`).not.toContain(PASSWORD);
  });

  it('plans with a readable holds policy and makes no connection to Alertmanager', async () => {
    const repository = await repositoryWithHolds(`http://127.0.0.1:${port}`);
    const before = connections;

    const result = await runCli(['plan', '--out-dir', 'out'], { cwd: repository.root });

    expect(result.stderr).not.toContain('policy files have errors');
    expect(result.stdout).toContain('CHG-1');
    expect(connections).toBe(before);
  });
});
