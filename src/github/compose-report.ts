/**
 * What netchange posts to a pull request, as plain data: the report comment's body and the check
 * run (conclusion, summary, text, annotations). Pure functions; GitHub's size limits are kept here.
 */
import { createHash } from 'node:crypto';
import { anchorBlock } from '../audit/anchor.js';
import type { ChainTip } from '../audit/chain.js';
import type { Finding } from '../core/findings.js';
import type { ValidationReport } from '../core/model.js';
import { executorOfResult } from '../executors/registry.js';
import type { HeldPlan, PlanDocument, PlanStatus } from '../runs/plan-document.js';
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

export interface ComposeInput {
  /** Validation at the head commit (approvals from reviews). */
  report?: ValidationReport;
  /** Markdown of the validation report (the lead's `renderMarkdown(report)`). */
  reportMarkdown?: string;
  /** plan.json of the run, when a plan was made. */
  plan?: PlanDocument;
  /** plan.md of the run (or the plan section carried over from the existing comment). */
  planMarkdown?: string;
  /** How the plan ended when only its markdown is known (carried over); default `plan.status`. */
  planStatus?: PlanStatus;
  /** Each proposal file's plan digest when only the markdown is known (carried over); default from `plan`. */
  planHashes?: PlanHashes;
  /** Where the run's artifacts are, for the "full plan" pointer. */
  artifacts?: string;
  /**
   * Text that differs between runs without the result changing (the evaluation instant, run
   * directory paths): left out when deciding whether anything needs to be sent.
   */
  volatile?: readonly string[];
  /** The evidence chain's head, published in the check run's summary as an anchor (not part of the digest). */
  evidenceHead?: ChainTip;
}

/** Builds the comment and the check run from a validation report and/or a plan. */
export function composeReport(input: ComposeInput): ComposedReport {
  const planStatus = input.plan?.status ?? input.planStatus;
  // why: a held plan is known from plan.json, or from the carried plan section when a review re-evaluates.
  const held = input.plan?.held?.reason ?? heldReason(input.planMarkdown);
  const conclusion = checkConclusion(input.report, planStatus, held !== undefined);
  const headline =
    held !== undefined && conclusion === 'action_required' ? held : describeConclusion(conclusion);
  const validation = input.reportMarkdown?.trim() ?? '';
  const planHashes = input.plan ? planHashesOf(input.plan) : input.planHashes;
  const plan = input.planMarkdown?.trim()
    ? wrapPlan(input.planMarkdown.trim(), planStatus ?? 'planned', planHashes)
    : '';
  const footer = `<sub>netchange · ${headline}${input.artifacts ? ` · artifacts: \`${input.artifacts}\`` : ''}</sub>`;

  let comment = joinSections([REPORT_MARKER, validation, plan, footer]);
  let text: string | undefined;
  let overflowed = false;
  const commentLimit = GITHUB_LIMITS.body - MARKER_ROOM;
  if (comment.length > commentLimit) {
    // why: never fail because of size: keep every proposal's verdict and plan summary in the comment,
    // move the per-device diffs to the check run's text (counts and the end of each diff).
    overflowed = true;
    const note =
      '> **The full report is longer than a GitHub comment allows.** Per-device diffs (counts and the end of each diff) ' +
      `are in the \`${CHECK_NAME}\` check run's details${input.artifacts ? `; the complete plan is in \`${input.artifacts}/plan.md\`` : ''}.`;
    const compactPlan = input.plan
      ? wrapPlan(compactPlanMarkdown(input.plan), input.plan.status, planHashes)
      : '';
    comment = joinSections([REPORT_MARKER, note, validation, compactPlan, footer]);
    if (comment.length > commentLimit)
      comment = truncateToLimit(
        comment,
        commentLimit,
        "\n\n… (cut at GitHub's comment limit; see the check run and the run directory)\n",
      );
    text = input.plan
      ? truncateToLimit(
          diffTails(input.plan),
          GITHUB_LIMITS.checkRunText,
          "\n\n… (cut at GitHub's limit; the run directory has everything)\n",
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
    held !== undefined && validation ? plan : '',
    validation || plan,
  ]);
  const contentHash = sha256(
    stable(JSON.stringify({ conclusion, comment, summaryBody, text, annotations }), input.volatile ?? []),
  );
  const contentHashLine = `\n<!-- netchange:check ${contentHash} -->`;
  // why: an anchor only; a new evidence record alone is no reason to post the report again.
  const anchor = input.evidenceHead ? `\n\n${anchorBlock(input.evidenceHead)}\n` : '';
  const summary =
    truncateToLimit(
      summaryBody,
      GITHUB_LIMITS.checkRunText - contentHashLine.length - anchor.length,
      '\n\n… (the full report is in the pull request comment)\n',
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
 * failure: a proposal has an error finding or its plan failed; action_required: approvals are
 * missing, or the plan is held until a code reviewer approves the pull request's code; success otherwise.
 */
export function checkConclusion(
  report: ValidationReport | undefined,
  planStatus: PlanStatus | undefined,
  held = false,
): CheckConclusion {
  const hasErrors =
    (report?.findings.some((finding) => finding.severity === 'error') ?? false) ||
    (report?.proposals.some((proposal) =>
      proposal.findings.some((finding) => finding.severity === 'error'),
    ) ??
      false) ||
    (planStatus !== undefined && planStatus !== 'planned');
  if (hasErrors) return 'failure';
  if (held) return 'action_required';
  if (report?.proposals.some((proposal) => !proposal.approvals.satisfied)) return 'action_required';
  if (report && !report.ok) return 'failure';
  return 'success';
}

function describeConclusion(conclusion: CheckConclusion): string {
  switch (conclusion) {
    case 'success':
      return 'all proposals pass';
    case 'action_required':
      return 'valid; waiting for approvals';
    case 'failure':
      return 'changes need attention';
    case 'neutral':
      return 'nothing to check';
  }
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

/**
 * The plan section of a held plan: why nothing ran, the changed files, and who may approve them.
 * Carries a marker, so a later re-evaluation (a review arrived) still knows the plan was held.
 */
export function heldPlanMarkdown(held: HeldPlan): string {
  const teams = held.reviewers.length > 0 ? held.reviewers.join(', ') : 'a code reviewer';
  return [
    `<!-- netchange:held ${held.reason.replace(/--/g, '—')} -->`,
    '## netchange plan: waiting for a code review',
    '',
    `> **${capitalise(held.reason)}.** This pull request changes files that can change what runs, so netchange ran no step. When a member of ${teams} approves the head commit, plan runs.`,
    '',
    ...held.files.map((file) => `- \`${file}\``),
    '',
  ].join('\n');
}

