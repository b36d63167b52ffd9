import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { committedRepository, holdFindings } from './support.js';

// why: a fixed --at (and commit date, ./support.ts) keeps the verdicts independent of the day the
// suite runs. Alerts are "now" to Alertmanager, the clock each test controls through startsAt/endsAt.
const IN_SLOT = '2026-11-29T02:10:00-06:00';
const TOKEN = 'am-bearer-planted-5f0c9a7e21d4b3';

/** The policy names the URL through an environment variable, as a real repository would. */
const URL_FROM_ENVIRONMENT = `$${'{'}AM_URL}`;

function holdsPolicy(extra = ''): string {
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

let alertmanager: RunningAlertmanager;
const repositories: TestRepository[] = [];

async function repositoryWith(policy: string, sites = 'plant-a', devices = 'sw-1'): Promise<TestRepository> {
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

function validate(repository: TestRepository, url: string) {
  return runCli(['validate', '--at', IN_SLOT, '--format', 'json'], { cwd: repository.root, env: env(url) });
}

async function rehearse(repository: TestRepository, url: string) {
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

beforeAll(async () => {
  alertmanager = await startAlertmanager();
}, 30_000);

afterAll(async () => {
  await alertmanager.stop();
  for (const repository of repositories) await repository.remove();
});

describe('holds from the real Alertmanager', () => {
  it("a critical alert firing at the change's site: validate warns naming it, apply refuses", async () => {
    const repository = await repositoryWith(holdsPolicy());
    await alertmanager.postAlerts([
      {
        labels: {
          alertname: 'CoreSwitchDown',
          severity: 'critical',
          site: 'plant-a',
          instance: 'sw-plant-a-01',
        },
      },
    ]);

    const validated = await validate(repository, alertmanager.url);
    const applied = await rehearse(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(
          /^1 critical alert firing at plant-a: CoreSwitchDown sw-plant-a-01 since \d\d:\d\d:\d\d/,
        ),
      }),
    ]);
    expect(validated.exitCode).toBe(0);
    expect(applied.stdout).toContain('would be refused');
    expect(applied.stdout).toContain('held: 1 critical alert firing at plant-a: CoreSwitchDown');
    expect(applied.exitCode).toBe(1);
    expect(`${validated.stdout}${validated.stderr}${applied.stdout}${applied.stderr}`).not.toContain(TOKEN);
  });

  it('many alerts: one message within 160 characters, every alert in the detail', async () => {
    const repository = await repositoryWith(holdsPolicy(), 'plant-k');
    await alertmanager.postAlerts(
      ['LinkDown', 'BgpSessionDown', 'PsuFailed', 'FanFailed', 'CpuHigh'].map((alertname, index) => ({
        labels: {
          alertname,
          severity: 'critical',
          site: 'plant-k',
          instance: `sw-plant-k-with-a-long-name-${index}`,
        },
      })),
    );

    const [finding] = holdFindings((await validate(repository, alertmanager.url)).stdout);

    expect(finding?.message).toMatch(/^5 critical alerts firing at plant-k: /);
    expect(finding?.message.length).toBeLessThanOrEqual(160);
    expect(finding?.message).toContain('(+4 more)');
    expect(finding?.detail?.split('\n')).toHaveLength(5);
  });

  it('an alert at another site holds nothing', async () => {
    const repository = await repositoryWith(holdsPolicy(), 'plant-c', 'sw-2');
    await alertmanager.postAlerts([
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-d', instance: 'sw-9' } },
    ]);

    const validated = await validate(repository, alertmanager.url);
    const applied = await rehearse(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([]);
    expect(applied.stdout).toContain('would run');
    expect(applied.exitCode).toBe(0);
  });

  it("an alert on the change's device (instance host:port) holds it, whatever its site label", async () => {
    const repository = await repositoryWith(holdsPolicy(), 'plant-e', 'sw-2');
    await alertmanager.postAlerts([
      { labels: { alertname: 'InterfaceDown', severity: 'major', site: 'elsewhere', instance: 'sw-2:9116' } },
    ]);

    const validated = await validate(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining('1 major alert firing at elsewhere: InterfaceDown sw-2:9116'),
      }),
    ]);
  });

  it('a resolved alert (endsAt in the past) releases the hold', async () => {
    const repository = await repositoryWith(holdsPolicy(), 'plant-f');
    const labels = { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-f', instance: 'sw-1' };
    const now = await alertmanager.now();
    await alertmanager.postAlerts([{ labels }]);
    const held = await rehearse(repository, alertmanager.url);

    await alertmanager.postAlerts([
      { labels, startsAt: new Date(now - 600_000), endsAt: new Date(now - 1000) },
    ]);
    const released = await rehearse(repository, alertmanager.url);

    expect(held.exitCode).toBe(1);
    expect(released.stdout).toContain('would run');
    expect(released.exitCode).toBe(0);
  });

  it('firingOnly: an alert already silenced does not hold; with firingOnly false it does', async () => {
    const firingOnly = await repositoryWith(holdsPolicy(), 'plant-g');
    const everyAlert = await repositoryWith(holdsPolicy('    firingOnly: false\n'), 'plant-g');
    await alertmanager.postAlerts([
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-g', instance: 'sw-1' } },
    ]);
    await alertmanager.silence([{ name: 'site', value: 'plant-g' }]);

    const ignored = await validate(firingOnly, alertmanager.url);
    const counted = await validate(everyAlert, alertmanager.url);

    expect(holdFindings(ignored.stdout)).toEqual([]);
    expect(holdFindings(counted.stdout)).toHaveLength(1);
  });

  it('emergencies are not held by default (types)', async () => {
    const repository = await repositoryWith(holdsPolicy(), 'plant-h');
    await repository.write({
      'changes/chg-1.yaml': proposalYaml()
        .replace('sites: [plant-a]', 'sites: [plant-h]')
        .replace('type: normal', 'type: emergency\nincident: INC-1'),
    });
    await alertmanager.postAlerts([
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-h', instance: 'sw-1' } },
    ]);

    const validated = await validate(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([]);
  });
});

