import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// why: apply measures notice from the commit that brought the proposal; a fixed commit date and a
// fixed --at keep the verdicts independent of the day the suite runs. Alerts are "now" to
// Alertmanager, which is the clock each test controls through startsAt/endsAt.
const COMMITTED = '2026-11-20T10:00:00Z';
const IN_SLOT = '2026-11-29T02:10:00-06:00';
const TOKEN = 'am-bearer-planted-5f0c9a7e21d4b3';

function holdsPolicy(url: string, extra = ''): string {
  return `${POLICY_TREE['policies/change-control.yaml']}holds:
  alertmanager:
    url: ${url}
    matchers: ['severity=~"critical|major"']
    scope: {site: site, device: instance}
    auth: {bearerTokenEnv: AM_TOKEN}
    timeout: PT1S
    retries: 1
${extra}  freezes: true
`;
}

let alertmanager: RunningAlertmanager;
const repositories: TestRepository[] = [];

async function repositoryWith(policy: string, sites = 'plant-a', devices = 'sw-1'): Promise<TestRepository> {
  const repository = await createRepository({
    ...BASE_TREE,
    'policies/change-control.yaml': policy,
    'changes/chg-1.yaml': proposalYaml({ devices }).replace('sites: [plant-a]', `sites: [${sites}]`),
  });
  repositories.push(repository);
  await execa('git', ['add', '-A'], { cwd: repository.root });
  await execa('git', ['commit', '-q', '-m', 'network'], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: COMMITTED, GIT_COMMITTER_DATE: COMMITTED },
  });
  return repository;
}

async function approvalsFor(repository: TestRepository): Promise<string> {
  const commit = (await repository.git.revparse(['HEAD'])).trim();
  // why: outside the repository, so the tree stays clean (apply refuses a dirty tree).
  const file = `${repository.root}-approvals.yaml`;
  await writeFile(file, `- {user: alice, commit: ${commit}}\n- {user: bob, commit: ${commit}}\n`);
  return file;
}

const env = (url: string) => ({ AM_URL: url, AM_TOKEN: TOKEN });

function validate(repository: TestRepository, url: string) {
  return runCli(['validate', '--at', IN_SLOT, '--format', 'json'], { cwd: repository.root, env: env(url) });
}

async function rehearse(repository: TestRepository, url: string) {
  return runCli(['apply', 'changes/chg-1.yaml', '--dry-run', '--at', IN_SLOT, '--approvals', await approvalsFor(repository)], {
    cwd: repository.root,
    env: env(url),
  });
}

function holdFindings(stdout: string): { severity: string; message: string; detail?: string }[] {
  const report = JSON.parse(stdout) as {
    proposals: { findings: { ruleId: string; severity: string; message: string; detail?: string }[] }[];
  };
  return report.proposals.flatMap((proposal) => proposal.findings.filter((finding) => finding.ruleId === 'hold'));
}

beforeAll(async () => {
  alertmanager = await startAlertmanager();
}, 30_000);

afterAll(async () => {
  await alertmanager.stop();
  for (const repository of repositories) await repository.remove();
});

describe('holds from the real Alertmanager', () => {
  it('a critical alert firing at the change\'s site: validate warns naming it, apply refuses', async () => {
    const repository = await repositoryWith(holdsPolicy('${AM_URL}'));
    await alertmanager.postAlerts([
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-a', instance: 'sw-plant-a-01' } },
    ]);

    const validated = await validate(repository, alertmanager.url);
    const applied = await rehearse(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^1 critical alert firing at plant-a: CoreSwitchDown sw-plant-a-01 since \d\d:\d\d:\d\d/),
      }),
    ]);
    expect(validated.exitCode).toBe(0);
    expect(applied.stdout).toContain('would be refused');
    expect(applied.stdout).toContain('held: 1 critical alert firing at plant-a: CoreSwitchDown');
    expect(applied.exitCode).toBe(1);
    expect(`${validated.stdout}${validated.stderr}${applied.stdout}${applied.stderr}`).not.toContain(TOKEN);
  });
});
