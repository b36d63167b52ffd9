/**
 * What netchange posts to a pull request, as plain data: the report comment's body and the check
 * run (conclusion, summary, text, annotations). Pure functions; GitHub's size limits are kept here.
 */
import { createHash } from 'node:crypto';
import { anchorBlock } from '../audit/anchor.js';
import type { ChainTip } from '../audit/chain.js';
import { neutralizeDeep } from '../core/control-characters.js';
import type { Finding } from '../core/findings.js';
import type { ValidationReport } from '../core/model.js';
import { describeStateCounts, worstReviewState } from '../core/review-state.js';
import { formatUtcTime } from '../core/time.js';
import type { Removal } from '../executors/executor.js';
import { executorOfResult } from '../executors/registry.js';
import { heldPlanMarkdown, renderProposalPlanSection } from '../reporters/plan/markdown.js';
import {
  type PlanViews,
  type ProposalPlanView,
  planViewsOf,
  type ReviewRow,
  reviewRows,
} from '../reporters/review/summary.js';
import { renderMarkdown } from '../reporters/validation/markdown.js';
import { noPlanWasMade } from '../runs/merge-plans.js';
import { type PlanDocument, type PlanStatus, planFailed } from '../runs/plan-document.js';
import { GITHUB_LIMITS, truncateToLimit } from './limits.js';
import type { CheckAnnotation, CheckConclusion, CheckRunOutput } from './port.js';

/** The hidden marker that finds netchange's own report comment among all comments. */
export const REPORT_MARKER = '<!-- netchange:report -->';
/** The check run's name, the one branch protection can require. */
export const CHECK_NAME = 'netchange';
/** Annotations sent per report (5 requests of 50); the comment lists every finding. */
export const MAX_ANNOTATIONS = 250;
/** Room left in the comment for the publisher's check marker line. */
const MARKER_ROOM = 200;
/** Lines kept from the end of each diff when diffs move to the check run. */
const DIFF_TAIL_LINES = 40;

/** Everything to post, written to the run directory before anything is sent. */
export interface ComposedReport {
  /** The comment body, marker included, at most 65,536 characters. */
  comment: string;
  check: { name: string; conclusion: CheckConclusion; output: CheckRunOutput };
  /** True when diffs did not fit the comment and moved to the check run's text. */
  overflowed: boolean;
  /**
   * sha256 of everything posted except volatile text: an unchanged digest on the same commit means
   * nothing to send.
   */
  contentHash: string;
}

/**
 * Where the report was made, for the footer. why: a reviewer cannot open a path on a CI runner's
 * disk; in CI the footer links the run and names the artifact the workflow uploads instead.
 */
export interface ReportOrigin {
  /** The CI run (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY/actions/runs/$GITHUB_RUN_ID`), when in CI. */
  runUrl?: string;
  /** The name of the uploaded artifact that holds the run directory, when the workflow uploads one. */
  artifact?: string;
  /** Outside CI: the run directory, repository-relative (never an absolute path). */
  runDirectory?: string;
}

export interface ComposeInput {
  /** Validation at the head commit (approvals from reviews). */
  report?: ValidationReport;
  /**
   * Markdown shown in place of the validation sections when there is no `report` (a caller that
   * rendered its own); with a report, the report is rendered here, table first.
   */
  reportMarkdown?: string;
  /** plan.json of the run, when a plan was made. */
  plan?: PlanDocument;
  /**
   * plan.md of the run, or the plan section carried over from the existing comment; shown after the
   * summary table when there is no plan.json to render each proposal's plan from.
   */
  planMarkdown?: string;
  /** How the plan ended when only its markdown is known (carried over); default `plan.status`. */
  planStatus?: PlanStatus;
  /** Each proposal file's plan digest when only the markdown is known (carried over); default from `plan`. */
  planHashes?: PlanHashes;
  /** Each proposal file's plan in a few words (carried over); default from `plan`. */
  planViews?: PlanViews;
  /** Each proposal file's plan section (carried over); default rendered from `plan`. */
  planParts?: Record<string, string>;
  /** Where the report was made: the CI run and its artifact, or the local run directory. */
  origin?: ReportOrigin;
  /**
   * Text that differs between runs without the result changing (the evaluation instant, run
   * directory paths): left out when deciding whether anything needs to be sent.
   */
  volatile?: readonly string[];
  /** The evidence chain's head, published in the check run's summary as an anchor (not part of the digest). */
  evidenceHead?: ChainTip;
  /**
   * The commit the report is for (the pull request's head, where the check run goes). A plan of
   * another commit is flagged and fails the check.
   */
  headCommit?: string;
}

