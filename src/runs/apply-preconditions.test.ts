import { describe, expect, it } from 'vitest';
import { buildSubject } from '../windows/test-support.js';
import { checkNotAppliedYet, type PreviousApply } from './apply-preconditions.js';

const subject = buildSubject({
  startMs: Date.UTC(2026, 11, 6, 18, 0),
  lengthMs: 3_600_000,
  timezone: 'America/Chicago',
});

/** The refusal message of an apply whose evidence holds `previous`, or undefined when it is not refused. */
async function refusal(previous: PreviousApply): Promise<string | undefined> {
  try {
    await checkNotAppliedYet({
      subject,
      commits: [previous.commit],
      previousApplies: async () => [previous],
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe('checkNotAppliedYet', () => {
  it.each([
    ['succeeded', 'already applied at commit 6924cc8a2cec (evidence record #2: succeeded, by root at'],
    ['started', 'an apply at commit 6924cc8a2cec started (evidence record #2, by root at'],
    [
      'failed',
      'already ran at commit 6924cc8a2cec (failed) and did not apply (evidence record #2, by root at',
    ],
    [
      'rolled-back',
      'already ran at commit 6924cc8a2cec (rolled-back) and did not apply (evidence record #2, by root at',
    ],
  ])('shows when the %s apply was, in the proposal’s zone and UTC', async (outcome, opening) => {
    const message = await refusal({
      sequence: 2,
      commit: '6924cc8a2cec0d5f9e1b7a3c4d2e1f0a9b8c7d6e',
      outcome,
      finishedAt: '2026-12-06T19:17:21.285Z',
      actor: 'root',
    });

    expect(message).toContain(`${opening} Sun 6 Dec 2026 13:17 CST (19:17Z)`);
    expect(message).not.toContain('2026-12-06T19:17');
  });
});
