import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetchangeError } from '../../src/core/errors.js';
import { createOctokitGitHub } from '../../src/github/octokit-github.js';
import type { GitHubPort } from '../../src/github/port.js';
import { acquireLocks, readLease, releaseLocks } from '../../src/locks/locks.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';

const REPOSITORY = 'acme/locks';
const COMMIT = 'c'.repeat(40);
const NOW = new Date('2026-11-29T08:00:00Z');
const HOUR = 3_600_000;

let standIn: GitHubStandIn;
let github: GitHubPort;

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.createRepository(REPOSITORY);
  github = await createOctokitGitHub({
    auth: { token: standIn.token },
    apiUrl: standIn.url,
    repository: REPOSITORY,
  });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  await standIn.close();
});

function locks() {
  return [...standIn.repository(REPOSITORY).refs.keys()].sort();
}

describe('locks on GitHub refs', () => {
  it('gives a device to one run at a time, all locks or none, and lets a run take over an expired lease', async () => {
    const first = await acquireLocks(github, ['device-sw-1'], {
      holder: 'run A',
      proposal: 'CHG-A',
      now: NOW,
      ttlMs: HOUR,
      commit: COMMIT,
    });

    const refused = await acquireLocks(github, ['device-sw-0', 'device-sw-1'], {
      holder: 'run B',
      proposal: 'CHG-B',
      now: NOW,
      ttlMs: HOUR,
      commit: COMMIT,
    }).catch((error: unknown) => error);
    const afterRefusal = locks();
    const later = new Date(NOW.getTime() + 2 * HOUR);
    const takenOver = await acquireLocks(github, ['device-sw-1'], {
      holder: 'run B',
      proposal: 'CHG-B',
      now: later,
      ttlMs: HOUR,
      commit: COMMIT,
    });
    const lease = await readLease(github, 'refs/netchange/locks/device-sw-1');
    await releaseLocks(github, takenOver);

    expect(first.map((lock) => lock.ref)).toEqual(['refs/netchange/locks/device-sw-1']);
    expect(refused).toBeInstanceOf(NetchangeError);
    expect((refused as NetchangeError).code).toBe('E_GATE');
    expect((refused as NetchangeError).message).toBe(
      'lock device-sw-1 is held by run A for CHG-A until Sun 29 Nov 2026 09:00 UTC',
    );
    expect(afterRefusal).toEqual(['refs/netchange/locks/device-sw-1']);
    expect(lease).toMatchObject({
      holder: 'run B',
      proposal: 'CHG-B',
      expiresAt: '2026-11-29T11:00:00Z',
    });
    expect(locks()).toEqual([]);
  });

  it("refuses with the holder's expiry in the proposal's zone, UTC beside it", async () => {
    const held = await acquireLocks(github, ['device-sw-9'], {
      holder: 'run A',
      proposal: 'CHG-A',
      now: NOW,
      ttlMs: HOUR,
      commit: COMMIT,
    });

    const refused = await acquireLocks(github, ['device-sw-9'], {
      holder: 'run B',
      proposal: 'CHG-B',
      now: NOW,
      ttlMs: HOUR,
      commit: COMMIT,
      timeZone: 'America/Chicago',
    }).catch((error: unknown) => error);
    await releaseLocks(github, held);

    expect((refused as NetchangeError).message).toBe(
      'lock device-sw-9 is held by run A for CHG-A until Sun 29 Nov 2026 03:00 CST (09:00Z)',
    );
    expect((refused as NetchangeError).hint).toContain(
      'the lease expires Sun 29 Nov 2026 03:00 CST (09:00Z);',
    );
    // why: a GitHub lock is released on GitHub: `unlock` without --local.
    expect((refused as NetchangeError).hint).toMatch(/release it with: netchange unlock device-sw-9$/);
  });
});