/**
 * Builds the comment and the check run from a validation report and/or a plan. The comment opens
 * with the summary table (and the removal banner above it), so a cut to GitHub's limit never loses
 * it; each proposal's verdict and plan follow, folded.
 */
export function composeReport(raw: ComposeInput): ComposedReport {
  // why: the plan digests are of the plan as it ran: apply compares them with the plan it makes.
  const planHashes = raw.plan ? planHashesOf(raw.plan) : raw.planHashes;
  // why: titles, file names and diffs come from the pull request; a bidirectional override in one
  // would reorder what the reviewers read (see core/control-characters.ts).
  const input = neutralizeDeep(raw);
  const otherCommit = planOfOtherCommit(input.plan, input.headCommit);
  // why: a plan of another commit shows reviewers diffs the head may not make: it counts as a plan that
  // failed until the head is planned.
  const planStatus = otherCommit ? 'error' : (input.plan?.status ?? input.planStatus);
  // why: a held plan is known from plan.json, or from the carried plan section when a review re-evaluates.
  const held = input.plan?.held?.reason ?? heldReason(input.planMarkdown);
  const planViews = input.plan ? planViewsOf(input.plan) : input.planViews;
  const planKnown =
    input.plan !== undefined || (input.planMarkdown?.trim() ?? '') !== '' || planViews !== undefined;
  const planHeader = `${
    input.plan?.held
      ? `${heldPlanMarkdown(input.plan.held).trim()}${describeShardProblems(input.plan)}`
      : input.plan
        ? describePlan(input.plan)
        : withoutReadyMark(input.planMarkdown?.trim() ?? '')
  }${otherCommit ? describeOtherCommit(otherCommit) : ''}`;
  const planRegion = planKnown
    ? wrapPlan(planHeader.trim(), planStatus ?? 'planned', planHashes, planViews)
    : '';
  const rows = input.report
    ? reviewRows(input.report, {
        codeReviewHeld: held !== undefined,
        ...(planViews && !held ? { plans: planViews } : {}),
      })
    : [];
  const conclusion = checkConclusion(input.report, planStatus, held !== undefined, planViews);
  const headline = describeHeadline(input.report, rows, conclusion, {
    ...(planStatus ? { status: planStatus } : {}),
    ...(input.plan?.problems?.length
      ? { trouble: describePlanTrouble(input.plan) }
      : otherCommit
        ? { trouble: 'the plan is of another commit' }
        : {}),
    ...(held !== undefined ? { held } : {}),
  });
  const footer = renderFooter(headline, input.origin);

  const body = (details: boolean): string => {
    const parts = input.plan
      ? Object.fromEntries(
          input.plan.proposals.map((proposal) => [
            proposal.file,
            renderProposalPlanSection(proposal, { details }),
          ]),
        )
      : (input.planParts ?? {});
    const wrapped = Object.fromEntries(
      Object.entries(parts).map(([file, markdown]) => [file, wrapPart(file, markdown)]),
    );
    if (!input.report)
      return joinSections([input.reportMarkdown?.trim() ?? '', planRegion, ...Object.values(wrapped)]).trim();
    return renderMarkdown(input.report, {
      ...(held !== undefined ? { codeReviewHeld: true } : {}),
      ...(planViews && !held ? { plans: planViews } : {}),
      planSections: wrapped,
      afterTable: planRegion,
    }).trim();
  };

  const full = body(true);
  let comment = joinSections([REPORT_MARKER, full, footer]);
  let text: string | undefined;
  let overflowed = false;
  const commentLimit = GITHUB_LIMITS.body - MARKER_ROOM;
  if (comment.length > commentLimit) {
    // why: never fail because of size: keep the table, every proposal's verdict and plan summary in
    // the comment, move the per-device diffs to the check run's text (counts and the end of each diff).
    overflowed = true;
    const where = describeRunPlace(input.origin);
    const note =
      '> **The full report is longer than a GitHub comment allows.** Per-device diffs (counts and the end of each diff) ' +
      `are in the \`${CHECK_NAME}\` check run's details${where ? `; the complete plan is plan.md in ${where}` : ''}.`;
    comment = joinSections([REPORT_MARKER, body(false), note, footer]);
    if (comment.length > commentLimit)
      comment = truncateToLimit(
        comment,
        commentLimit - footer.length - 2,
        "\n\n… (cut at GitHub's comment limit; see the check run and the run directory)\n",
        { markdown: true },
      ).concat(`\n${footer}\n`);
    text = input.plan
      ? truncateToLimit(
          diffTails(input.plan),
          GITHUB_LIMITS.checkRunText,
          "\n\n… (cut at GitHub's limit; the run directory has everything)\n",
          { markdown: true },
        )
      : undefined;
  }

  const allAnnotations = input.report ? findingAnnotations(input.report) : [];
  // why: 50 annotations per request; beyond MAX_ANNOTATIONS the request budget matters more, and the
  // report comment lists every finding anyway.
  const annotations = allAnnotations.slice(0, MAX_ANNOTATIONS);
  const omitted = allAnnotations.length - annotations.length;
  const summaryBody = joinSections([
    `**${headline}**`,
    omitted > 0 ? `> ${omitted} more findings are not annotated; the report comment lists them all.` : '',
    overflowed ? body(false) : full,
  ]);
  const volatile = [
    ...(input.volatile ?? []),
    ...(input.report ? [formatUtcTime(Date.parse(input.report.evaluatedAt))] : []),
    ...(input.origin?.runUrl ? [input.origin.runUrl] : []),
  ];
  const contentHash = sha256(
    stable(JSON.stringify({ conclusion, comment, summaryBody, text, annotations }), volatile),
  );
  const contentHashLine = `\n<!-- netchange:check ${contentHash} -->`;
  // why: an anchor only; a new evidence record alone is no reason to post the report again.
  const anchor = input.evidenceHead ? `\n\n${anchorBlock(input.evidenceHead)}\n` : '';
  const summary =
    truncateToLimit(
      summaryBody,
      GITHUB_LIMITS.checkRunText - contentHashLine.length - anchor.length,
      '\n\n… (the full report is in the pull request comment)\n',
      { markdown: true },
    ) +
    anchor +
    contentHashLine;
  return {
    comment,
    check: {
      name: CHECK_NAME,
      conclusion,
      output: { title: headline, summary, ...(text ? { text } : {}), annotations },
    },
    overflowed,
    contentHash,
  };
}

