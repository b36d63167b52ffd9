import { describe, expect, it } from 'vitest';
import { approvalsFromReviews, policyTeams, staleApprovers } from './approvals.js';
import type { PullRequestReview } from './port.js';

const HEAD = 'h'.repeat(40);
const OLD = 'o'.repeat(40);

function review(
  user: string,
  state: PullRequestReview['state'],
  commitId: string,
  minute: number,
): PullRequestReview {
  return { user, state, commitId, submittedAt: `2026-11-23T12:${String(minute).padStart(2, '0')}:00Z` };
}

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

    expect(approvals.map((approval) => approval.user)).toEqual(['alice', 'dave']);
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
