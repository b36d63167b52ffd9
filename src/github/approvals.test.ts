import { describe, expect, it } from 'vitest';
import { approvalsFromReviews, policyTeams, reviewCommands, staleApprovers } from './approvals.js';
import type { PullRequestReview } from './port.js';

const HEAD = 'h'.repeat(40);
const OLD = 'o'.repeat(40);

function review(
  user: string,
  state: PullRequestReview['state'],
  commitId: string,
  minute: number,
  body?: string,
): PullRequestReview {
  return {
    user,
    state,
    commitId,
    submittedAt: `2026-11-23T12:${String(minute).padStart(2, '0')}:00Z`,
    ...(body !== undefined ? { body } : {}),
  };
}

describe('reviewCommands', () => {
  it.each([
    ['/netchange approve CHG-2026-0147', ['CHG-2026-0147'], []],
    ['/NETCHANGE Approve CHG-1, CHG-2 CHG-3', ['CHG-1', 'CHG-2', 'CHG-3'], []],
    ['LGTM\r\n/netchange approve CHG-1\n  /netchange hold CHG-2 — wait for the vendor', ['CHG-1'], ['CHG-2']],
    ['/netchange approve CHG-1\n/netchange hold CHG-1', [], ['CHG-1']],
    ['please /netchange approve CHG-1 (not at the start of the line)', [], []],
    ['/netchange approved CHG-1', [], []],
  ])('reads %j', (body, approve, hold) => {
    expect(reviewCommands(body)).toEqual({ approve, hold });
  });
});

describe('approvalsFromReviews per proposal', () => {
  it('approves CHG-0147 and holds CHG-0149 from one comment review', () => {
    const reviews = [
      review('carol', 'COMMENTED', HEAD, 1, '/netchange approve CHG-0147\n/netchange hold CHG-0149'),
    ];

    expect(approvalsFromReviews(reviews, HEAD)).toEqual([
      { user: 'carol', proposal: 'CHG-0147', commit: HEAD, at: '2026-11-23T12:01:00Z' },
      { user: 'carol', proposal: 'CHG-0149', commit: HEAD, hold: true, at: '2026-11-23T12:01:00Z' },
    ]);
  });

  it('approves the whole pull request and holds one proposal from an approving review', () => {
    const approvals = approvalsFromReviews(
      [review('carol', 'APPROVED', HEAD, 1, '/netchange hold CHG-0149')],
      HEAD,
    );

    expect(approvals.map(({ proposal, hold }) => [proposal, hold])).toEqual([
      [undefined, undefined],
      ['CHG-0149', true],
    ]);
  });

  it.each([
    ['a plain comment keeps it', review('carol', 'COMMENTED', HEAD, 2, 'still reading'), true],
    [
      'a comment about another proposal keeps it',
      review('carol', 'COMMENTED', HEAD, 2, '/netchange approve CHG-0147'),
      true,
    ],
    ['an approving review lifts it', review('carol', 'APPROVED', HEAD, 2), false],
    [
      '/netchange approve of the proposal lifts it',
      review('carol', 'COMMENTED', HEAD, 2, '/netchange approve CHG-0149'),
      false,
    ],
    ['a review requesting changes lifts it', review('carol', 'CHANGES_REQUESTED', HEAD, 2), false],
    ["another reviewer's approval does not lift it", review('erin', 'APPROVED', HEAD, 2), true],
  ])('a hold: %s', (_, later, held) => {
    const reviews = [review('carol', 'COMMENTED', HEAD, 1, '/netchange hold CHG-0149'), later];

    const holds = approvalsFromReviews(reviews, HEAD).filter((approval) => approval.hold);

    expect(holds.length > 0).toBe(held);
  });

  it('keeps a per-proposal approval of an older commit with that commit, and names its reviewer as stale', () => {
    const reviews = [review('carol', 'COMMENTED', OLD, 1, '/netchange approve CHG-0147')];

    expect(approvalsFromReviews(reviews, HEAD)).toEqual([
      { user: 'carol', proposal: 'CHG-0147', commit: OLD, at: '2026-11-23T12:01:00Z' },
    ]);
    expect(staleApprovers(reviews, HEAD)).toEqual(['carol']);
  });

  it("ignores the pull request author's /netchange approve but keeps their hold", () => {
    const reviews = [
      review('Dana', 'COMMENTED', HEAD, 1, '/netchange approve CHG-0147\n/netchange hold CHG-0149'),
    ];

    const approvals = approvalsFromReviews(reviews, HEAD, { author: 'dana' });

    expect(approvals).toEqual([
      { user: 'Dana', proposal: 'CHG-0149', commit: HEAD, hold: true, at: '2026-11-23T12:01:00Z' },
    ]);
  });

  it('withdraws the lines of a dismissed review', () => {
    const reviews = [review('carol', 'DISMISSED', HEAD, 1, '/netchange hold CHG-0149')];

    expect(approvalsFromReviews(reviews, HEAD)).toEqual([]);
  });
});

describe('approvalsFromReviews', () => {
  it('counts the latest review of each user, on the head commit only', () => {
    const reviews = [
      review('alice', 'APPROVED', HEAD, 1),
      review('bob', 'APPROVED', HEAD, 1),
      review('bob', 'CHANGES_REQUESTED', HEAD, 2),
      review('carol', 'APPROVED', OLD, 1),
      review('dave', 'APPROVED', HEAD, 1),
      review('dave', 'COMMENTED', HEAD, 3),
    ];

    const approvals = approvalsFromReviews(reviews, HEAD);

    // why: carol's approval of an older commit is kept with that commit: it does not count, and says why.
    expect(approvals.map((approval) => [approval.user, approval.commit])).toEqual([
      ['alice', HEAD],
      ['carol', OLD],
      ['dave', HEAD],
    ]);
    expect(approvals[0]).toEqual({ user: 'alice', commit: HEAD, at: '2026-11-23T12:01:00Z' });
    expect(staleApprovers(reviews, HEAD)).toEqual(['carol']);
  });

  it('counts an approval of an older commit when stale approvals are allowed', () => {
    const approvals = approvalsFromReviews([review('carol', 'APPROVED', OLD, 1)], HEAD, {
      staleApprovals: true,
    });

    expect(approvals).toEqual([{ user: 'carol', commit: HEAD, at: '2026-11-23T12:01:00Z' }]);
  });

  it('drops an approval that was dismissed later', () => {
    expect(
      approvalsFromReviews(
        [review('alice', 'APPROVED', HEAD, 1), review('alice', 'DISMISSED', HEAD, 2)],
        HEAD,
      ),
    ).toEqual([]);
  });
});

describe('policyTeams', () => {
  it('lists the teams and their GitHub slugs from a policy document', () => {
    expect(
      policyTeams({ teams: { netops: { github: 'acme/netops' }, cab: { members: ['carol'] } } }),
    ).toEqual([{ name: 'netops', github: 'acme/netops' }, { name: 'cab' }]);
  });
});
