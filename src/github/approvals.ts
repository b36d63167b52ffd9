/**
 * Approvals from pull-request reviews, and team membership from GitHub teams: the same `Approval[]`
 * and members map the change-control engine takes from `--approvals FILE` and the policy.
 */
import type { Approval } from '../core/model.js';
import type { GitHubPort, PullRequestReview } from './port.js';

export interface ReviewApprovalOptions {
  /** Count approvals given on an older commit (netchange.yaml `github.staleApprovals`). Default false. */
  staleApprovals?: boolean;
  /**
   * Keep approvals and holds given on an older commit, with that commit, so the evaluation can
   * explain per proposal that they do not count. Default true; `staleApprovers` turns it off.
   */
  keepStale?: boolean;
  /**
   * The pull request's author: their `/netchange approve` lines never count. why: GitHub refuses
   * an author's approving review, and a comment review must not be the way around that.
   */
  author?: string;
}

/** The `/netchange approve|hold ID…` lines of one review body. */
export interface ReviewCommands {
  /** Proposal ids the review approves. */
  approve: string[];
  /** Proposal ids the review holds (a hold wins over an approve of the same id in one review). */
  hold: string[];
}

const COMMAND_LINE = /^\s*\/netchange\s+(approve|hold)\b(.*)$/i;
/** The proposal schema's id pattern. */
const PROPOSAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Reads `/netchange approve CHG-2026-0147` and `/netchange hold CHG-2026-0149` lines: the command is
 * case-insensitive, a line may name several ids (separated by spaces or commas), a body may have
 * several lines. The ids end at the first word that cannot be an id (`—`, `#`, `(`): the rest of the
 * line is a reason. Ids are kept as written (proposal ids are compared exactly).
 */
export function reviewCommands(body: string | undefined): ReviewCommands {
  const commands: ReviewCommands = { approve: [], hold: [] };
  for (const line of (body ?? '').split(/\r?\n/)) {
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const verb = match[1]!.toLowerCase() as 'approve' | 'hold';
    for (const id of match[2]!.split(/[\s,]+/)) {
      if (id === '') continue;
      // why: the first word that cannot be an id (—, #, "(") starts a reason: "hold CHG-1 — vendor".
      if (!PROPOSAL_ID.test(id)) break;
      if (!commands[verb].includes(id)) commands[verb].push(id);
    }
  }
  commands.approve = commands.approve.filter((id) => !commands.hold.includes(id));
  return commands;
}

/**
 * Approvals and holds from reviews, per proposal. For each reviewer and each proposal, the
 * reviewer's latest review that speaks about it decides: a review speaks about every proposal when
 * it approves, requests changes or was dismissed (GitHub's verdict on the whole pull request), and
 * about the proposals its `/netchange approve|hold` lines name. That review approves the proposal
 * (an approving review, or `/netchange approve ID`), holds it (`/netchange hold ID`), or neither.
 * So an approving review with `/netchange hold X` approves everything but X and holds X; a later
 * approving review or `/netchange approve X` lifts the hold; a plain comment changes nothing.
 * A dismissed review's lines are withdrawn with it. Only reviews on `headSha` count (a push after
 * the review makes it stale) unless stale approvals are allowed.
 */
export function approvalsFromReviews(
  reviews: readonly PullRequestReview[],
  headSha: string,
  requested: ReviewApprovalOptions = {},
): Approval[] {
  const options = { keepStale: true, ...requested };
  const byUser = new Map<string, PullRequestReview[]>();
  for (const review of reviews) {
    if (review.state === 'PENDING') continue;
    const list = byUser.get(review.user) ?? [];
    list.push(review);
    byUser.set(review.user, list);
  }
  const approvals: Approval[] = [];
  for (const user of [...byUser.keys()].sort((a, b) => a.localeCompare(b))) {
    // why: a stable sort keeps GitHub's order (oldest first) for reviews submitted in the same second.
    const ordered = [...byUser.get(user)!].sort((a, b) =>
      (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''),
    );
    let whole: PullRequestReview | undefined;
    const scoped = new Map<string, { review: PullRequestReview; hold: boolean }>();
    for (const review of ordered) {
      const wholeVerdict = review.state !== 'COMMENTED';
      if (wholeVerdict) {
        whole = review;
        // why: the pull request's verdict replaces this user's earlier word on each proposal.
        scoped.clear();
      }
      if (review.state === 'DISMISSED') continue;
      const commands = reviewCommands(review.body);
      const ownPullRequest = options.author !== undefined && sameLogin(user, options.author);
      if (!ownPullRequest) for (const id of commands.approve) scoped.set(id, { review, hold: false });
      for (const id of commands.hold) scoped.set(id, { review, hold: true });
    }
    const counted = (review: PullRequestReview): string | undefined => {
      if (review.commitId === headSha) return review.commitId;
      // why: a stale approval allowed by config is evaluated as if given on the head commit.
      if (options.staleApprovals) return headSha;
      // why: kept with its own commit, a stale approval does not count, but each proposal it was
      // for says why ("approval by carol was given for another commit"), as with --approvals FILE.
      return options.keepStale && review.commitId !== '' ? review.commitId : undefined;
    };
    const at = (review: PullRequestReview) => (review.submittedAt ? { at: review.submittedAt } : {});
    if (whole?.state === 'APPROVED') {
      const commit = counted(whole);
      if (commit) approvals.push({ user, commit, ...at(whole) });
    }
    for (const [proposal, { review, hold }] of [...scoped].sort(([a], [b]) => a.localeCompare(b))) {
      const commit = counted(review);
      if (!commit) continue;
      approvals.push({ user, proposal, commit, ...(hold ? { hold: true } : {}), ...at(review) });
    }
  }
  return approvals;
}

function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/**
 * Reviewers whose approval (of the pull request, or of one proposal) was given on an older commit
 * and does not count, to tell reviewers why.
 */
export function staleApprovers(reviews: readonly PullRequestReview[], headSha: string): string[] {
  const key = (approval: Approval) => `${approval.user}\u0000${approval.proposal ?? ''}`;
  const counted = new Set(
    approvalsFromReviews(reviews, headSha, { keepStale: false })
      .filter((approval) => !approval.hold)
      .map(key),
  );
  const stale = approvalsFromReviews(reviews, headSha, { staleApprovals: true }).filter(
    (approval) => !approval.hold && !counted.has(key(approval)),
  );
  return [...new Set(stale.map((approval) => approval.user))];
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