describe('Alertmanager unreachable', () => {
  const DOWN = 'http://127.0.0.1:1';

  it('validate warns naming the URL and never the credentials', async () => {
    const repository = await repositoryWith(holdsPolicy());

    const validated = await validate(repository, DOWN);

    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('Alertmanager at http://127.0.0.1:1'),
      }),
    ]);
    expect(validated.exitCode).toBe(0);
    expect(`${validated.stdout}${validated.stderr}`).not.toContain(TOKEN);
  });

  it('onError hold: apply refuses', async () => {
    const repository = await repositoryWith(holdsPolicy('    onError: hold\n'));

    const applied = await rehearse(repository, DOWN);

    expect(applied.stdout).toContain('held: live holds unknown: Alertmanager at http://127.0.0.1:1');
    expect(applied.exitCode).toBe(1);
    expect(`${applied.stdout}${applied.stderr}`).not.toContain(TOKEN);
  });

  it('onError warn: apply goes on with a warning', async () => {
    const repository = await repositoryWith(holdsPolicy('    onError: warn\n'));

    const applied = await rehearse(repository, DOWN);

    expect(applied.stdout).toContain('would run');
    expect(applied.exitCode).toBe(0);
  });

  it('an Alertmanager that was running and stopped: onError hold refuses', async () => {
    const stopped = await startAlertmanager();
    const repository = await repositoryWith(holdsPolicy());
    await stopped.stop();

    const applied = await rehearse(repository, stopped.url);

    expect(applied.stdout).toContain(`Alertmanager at ${stopped.url}`);
    expect(applied.exitCode).toBe(1);
  }, 30_000);

  it('a matcher that does not parse is a policy error with its line (exit 2)', async () => {
    const repository = await repositoryWith(
      holdsPolicy().replace('severity=~"critical|major"', 'severity=~"(crit"'),
    );

    const validated = await runCli(['validate', '--at', IN_SLOT], {
      cwd: repository.root,
      env: env(alertmanager.url),
    });

    expect(validated.stderr).toContain('policies/change-control.yaml:');
    expect(validated.stderr).toContain('not a valid regular expression');
    expect(validated.exitCode).toBe(2);
  });
});