/**
 * The check run's conclusion, from the same review states as the table: failure when a proposal is
 * blocked or invalid, a policy file has an error, or the plan failed; action_required when the worst
 * is needs approvals, held or a code review; success only when every proposal is ready.
 */
export function checkConclusion(
  report: ValidationReport | undefined,
  planStatus: PlanStatus | undefined,
  held = false,
  plans?: PlanViews,
): CheckConclusion {
  if (report?.findings.some((finding) => finding.severity === 'error')) return 'failure';
  if (planStatus !== undefined && planFailed(planStatus)) return 'failure';
  if (!report) return held ? 'action_required' : 'success';
  const worst = worstReviewState(
    reviewRows(report, { codeReviewHeld: held, ...(plans && !held ? { plans } : {}) }).map(
      (row) => row.state,
    ),
  );
  if (worst === 'invalid' || worst === 'blocked') return 'failure';
  if (worst !== 'ready') return 'action_required';
  return 'success';
}

/** The comment's and the check run's title: `3 ready, 2 need approvals, 4 blocked`. No ✅ unless all are ready. */
function describeHeadline(
  report: ValidationReport | undefined,
  rows: readonly ReviewRow[],
  conclusion: CheckConclusion,
  plan: { status?: PlanStatus; trouble?: string; held?: string },
): string {
  const { held } = plan;
  if (!report) return held ?? describeConclusion(conclusion);
  const parts = [describeStateCounts(rows.map((row) => row.state))];
  if (report.findings.some((finding) => finding.severity === 'error')) parts.push('policy errors');
  if (plan.trouble) parts.push(plan.trouble);
  else if (plan.status !== undefined && planFailed(plan.status)) parts.push(`plan ${plan.status}`);
  // why: a held plan's reason says which files wait for which review; the counts alone do not.
  return `${parts.join('; ')}${held !== undefined ? ` — ${held}` : ''}`;
}

