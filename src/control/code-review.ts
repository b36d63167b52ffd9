import type { ApprovalInput } from './approvals.js';
import { candidatesFor, sameCommit } from './approvals.js';
import type { CompiledChangeControlPolicy } from './compile-policy.js';

/** Whether a pull request's changed code may run, by the approvals of the policy's code reviewers. */
export interface CodeReviewVerdict {
  /** The teams trusted with code (`codeReviewers`, default the policy owners). */
  reviewers: string[];
  /** Code reviewers who approved the evaluated commit. */
  approvedBy: string[];
  /** True when at least one code reviewer approved the evaluated commit. */
  trusted: boolean;
}

/**
 * One approval of the evaluated commit by a member of a `codeReviewers` team trusts the pull
 * request's code. An approval recorded for another commit never counts: code pushed after the review
 * was not reviewed. `policy` is the policy in force (the base's), so a pull request cannot name its
 * own reviewers.
 */
export function evaluateCodeReview(
  policy: CompiledChangeControlPolicy,
  input: Omit<ApprovalInput, 'requester'>,
): CodeReviewVerdict {
  const reviewers = policy.codeReviewers;
  const eligible = new Map(candidatesFor(policy, reviewers, input.members));
  const approvedBy = new Set<string>();
  for (const approval of input.approvals) {
    // why: code is reviewed for the whole pull request; a hold or one proposal's approval is not that.
    if (approval.hold || approval.proposal !== undefined) continue;
    const login = eligible.get(approval.user.toLowerCase());
    if (login === undefined) continue;
    if (
      input.commit !== undefined &&
      approval.commit !== undefined &&
      !sameCommit(approval.commit, input.commit)
    )
      continue;
    approvedBy.add(login);
  }
  return { reviewers, approvedBy: [...approvedBy].sort(), trusted: approvedBy.size > 0 };
}
