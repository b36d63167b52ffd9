/**
 * The reviewer's first screen: one row per proposal (state, what, when, window, who still has to
 * approve, the plan in a few words) and a banner naming everything the pull request destroys or
 * removes. `validate --format markdown` and the pull-request comment both open with it. Pure.
 *
 * State markers (✅ means ready and nothing else, in the comment and the check run alike):
 * ✅ ready · ⏳ needs approvals · 🔍 code review needed · ✋ held · ⛔ blocked · ❌ invalid.
 */
import type { ApprovalRequirement, ProposalReport, ValidationReport } from '../../core/model.js';
import {
  REVIEW_STATE_LABELS,
  REVIEW_STATES,
  type ReviewState,
  reviewStateOf,
} from '../../core/review-state.js';
import { formatSpanLocalAndUtc } from '../../core/time.js';
import type { Removal } from '../../executors/executor.js';
import { executorOfResult } from '../../executors/registry.js';
import type { PlanDocument, PlanStatus, ProposalPlan } from '../../runs/plan-document.js';

/** The marker before each state's words; ✅ only for ready. */
export const REVIEW_STATE_MARKERS: Readonly<Record<ReviewState, string>> = {
  invalid: '❌',
  blocked: '⛔',
  held: '✋',
  'code-review': '🔍',
  'needs-approvals': '⏳',
  ready: '✅',
};

/** Banner entries shown before "and N more". */
export const MAX_BANNER_REMOVALS = 10;

/** One proposal's plan, as the table and the banner need it (carried in the comment between runs). */
export interface ProposalPlanView {
  status: PlanStatus;
  /** `2 hosts change`, `+3 ~1 −2`, `no changes`, `plan failed`. */
  line: string;
  /** What it destroys or removes, the first {@link MAX_BANNER_REMOVALS}. */
  removals: Removal[];
  /** How many more it removes than `removals` lists. */
  moreRemovals?: number;
}

/** Proposal file → its plan view. */
export type PlanViews = Record<string, ProposalPlanView>;

/** One row of the summary table. */
export interface ReviewRow {
  proposal: ProposalReport;
  state: ReviewState;
  /** Undefined when the pull request was not planned at all (the Plan column is left out). */
  plan?: string;
}

export interface ReviewOptions {
  /** The plan ran nothing because the pull request's code awaits a code owner's review. */
  codeReviewHeld?: boolean;
  /**
   * Each planned proposal's plan, by file; a proposal missing here reads "not planned". Undefined:
   * no plan at all, the table has no Plan column.
   */
  plans?: PlanViews;
}

/** Each proposal's plan in a few words and what it removes, from plan.json. */
export function planViewsOf(plan: PlanDocument): PlanViews {
  return Object.fromEntries(plan.proposals.map((proposal) => [proposal.file, planViewOf(proposal)]));
}

function planViewOf(proposal: ProposalPlan): ProposalPlanView {
  const all = proposal.steps.flatMap((step) => executorOfResult(step).removals(step));
  // why: the views travel in the comment's marker; a plan deleting a thousand resources must not fill it.
  const removals = all.slice(0, MAX_BANNER_REMOVALS);
  const more = all.length - removals.length;
  const base = { removals, ...(more > 0 ? { moreRemovals: more } : {}) };
  if (proposal.status !== 'planned')
    return {
      ...base,
      status: proposal.status,
      line: `plan ${proposal.status === 'error' ? 'tool error' : proposal.status}`,
    };
  const lines = proposal.steps.flatMap((step) => {
    const line = executorOfResult(step).changeLine(step);
    return line ? [proposal.steps.length > 1 ? `${step.kind} ${line}` : line] : [];
  });
  return { ...base, status: proposal.status, line: lines.length > 0 ? lines.join(', ') : 'no changes' };
}

/**
 * The rows, worst state first (file order within a state). A proposal whose plan failed is blocked:
 * there is no plan a reviewer could approve.
 */
export function reviewRows(report: ValidationReport, options: ReviewOptions = {}): ReviewRow[] {
  const rows = report.proposals.map((proposal): ReviewRow => {
    let state = reviewStateOf(proposal, { codeReviewHeld: options.codeReviewHeld === true });
    const plan = options.plans?.[proposal.file];
    if (plan && plan.status !== 'planned' && (state === 'ready' || state === 'needs-approvals'))
      state = 'blocked';
    const line = options.plans
      ? (plan?.line ?? (options.codeReviewHeld ? 'held for code review' : 'not planned'))
      : undefined;
    return { proposal, state, ...(line !== undefined ? { plan: line } : {}) };
  });
  return rows
    .map((row, index) => ({ row, index }))
    .sort(
      (left, right) =>
        REVIEW_STATES.indexOf(left.row.state) - REVIEW_STATES.indexOf(right.row.state) ||
        left.index - right.index,
    )
    .map(({ row }) => row);
}

/** `⏳ needs approvals`. */
export function stateBadge(state: ReviewState): string {
  return `${REVIEW_STATE_MARKERS[state]} ${REVIEW_STATE_LABELS[state]}`;
}