function describeConclusion(conclusion: CheckConclusion): string {
  switch (conclusion) {
    case 'success':
      return 'nothing stands in the way';
    case 'action_required':
      return 'waiting for a code review';
    case 'failure':
      return 'the plan failed';
    case 'neutral':
      return 'nothing to check';
  }
}

/** `<sub>` footer: the headline, then the CI run and its artifact, or "run locally". */
function renderFooter(headline: string, origin: ReportOrigin | undefined): string {
  const where = origin?.runUrl
    ? `[CI run](${origin.runUrl})${origin.artifact ? ` · artifact [\`${origin.artifact}\`](${origin.runUrl}#artifacts) (plan.json, logs, what was posted)` : ''}`
    : `run locally${origin?.runDirectory ? ` · run directory \`${origin.runDirectory}\`` : ''}`;
  return `<sub>netchange · ${escapeHtml(headline)} · ${where}</sub>`;
}

/** Where the run directory can be found, in words; undefined when nowhere to point at. */
function describeRunPlace(origin: ReportOrigin | undefined): string | undefined {
  if (origin?.artifact) return `the \`${origin.artifact}\` artifact of the CI run`;
  if (origin?.runDirectory) return `\`${origin.runDirectory}\``;
  return undefined;
}

/** The headline's words for a plan whose `--from` directories did not add up. */
function describePlanTrouble(plan: PlanDocument): string {
  return noPlanWasMade(plan) ? 'no plan was made' : 'the shards do not add up';
}

/**
 * The plan's one line after the table: how many proposals were planned, changed, failed; or, when
 * nothing was planned and the `--from` directories say why, that no plan was made and why.
 */
function describePlan(plan: PlanDocument): string {
  const problems = plan.problems ?? [];
  if (noPlanWasMade(plan))
    return ['**No plan was made:**\n', ...problems.map((problem) => `\n- ❌ ${problem}`)].join('');
  const { proposals, changed, failed, errors, cancelled } = plan.summary;
  return [
    `**Plan** · ${proposals} proposal${proposals === 1 ? '' : 's'} planned · ${changed} with changes`,
    failed ? ` · ${failed} failed` : '',
    errors ? ` · ${errors} tool errors` : '',
    cancelled ? ` · ${cancelled} cancelled` : '',
    plan.commit ? ` · commit \`${plan.commit.slice(0, 12)}\`` : '',
    describeShardProblems(plan),
  ].join('');
}

/** The plan's commit and the head's, when the plan was made at another commit than the report is for. */
export function planOfOtherCommit(
  plan: PlanDocument | undefined,
  head: string | undefined,
): { planned: string; head: string } | undefined {
  if (!plan?.commit || !head || plan.commit.toLowerCase() === head.toLowerCase()) return undefined;
  return { planned: plan.commit, head };
}

