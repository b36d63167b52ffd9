import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { proposalYaml } from '../support/proposals.js';
import {
  holdsPolicy,
  rehearse,
  removeRepositories,
  repositoryWith,
  TOKEN,
  validate,
} from './alert-fixture.js';
import { holdFindings } from './support.js';

// why: a fixed --at (and commit date, ./support.ts) keeps the verdicts independent of the day the
// suite runs. Alerts are "now" to Alertmanager, the clock each test controls through startsAt/endsAt.
let alertmanager: RunningAlertmanager;

beforeAll(async () => {
  alertmanager = await startAlertmanager();
});

afterAll(async () => {
  await alertmanager.stop();
  await removeRepositories();
});

// why: concurrent, each test at its own site; only the device test's alert names a real device (sw-2).
describe.concurrent('holds from the real Alertmanager', () => {
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
    const repository = await repositoryWith(holdsPolicy(), 'plant-c', 'sw-1');
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
    const labels = { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-f', instance: 'sw-f' };
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
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-g', instance: 'sw-g' } },
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
      { labels: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'plant-h', instance: 'sw-h' } },
    ]);

    const validated = await validate(repository, alertmanager.url);

    expect(holdFindings(validated.stdout)).toEqual([]);
  });
});
