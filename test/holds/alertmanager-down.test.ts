import { afterAll, describe, expect, it } from 'vitest';
import { startAlertmanager } from '../support/alertmanager.js';
import { runCli } from '../support/run-cli.js';
import * as fixture from './alert-fixture.js';
import { holdFindings } from './support.js';

const { holdsPolicy, IN_SLOT, rehearse, removeRepositories, repositoryWith, TOKEN, validate } = fixture;

afterAll(async () => {
  await removeRepositories();
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
  });

  it('a matcher that does not parse is a policy error with its line (exit 2)', async () => {
    const repository = await repositoryWith(
      holdsPolicy().replace('severity=~"critical|major"', 'severity=~"(crit"'),
    );

    const validated = await runCli(['validate', '--at', IN_SLOT], {
      cwd: repository.root,
      env: { AM_URL: DOWN, AM_TOKEN: TOKEN },
    });

    expect(validated.stderr).toContain('policies/change-control.yaml:');
    expect(validated.stderr).toContain('not a valid regular expression');
    expect(validated.exitCode).toBe(2);
  });

  it('a matcher JavaScript runs but Alertmanager (Go RE2) refuses is a policy error with its line and an RE2 hint (exit 2)', async () => {
    const repository = await repositoryWith(
      holdsPolicy().replace('severity=~"critical|major"', 'severity=~"(?!warning).*"'),
    );

    const validated = await runCli(['validate', '--at', IN_SLOT], {
      cwd: repository.root,
      env: { AM_URL: DOWN, AM_TOKEN: TOKEN },
    });

    expect(validated.stderr).toMatch(/policies\/change-control\.yaml:\d+/);
    expect(validated.stderr).toContain('the negative lookahead (?!');
    expect(validated.stderr).toContain("Go's RE2");
    expect(validated.exitCode).toBe(2);
  });

  it('an RE2 flag group such as (?i) is a valid matcher, not a policy error', async () => {
    const repository = await repositoryWith(
      holdsPolicy().replace('severity=~"critical|major"', 'severity=~"(?i)CRITICAL"'),
    );

    const validated = await runCli(['validate', '--at', IN_SLOT], {
      cwd: repository.root,
      env: { AM_URL: DOWN, AM_TOKEN: TOKEN },
    });

    expect(`${validated.stdout}${validated.stderr}`).not.toContain('not a valid regular expression');
    expect(validated.exitCode).not.toBe(2);
  });
});
