/**
 * Approvals from pull-request reviews, and team membership from GitHub teams: the same `Approval[]`
 * and members map the change-control engine takes from `--approvals FILE` and the policy.
 */
import type { Approval } from '../core/model.js';
import type { GitHubPort, PullRequestReview } from './port.js';

export interface ReviewApprovalOptions {
  /** Count approvals given on an older commit (netchange.yaml `github.staleApprovals`). Default false. */
  staleApprovals?: boolean;
}

/**
 * The latest review of each user decides; an approval counts only when given on `headSha` (a
 * push after the review makes it stale) unless stale approvals are allowed.
 */
export function approvalsFromReviews(
  reviews: readonly PullRequestReview[],
  headSha: string,
  options: ReviewApprovalOptions = {},
): Approval[] {
  const latest = new Map<string, PullRequestReview>();
  for (const review of reviews) {
    // why: like GitHub, a comment-only review neither grants nor withdraws an approval.
    if (review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    const previous = latest.get(review.user);
    if (!previous || (review.submittedAt ?? '') >= (previous.submittedAt ?? ''))
      latest.set(review.user, review);
  }
  const approvals: Approval[] = [];
  for (const review of [...latest.values()].sort((a, b) => a.user.localeCompare(b.user))) {
    if (review.state !== 'APPROVED') continue;
    const current = review.commitId === headSha;
    if (!current && !options.staleApprovals) continue;
    approvals.push({
      user: review.user,
      // why: a stale approval allowed by config is evaluated as if given on the head commit.
      commit: current ? review.commitId : headSha,
      ...(review.submittedAt ? { at: review.submittedAt } : {}),
    });
  }
  return approvals;
}

/** Reviews that were ignored because they approve an older commit (to tell reviewers why). */
export function staleApprovers(reviews: readonly PullRequestReview[], headSha: string): string[] {
  const counted = new Set(approvalsFromReviews(reviews, headSha).map((approval) => approval.user));
  const approvedBefore = approvalsFromReviews(reviews, headSha, { staleApprovals: true }).map(
    (approval) => approval.user,
  );
  return approvedBefore.filter((user) => !counted.has(user));
}

/** A policy team that names a GitHub team (`github: org/slug`). */
export interface PolicyTeam {
  name: string;
  github?: string;
}

/**
 * Members of every policy team that names a GitHub team, from GitHub's team API: team name → logins.
 * Teams without a `github` slug keep the policy's `members`.
 */
export async function teamMembersFromGitHub(
  github: GitHubPort,
  teams: readonly PolicyTeam[],
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  for (const team of teams) {
    if (!team.github?.includes('/')) continue;
    members.set(team.name, await github.listTeamMembers(team.github));
  }
  return members;
}

/** The teams of a change-control policy document (its parsed value), for `teamMembersFromGitHub`. */
export function policyTeams(policy: unknown): PolicyTeam[] {
  if (!policy || typeof policy !== 'object') return [];
  const teams = (policy as { teams?: unknown }).teams;
  if (!teams || typeof teams !== 'object') return [];
  return Object.entries(teams as Record<string, unknown>).map(([name, value]) => {
    const github = value && typeof value === 'object' ? (value as { github?: unknown }).github : undefined;
    return { name, ...(typeof github === 'string' ? { github } : {}) };
  });
}