function heldReason(planMarkdown: string | undefined): string | undefined {
  return planMarkdown ? HELD_MARKER.exec(planMarkdown)?.[1] : undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Proposal file → the digest of its plan, as the report comment showed it to the reviewers. */
export type PlanHashes = Record<string, string>;

const PLAN_START =
  /<!-- netchange:plan status=(planned|failed|error|cancelled)(?: hashes=([A-Za-z0-9_-]+))? -->\n/;
const PLAN_END = '<!-- /netchange:plan -->';

// why: the reviewed digests travel as data in the section's marker (base64url JSON: a file name may
// hold anything, even `-->`), so apply never reads them back from the prose around them.
function wrapPlan(markdown: string, status: PlanStatus, digests: PlanHashes | undefined): string {
  const data =
    digests && Object.keys(digests).length > 0
      ? ` hashes=${Buffer.from(JSON.stringify(digests)).toString('base64url')}`
      : '';
  return `<!-- netchange:plan status=${status}${data} -->\n${markdown}\n${PLAN_END}`;
}

function planHashesOf(plan: PlanDocument): PlanHashes {
  return Object.fromEntries(plan.proposals.map((proposal) => [proposal.file, proposal.digest]));
}

/**
 * The plan section of an existing report comment, so a re-evaluation without a new plan (a review
 * arrived) keeps showing reviewers the diffs and carries the digests they approve.
 */
export function planSection(
  body: string,
): { markdown: string; status: PlanStatus; digests?: PlanHashes } | undefined {
  const start = PLAN_START.exec(body);
  if (!start) return undefined;
  const from = start.index + start[0].length;
  const end = body.indexOf(PLAN_END, from);
  if (end < 0) return undefined;
  const digests = start[2] ? decodePlanHashes(start[2]) : undefined;
  return {
    markdown: body.slice(from, end).trim(),
    status: start[1] as PlanStatus,
    ...(digests ? { digests } : {}),
  };
}

/** The digest the report comment's plan section carries for a proposal file, if any. */
export function reviewedPlanHashOf(body: string, file: string): string | undefined {
  return planSection(body)?.digests?.[file];
}

function decodePlanHashes(encoded: string): PlanHashes | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const entries = Object.entries(value).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    return Object.fromEntries(entries);
  } catch {
    return undefined;
  }
}

/** Per proposal: status, digest and per-host counts, without diffs. */
function compactPlanMarkdown(plan: PlanDocument): string {
  const lines = ['## netchange plan (summary)', ''];
  for (const proposal of plan.proposals) {
    lines.push(
      `**${proposal.id}** \`${proposal.file}\` · ${proposal.status}${proposal.changed ? ' · changes' : ' · no changes'} · digest \`${proposal.digest}\``,
    );
    for (const step of proposal.steps) {
      const counts = executorOfResult(step).counts(step);
      lines.push(
        `- ${step.index + 1}. ${step.name} (${step.kind}) — ${step.status}${counts.length ? `: ${counts.join('; ')}` : ''}`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
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
