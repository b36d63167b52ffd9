/**
 * Holds from a real Alertmanager that requires HTTP basic auth (its `--web.config.file` with
 * `basic_auth_users`), reached with the credentials in the URL as docs/holds.md shows them
 * (`http://${AM_USER}:${AM_PASSWORD}@host:9093`) or through `auth: {usernameEnv, passwordEnv}`.
 */
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerClient } from '../../src/alertmanager/client.js';
import { parseMatcher } from '../../src/alertmanager/matchers.js';
import { NetchangeError } from '../../src/core/errors.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { formsOf } from '../support/secrets.js';
import { committedRepository, holdFindings } from './support.js';

// why: a fixed --at (and commit date, ./support.ts) keeps the verdicts independent of the day the
// suite runs; the alerts are "now" to Alertmanager, whose own clock dates them.
const IN_SLOT = '2026-11-29T02:10:00-06:00';

/** A user whose name and password are plain URL characters, as the audit's policy had them. */
const PLAIN = { username: 'netops', password: 'am-basic-planted-5f0c9a7e21' };
/** A user whose name and password must be percent-encoded in a URL (`@`, `:`, `/`). */
const ENCODED = { username: 'ops@plant', password: 'p@ss:w0rd/planted-41d2' };

// why: fixed bcrypt hashes (cost 6) of the passwords above, so the test needs no bcrypt tool; made
// with libxcrypt: perl -e 'print crypt("PASSWORD", q($2b$06$) . "22 salt characters")'.
const WEB_CONFIG = `basic_auth_users:
  netops: $2b$06$Nq3tYv8LzPw2Rk5Hs7Jd1eIko6eUG9lr.MEMNQIiFKQmVdgCxGgYm
  ops@plant: $2b$06$Xc4Vb7Nm2Lk9Jh6Gf3Ds1Oe06dwV/OhoIWBYEAldgF0xcBOvF90a6
`;

function basic(user: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
}

/** `user`'s name and password as they go into a URL's user information. */
function userinfo(user: { username: string; password: string }): string {
  return `${encodeURIComponent(user.username)}:${encodeURIComponent(user.password)}`;
}

function withUserinfo(url: string, user: { username: string; password: string }): string {
  return url.replace('://', `://${userinfo(user)}@`);
}

/** Every form of every planted credential found in `text`, the Authorization header's included. */
function leaks(text: string): string[] {
  return [PLAIN, ENCODED]
    .flatMap((user) => [...formsOf(user.password), basic(user).slice('Basic '.length, -2)])
    .filter((form) => text.includes(form));
}

let alertmanager: RunningAlertmanager;
const repositories: TestRepository[] = [];

beforeAll(async () => {
  alertmanager = await startAlertmanager({ webConfig: WEB_CONFIG, authorization: basic(PLAIN) });
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
});

afterAll(async () => {
  await alertmanager.stop();
  for (const repository of repositories.splice(0)) await repository.remove();
});

describe('the Alertmanager adapter with credentials in the URL', () => {
  const firing = { matchers: [matcher('severity="critical"')], firingOnly: true };

  it.each([
    ['plain', PLAIN],
    ['percent-encoded', ENCODED],
  ])('lists alerts from an Alertmanager that requires basic auth (%s user information)', async (_, user) => {
    const client = createAlertmanagerClient({ url: withUserinfo(alertmanager.url, user) });

    const alerts = await client.listAlerts(firing);

    expect(alerts.map((alert) => alert.labels.alertname)).toEqual(['CoreSwitchDown']);
    expect(client.origin).toBe(alertmanager.url);
  });

  it('a wrong password is E_ALERTS naming the URL without its user information, never the password', async () => {
    const wrong = { username: 'netops', password: 'wrong-planted-pass-7c1e' };
    const client = createAlertmanagerClient({ url: withUserinfo(alertmanager.url, wrong), retries: 0 });

    const failure = await client.listAlerts(firing).then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(NetchangeError);
    const error = failure as NetchangeError;
    expect(error.message).toContain(`Alertmanager at ${alertmanager.url} did not answer`);
    expect(error.message).toContain('HTTP 401');
    expect(formsOf(wrong.password).filter((form) => `${error.message}${error.hint}`.includes(form))).toEqual(
      [],
    );
  });
});

describe('a URL with credentials that does not parse', () => {
  it('is E_CONFIG naming the URL without any of its user information, even a password with "/" and "@"', () => {
    const password = 'pa/ss@planted-3b9d';

    const failure = (() => {
      try {
        createAlertmanagerClient({ url: `http://ops:${password}@127.0.0.1:9093` });
        return undefined;
      } catch (error) {
        return error;
      }
    })();

    expect(failure).toBeInstanceOf(NetchangeError);
    const error = failure as NetchangeError;
    expect(error.code).toBe('E_CONFIG');
    expect(error.message).toBe('the Alertmanager URL "http://127.0.0.1:9093" is not a URL');
    expect(['pa/ss', 'planted-3b9d'].filter((part) => error.message.includes(part))).toEqual([]);
  });
});

describe('holds from an Alertmanager behind basic auth, as the CLI runs them', () => {
  it.each([
    [
      'credentials in the URL and in auth (the audit policy)',
      PLAIN,
      '    auth: {usernameEnv: AMU, passwordEnv: AMX}\n',
    ],
    ['percent-encoded credentials in the URL only', ENCODED, ''],
  ])(
    '%s: validate names the firing alert, apply refuses on it, no output shows the password',
    async (_, user, auth) => {
      const repository = await repositoryWith(policyWith(alertmanager.url, auth));
      const env = {
        AMU: user === ENCODED ? encodeURIComponent(user.username) : user.username,
        AMX: user === ENCODED ? encodeURIComponent(user.password) : user.password,
      };

      const validated = await runCli(['validate', '--at', IN_SLOT, '--format', 'json'], {
        cwd: repository.root,
        env,
      });
      const applied = await runCli(
        [
          'apply',
          'changes/chg-1.yaml',
          '--dry-run',
          '--at',
          IN_SLOT,
          '--approvals',
          await approvalsFor(repository),
        ],
        { cwd: repository.root, env },
      );

      expect(holdFindings(validated.stdout)).toEqual([
        expect.objectContaining({
          severity: 'warning',
          message: expect.stringMatching(/^1 critical alert firing at plant-a: CoreSwitchDown sw-plant-a-01/),
        }),
      ]);
      expect(applied.stdout).toContain('held: 1 critical alert firing at plant-a: CoreSwitchDown');
      expect(applied.stdout).not.toContain('live holds unknown');
      expect(applied.exitCode).toBe(1);
      expect(leaks(`${validated.stdout}${validated.stderr}${applied.stdout}${applied.stderr}`)).toEqual([]);
    },
  );
});

function matcher(text: string) {
  const parsed = parseMatcher(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.matcher;
}

/** The policy with holds from `url`, its user information read from AMU and AMX. */
function policyWith(url: string, auth: string): string {
  const withVariables = url.replace('://', `://$${'{'}AMU}:$${'{'}AMX}@`);
  return `${POLICY_TREE['policies/change-control.yaml']}holds:
  alertmanager:
    url: ${withVariables}
    matchers: ['severity=~"critical|major"']
    scope: {site: site, device: instance}
${auth}    timeout: PT2S
    retries: 0
    onError: hold
  freezes: true
`;
}

async function repositoryWith(policy: string): Promise<TestRepository> {
  return committedRepository(
    {
      ...BASE_TREE,
      'policies/change-control.yaml': policy,
      'changes/chg-1.yaml': proposalYaml(),
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
