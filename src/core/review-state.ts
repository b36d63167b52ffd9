/**
 * The one word a reviewer needs per proposal: is it ready, and if not, what stands in the way. The
 * pull-request comment's summary table, the check run's conclusion and `apply --dry-run` all read
 * it from here, so ✅ means the same thing everywhere: ready, and nothing else.
 */
import type { Finding } from './findings.js';
import type { ProposalReport } from './model.js';

/**
 * - `invalid`: the file itself is wrong (YAML, schema, an unknown device or file);
 * - `blocked`: valid, but the policy refuses it (a window, notice, a rule, a change type);
 * - `held`: someone put a hold on it (`/netchange hold …`);
 * - `code-review`: the pull request changes code that runs, and nothing ran until a code owner approves;
 * - `needs-approvals`: nothing is wrong, approvals are missing;
 * - `ready`: valid, allowed, approved.
 */
export type ReviewState = 'invalid' | 'blocked' | 'held' | 'code-review' | 'needs-approvals' | 'ready';

/** Worst first: the order the summary table sorts by and the pull request's overall state takes. */
export const REVIEW_STATES: readonly ReviewState[] = [
  'invalid',
  'blocked',
  'held',
  'code-review',
  'needs-approvals',
  'ready',
];

/** The words a reviewer reads for each state. */
export const REVIEW_STATE_LABELS: Readonly<Record<ReviewState, string>> = {
  invalid: 'invalid',
  blocked: 'blocked',
  held: 'held',
  'code-review': 'code review needed',
  'needs-approvals': 'needs approvals',
  ready: 'ready',
};

/** The `policy` of the error finding a hold adds (ruleId `approval`). */
export const HOLD_POLICY = 'hold';

/** Findings about the file itself rather than about what it asks for. */
const INVALID_RULES = new Set<Finding['ruleId']>(['yaml', 'schema', 'reference', 'lint']);

/**
 * A hold someone or something put on the change: a reviewer's `/netchange hold`, or a live hold
 * (ruleId `hold`: a firing alert or a freeze at its sites, from the holds stage).
 */
export function isHoldFinding(finding: Finding): boolean {
  return (finding.ruleId === 'approval' && finding.policy === HOLD_POLICY) || finding.ruleId === 'hold';
}

export interface ReviewContext {
  /** The plan ran nothing because the pull request's code awaits a code owner's review. */
  codeReviewHeld?: boolean;
}

/** The review state of one proposal from its validation verdict. */
export function reviewStateOf(proposal: ProposalReport, context: ReviewContext = {}): ReviewState {
  const errors = proposal.findings.filter((finding) => finding.severity === 'error');
  if (errors.some((finding) => INVALID_RULES.has(finding.ruleId))) return 'invalid';
  if (errors.some((finding) => !isHoldFinding(finding))) return 'blocked';
  if (errors.length > 0 || (proposal.holds?.length ?? 0) > 0) return 'held';
  // why: a live hold is a warning while the change is reviewed, yet the reviewer must see it held.
  if (proposal.findings.some((finding) => finding.ruleId === 'hold')) return 'held';
  if (context.codeReviewHeld) return 'code-review';
  if (!proposal.approvals.satisfied) return 'needs-approvals';
  return 'ready';
}

/** The worst of several states (`ready` for none). */
export function worstReviewState(states: Iterable<ReviewState>): ReviewState {
  let worst: ReviewState = 'ready';
  for (const state of states) if (REVIEW_STATES.indexOf(state) < REVIEW_STATES.indexOf(worst)) worst = state;
  return worst;
}

/** How a count of proposals in a state reads in the headline and the check run's title. */
const COUNT_WORDS: Readonly<Record<ReviewState, [one: string, many: string]>> = {
  ready: ['ready', 'ready'],
  'needs-approvals': ['needs approvals', 'need approvals'],
  'code-review': ['needs a code review', 'need a code review'],
  held: ['held', 'held'],
  blocked: ['blocked', 'blocked'],
  invalid: ['invalid', 'invalid'],
};

/** `3 ready, 2 need approvals, 1 held, 4 blocked, 4 invalid` (best first; states with none left out). */
export function describeStateCounts(states: readonly ReviewState[]): string {
  const order = [...REVIEW_STATES].reverse();
  const parts = order.flatMap((state) => {
    const count = states.filter((candidate) => candidate === state).length;
    if (count === 0) return [];
    const [one, many] = COUNT_WORDS[state];
    return [`${count} ${count === 1 ? one : many}`];
  });
  return parts.length > 0 ? parts.join(', ') : 'no proposals';
}