/** The summary table, one row per proposal. */
export function renderSummaryTable(rows: readonly ReviewRow[]): string {
  const withPlan = rows.some((row) => row.plan !== undefined);
  const header = ['State', 'Proposal', 'Type', 'Risk', 'When', 'Window', 'Still to approve'];
  if (withPlan) header.push('Plan');
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const { proposal } = row;
    const cells = [
      `${REVIEW_STATE_MARKERS[row.state]} **${REVIEW_STATE_LABELS[row.state]}**`,
      `**${escapeCell(proposal.id)}**${proposal.title ? ` ${escapeCell(proposal.title)}` : ''}`,
      proposal.type ?? '—',
      proposal.risk?.effective ?? '—',
      describeWhen(proposal) ?? '—',
      escapeCell(describeWindowState(proposal) ?? '—'),
      escapeCell(describeStillToApprove(proposal) || '—'),
    ];
    if (withPlan) cells.push(escapeCell(row.plan ?? 'not planned'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * A caution banner naming what the pull request destroys or removes (at most
 * {@link MAX_BANNER_REMOVALS} entries, then "and N more"); empty when nothing goes.
 */
export function renderRemovalBanner(
  report: ValidationReport | undefined,
  plans: PlanViews | undefined,
): string {
  if (!plans) return '';
  const idOf = new Map((report?.proposals ?? []).map((proposal) => [proposal.file, proposal.id]));
  const entries = Object.entries(plans).flatMap(([file, view]) =>
    view.removals.map((removal) => `${escapeCell(idOf.get(file) ?? file)}: ${describeRemoval(removal)}`),
  );
  if (entries.length === 0) return '';
  const shown = entries.slice(0, MAX_BANNER_REMOVALS);
  const total =
    entries.length + Object.values(plans).reduce((sum, view) => sum + (view.moreRemovals ?? 0), 0);
  const more = total - shown.length;
  return [
    '> [!CAUTION]',
    `> **This pull request destroys or removes ${total === 1 ? 'something' : `${total} things`}:**`,
    ...shown.map((entry) => `> - ${entry}`),
    ...(more > 0 ? [`> - and ${more} more (see each proposal's plan)`] : []),
  ].join('\n');
}

/** `delete \`terraform_data.x\``, `remove 2 configuration lines from \`sw-1\` (\`state/sw-1.cfg\`): \`…\``. */
export function describeRemoval(removal: Removal): string {
  const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;
  const file = removal.file ? ` (${code(removal.file)})` : '';
  const lines = removal.lines?.length ? `: ${removal.lines.map(code).join(', ')}` : '';
  return `${removal.what} ${code(removal.target)}${file}${lines}`;
}

/** The schedule, local time with UTC. */
export function describeWhen(proposal: ProposalReport): string | undefined {
  if (!proposal.schedule) return undefined;
  const { start, end, timezone } = proposal.schedule;
  return formatSpanLocalAndUtc(Date.parse(start), Date.parse(end), timezone);
}

/**
 * `open`, `blocked by <windows>`, or `bypassed (emergency)`. why: the windows stage may not set
 * `bypassed` (older reports); an emergency outside its windows that is not blocked is bypassing them.
 */
export function describeWindowState(proposal: ProposalReport): string | undefined {
  const windows = proposal.windows;
  if (!windows) return undefined;
  if (windows.open) return 'open';
  const bypassed = windows.bypassed ?? proposal.type === 'emergency';
  if (bypassed) return 'bypassed (emergency)';
  const blocking = [
    ...new Set(
      proposal.findings
        .filter((finding) => finding.ruleId === 'window' && finding.severity === 'error' && finding.policy)
        .map((finding) => finding.policy as string),
    ),
  ];
  const names = blocking.length > 0 ? blocking : windows.overlapping;
  return names.length > 0 ? `blocked by ${names.join(', ')}` : 'blocked';
}

/** `1 of netops (alice, bob); 2 of cab (carol, dave, erin); held by carol`. */
export function describeStillToApprove(proposal: ProposalReport): string {
  const parts = proposal.approvals.required
    .filter((requirement) => !requirement.satisfied)
    .map(describeMissingApproval);
  const holders = [...new Set((proposal.holds ?? []).map((hold) => hold.user))];
  if (holders.length > 0) parts.push(`held by ${holders.join(', ')}`);
  return parts.join('; ');
}

function describeMissingApproval(requirement: ApprovalRequirement): string {
  const missing = Math.max(1, requirement.count - requirement.approvedBy.length);
  const group = requirement.team
    ? `of ${requirement.team}`
    : requirement.role
      ? `of the ${requirement.role} team`
      : (requirement.reason.split(':')[0] ?? 'approval');
  const who = requirement.eligible.length > 0 ? requirement.eligible.join(', ') : 'nobody eligible';
  return `${missing}${requirement.approvedBy.length > 0 ? ' more' : ''} ${group} (${who})`;
}

// why: proposal text is user input; inside a table cell it must not end the cell, start HTML or
// mention anyone.
export function escapeCell(text: string): string {
  return text
    .replace(/[\\`*_{}[\]<>|]/g, (character) => `\\${character}`)
    .replace(/@(?=\w)/g, '@\u200b')
    .replace(/\s+/g, ' ');
}
