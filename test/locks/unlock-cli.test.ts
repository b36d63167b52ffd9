import { afterEach, describe, expect, it } from 'vitest';
import { acquireLocks, createGitLockRefs } from '../../src/locks/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

let repository: TestRepository | undefined;

afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

describe('netchange unlock --local', () => {
  it("says who held the lock and until when, in the repository's zone with UTC beside it", async () => {
    repository = await createRepository({
      'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
    });
    const head = await repository.commit('config');
    await acquireLocks(createGitLockRefs(repository.root), ['device-sw-lab-01'], {
      holder: 'a run that died',
      proposal: 'CHG-DEAD',
      now: new Date('2026-11-29T08:00:00Z'),
      ttlMs: 3_600_000,
      commit: head,
    });

    const unlocked = await runCli(['unlock', 'device-sw-lab-01', '--local'], { cwd: repository.root });

    expect(unlocked.exitCode, unlocked.stderr).toBe(0);
    expect(unlocked.stdout).toContain(
      '(held by a run that died for CHG-DEAD since Sun 29 Nov 2026 02:00 CST (08:00Z), lease until Sun 29 Nov 2026 03:00 CST (09:00Z))',
    );
  });
});