/** Why the plan shown is not the head's, and what to do. */
function describeOtherCommit(commits: { planned: string; head: string }): string {
  return (
    `\n\n**❌ This plan is of commit \`${commits.planned.slice(0, 12)}\`, not of the pull request's head ` +
    `\`${commits.head.slice(0, 12)}\`:** its diffs may not be what the head would do. Plan the head ` +
    'again (re-run the workflow, or `netchange plan --github` on a checkout of the head).'
  );
}

/**
 * The shards' problems, after the plan's line or a held plan's reason. why: a merged plan whose shards
 * do not add up must say which part of the change nobody planned, held for a code review or not.
 */
function describeShardProblems(plan: PlanDocument): string {
  const problems = plan.problems ?? [];
  if (problems.length === 0) return '';
  return ['\n\n**The shards do not add up:**\n', ...problems.map((problem) => `\n- ❌ ${problem}`)].join('');
}

// why: plan.md marks planned proposals with ✅; in the comment ✅ means a ready proposal only.
function withoutReadyMark(markdown: string): string {
  return markdown.replace(/✅ ?/g, '');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Annotations on the proposal lines that findings point at (errors, warnings, notes). */
export function findingAnnotations(report: ValidationReport): CheckAnnotation[] {
  const findings: Finding[] = [
    ...report.findings,
    ...report.proposals.flatMap((proposal) => proposal.findings),
  ];
  return findings
    .filter((finding) => finding.file && finding.line !== undefined)
    .map((finding) => ({
      path: finding.file,
      startLine: finding.line as number,
      endLine: finding.line as number,
      level: finding.severity === 'error' ? 'failure' : finding.severity === 'warning' ? 'warning' : 'notice',
      title: `${finding.ruleId}${finding.policy ? `: ${finding.policy}` : ''}`,
      message: `${finding.message}${finding.hint ? `\n${finding.hint}` : ''}`,
    }));
}

/** Marks a plan section that ran nothing because the pull request's code awaits review. */
const HELD_MARKER = /<!-- netchange:held (.+?) -->/;

/** The plan section of a held plan (re-exported: plan.ts writes it as plan.md). */
export { heldPlanMarkdown };

function heldReason(planMarkdown: string | undefined): string | undefined {
  return planMarkdown ? HELD_MARKER.exec(planMarkdown)?.[1] : undefined;
}

/** Proposal file → the digest of its plan, as the report comment showed it to the reviewers. */
export type PlanHashes = Record<string, string>;

const PLAN_START =
  /<!-- netchange:plan status=(planned|held|failed|error|cancelled)(?: hashes=([A-Za-z0-9_-]+))?(?: views=([A-Za-z0-9_-]+))? -->\n/;
const PLAN_END = '<!-- /netchange:plan -->';
const PART_START = /<!-- netchange:plan-of ([A-Za-z0-9_-]+) -->\n/g;
const PART_END = '<!-- /netchange:plan-of -->';

// why: the reviewed digests (and each proposal's plan line and removals, for the table and banner)
// travel as data in the section's marker (base64url JSON: a file name may hold anything, even `-->`),
// so apply never reads them back from the prose around them.
function wrapPlan(
  markdown: string,
  status: PlanStatus,
  digests: PlanHashes | undefined,
  views: PlanViews | undefined,
): string {
  const data = digests && Object.keys(digests).length > 0 ? ` hashes=${encodeData(digests)}` : '';
  const viewData = views && Object.keys(views).length > 0 ? ` views=${encodeData(views)}` : '';
  return `<!-- netchange:plan status=${status}${data}${viewData} -->\n${markdown}\n${PLAN_END}`;
}

/** One proposal's plan section, marked so a re-evaluation without a new plan can carry it over. */
function wrapPart(file: string, markdown: string): string {
  return `<!-- netchange:plan-of ${Buffer.from(file).toString('base64url')} -->\n${markdown.trim()}\n${PART_END}`;
}

function encodeData(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function planHashesOf(plan: PlanDocument): PlanHashes {
  return Object.fromEntries(plan.proposals.map((proposal) => [proposal.file, proposal.digest]));
}

/** The plan an existing report comment shows, as a re-evaluation without a new plan carries it over. */
export interface CarriedPlan {
  /** The section after the table: the plan's status line, or the plan held for a code review. */
  markdown: string;
  status: PlanStatus;
  digests?: PlanHashes;
  views?: PlanViews;
  /** Each proposal file's plan section. */
  parts?: Record<string, string>;
}

/**
 * The plan of an existing report comment, so a re-evaluation without a new plan (a review
 * arrived) keeps showing reviewers the diffs and carries the digests they approve.
 */
export function planSection(body: string): CarriedPlan | undefined {
  const start = PLAN_START.exec(body);
  if (!start) return undefined;
  const from = start.index + start[0].length;
  const end = body.indexOf(PLAN_END, from);
  if (end < 0) return undefined;
  const digests = start[2] ? decodeStringRecord(start[2]) : undefined;
  const views = start[3] ? decodePlanViews(start[3]) : undefined;
  const parts: Record<string, string> = {};
  for (const part of body.matchAll(PART_START)) {
    const partFrom = part.index + part[0].length;
    const partEnd = body.indexOf(PART_END, partFrom);
    if (partEnd < 0) continue;
    parts[Buffer.from(part[1] ?? '', 'base64url').toString('utf8')] = body.slice(partFrom, partEnd).trim();
  }
  return {
    markdown: body.slice(from, end).trim(),
    status: start[1] as PlanStatus,
    ...(digests ? { digests } : {}),
    ...(views ? { views } : {}),
    ...(Object.keys(parts).length > 0 ? { parts } : {}),
  };
}

/** The digest the report comment's plan section carries for a proposal file, if any. */
export function reviewedPlanHashOf(body: string, file: string): string | undefined {
  return planSection(body)?.digests?.[file];
}

function decodeJson(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function decodeStringRecord(encoded: string): Record<string, string> | undefined {
  const value = decodeJson(encoded);
  if (!value) return undefined;
  return Object.fromEntries(
    Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function decodePlanViews(encoded: string): PlanViews | undefined {
  const value = decodeJson(encoded);
  if (!value) return undefined;
  const views: PlanViews = {};
  for (const [file, view] of Object.entries(value)) {
    if (view === null || typeof view !== 'object') continue;
    const candidate = view as Partial<ProposalPlanView>;
    if (typeof candidate.line !== 'string' || typeof candidate.status !== 'string') continue;
    views[file] = {
      status: candidate.status,
      line: candidate.line,
      removals: Array.isArray(candidate.removals)
        ? candidate.removals.filter(
            (removal): removal is Removal =>
              typeof removal?.target === 'string' &&
              typeof removal?.what === 'string' &&
              (removal.file === undefined || typeof removal.file === 'string') &&
              (removal.lines === undefined ||
                (Array.isArray(removal.lines) &&
                  removal.lines.every((line: unknown) => typeof line === 'string'))),
          )
        : [],
      ...(typeof candidate.moreRemovals === 'number' ? { moreRemovals: candidate.moreRemovals } : {}),
    };
  }
  return views;
}

/** Per proposal, step and device: counts and the last lines of each diff. */
function diffTails(plan: PlanDocument): string {
  const lines = ['## Per-device diffs', ''];
  for (const proposal of plan.proposals) {
    lines.push(`### ${proposal.id} (\`${proposal.file}\`)`, '');
    for (const step of proposal.steps) {
      lines.push(...executorOfResult(step).diffTails(step, DIFF_TAIL_LINES));
    }
    lines.push('');
  }
  return lines.join('\n');
}

function joinSections(sections: readonly string[]): string {
  return `${sections.filter((section) => section.length > 0).join('\n\n')}\n`;
}

function stable(text: string, volatile: readonly string[]): string {
  let result = text;
  for (const value of volatile) if (value.length > 0) result = result.split(value).join('');
  return result;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
