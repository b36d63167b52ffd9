/** The repositories, policy and commands the Alertmanager hold tests share. */
import { writeFile } from 'node:fs/promises';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { committedRepository } from './support.js';

// why: a fixed --at (and commit date, ./support.ts) keeps the verdicts independent of the day the
// suite runs. Alerts are "now" to Alertmanager, the clock each test controls through startsAt/endsAt.
export const IN_SLOT = '2026-11-29T02:10:00-06:00';
export const TOKEN = 'am-bearer-planted-5f0c9a7e21d4b3';

/** The policy names the URL through an environment variable, as a real repository would. */
const URL_FROM_ENVIRONMENT = `$${'{'}AM_URL}`;

export function holdsPolicy(extra = ''): string {
  return `${POLICY_TREE['policies/change-control.yaml']}holds:
  alertmanager:
    url: ${URL_FROM_ENVIRONMENT}
    matchers: ['severity=~"critical|major"']
    scope: {site: site, device: instance}
    auth: {bearerTokenEnv: AM_TOKEN}
    timeout: PT1S
    retries: 1
${extra}  freezes: true
`;
}

/** Every repository the tests of this process made, removed by `removeRepositories`. */
const repositories: TestRepository[] = [];

/** A committed repository with `policy` and CHG-1 at `sites` on `devices`. */
export async function repositoryWith(
  policy: string,
  sites = 'plant-a',
  devices = 'sw-1',
): Promise<TestRepository> {
  return committedRepository(
    {
      ...BASE_TREE,
      'policies/change-control.yaml': policy,
      'changes/chg-1.yaml': proposalYaml({ devices, limit: devices }).replace(
        'sites: [plant-a]',
        `sites: [${sites}]`,
      ),
    },
    repositories,
  );
}

async function approvalsFor(repository: TestRepository): Promise<string> {
  const commit = (await repository.git.revparse(['HEAD'])).trim();
  // why: outside the repository, so the tree stays clean (apply refuses a dirty tree).
  const file = `${repository.root}-approvals.yaml`;
  await writeFile(file, `- {user: alice, commit: ${commit}}\n- {user: bob, commit: ${commit}}\n`);
  return file;
}

const env = (url: string) => ({ AM_URL: url, AM_TOKEN: TOKEN });

/** validate --format json as of CHG-1's slot, with Alertmanager at `url`. */
export function validate(repository: TestRepository, url: string) {
  return runCli(['validate', '--at', IN_SLOT, '--format', 'json'], { cwd: repository.root, env: env(url) });
}

/** apply --dry-run as of CHG-1's slot with alice's and bob's approvals, Alertmanager at `url`. */
export async function rehearse(repository: TestRepository, url: string) {
  return runCli(
    [
      'apply',
      'changes/chg-1.yaml',
      '--dry-run',
      '--at',
      IN_SLOT,
      '--approvals',
      await approvalsFor(repository),
    ],
    {
      cwd: repository.root,
      env: env(url),
    },
  );
}

export async function removeRepositories(): Promise<void> {
  for (const repository of repositories.splice(0)) await repository.remove();
}
