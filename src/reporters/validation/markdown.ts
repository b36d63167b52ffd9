import type { Finding } from '../../core/findings.js';
import type { ProposalReport, ValidationReport } from '../../core/model.js';
import { describeStateCounts, REVIEW_STATE_LABELS, type ReviewState } from '../../core/review-state.js';
import { formatLocalAndUtc, formatUtcTime } from '../../core/time.js';
import {
  describeStillToApprove,
  describeWindowState,
  type PlanViews,
  REVIEW_STATE_MARKERS,
  renderRemovalBanner,
  renderSummaryTable,
  reviewRows,
} from '../review/summary.js';
import {
  approvalStatus,
  describeNextAllowed,
  describeRequirement,
  describeRisk,
  describeSchedule,
} from './describe.js';

/** What the pull-request comment adds to the validation report. */
export interface MarkdownOptions {
  /** The plan ran nothing because the pull request's code awaits a code owner's review. */
  codeReviewHeld?: boolean;
  /** Each planned proposal's plan in a few words, by file (adds the table's Plan column and the banner). */
  plans?: PlanViews;
  /** Each proposal's plan section, by file, shown inside its details block. */
  planSections?: Readonly<Record<string, string>>;
  /** Markdown placed right after the table (the plan's status, a plan held for code review). */
  afterTable?: string;
}

/**
 * `--format markdown` and the pull-request comment: what the change advisory board reads. The
 * summary table comes first (it must survive any cut to GitHub's size limit), then each proposal's
 * details folded away. A pure function; the GitHub module adds the marker, footer and limits.
 */
export function renderMarkdown(report: ValidationReport, options: MarkdownOptions = {}): string {
  const rows = reviewRows(report, {
    ...(options.codeReviewHeld ? { codeReviewHeld: true } : {}),
    ...(options.plans ? { plans: options.plans } : {}),
  });
  const sections = [
    `### netchange: ${describeStateCounts(rows.map((row) => row.state))}`,
    renderRemovalBanner(report, options.plans),
    renderSummaryTable(rows),
    `<sub>${report.summary.proposals} proposal${report.summary.proposals === 1 ? '' : 's'} · evaluated as of ${formatUtcTime(Date.parse(report.evaluatedAt))} · netchange ${report.tool.version}</sub>`,
    options.afterTable ?? '',
  ];
  if (report.findings.length > 0) sections.push(`**Policy findings**\n\n${findingList(report.findings)}`);
  for (const row of rows)
    sections.push(renderProposalDetails(row.proposal, row.state, options.planSections?.[row.proposal.file]));
  if (report.withdrawn.length > 0) {
    sections.push(
      `**Withdrawn**\n\n${report.withdrawn.map((item) => `- \`${item.file}\`${item.id ? ` ${escapeMarkdown(item.id)}` : ''}`).join('\n')}`,
    );
  }
  return `${sections.filter((section) => section.length > 0).join('\n\n')}\n`;
}

/** One proposal folded: the summary line names it and its state; inside, its verdict and its plan. */
export function renderProposalDetails(proposal: ProposalReport, state: ReviewState, plan?: string): string {
  return [
    `<details><summary><b>${escapeHtml(proposal.id)}</b> · ${REVIEW_STATE_MARKERS[state]} ${REVIEW_STATE_LABELS[state]}${proposal.title ? ` · ${escapeHtml(proposal.title)}` : ''}</summary>`,
    '',
    renderProposal(proposal),
    ...(plan ? ['', plan.trim()] : []),
    '',
    '</details>',
  ].join('\n');
}

/** One proposal's verdict: risk, schedule, window, approvals, autonomy, findings. */
export function renderProposal(proposal: ProposalReport): string {
  const rows: [string, string][] = [['File', `\`${proposal.file}\``]];
  if (proposal.type)
    rows.push([
      'Type',
      `${proposal.type}${proposal.domain ? ` · domain ${escapeMarkdown(proposal.domain)}` : ''}`,
    ]);
  if (proposal.requester)
    rows.push(['Requester', `@${proposal.requester.github} (${escapeMarkdown(proposal.requester.team)})`]);
  const risk = describeRisk(proposal);
  if (risk) rows.push(['Risk', escapeMarkdown(risk)]);
  const schedule = describeSchedule(proposal);
  if (schedule) rows.push(['When', escapeMarkdown(schedule)]);
  const window = describeWindowState(proposal);
  if (window) {
    // why: the next allowed start is shown once per proposal, here, and only when it is blocked: an
    // emergency that bypasses its windows is not offered a later slot.
    const next = window.startsWith('blocked') ? describeNextAllowed(proposal) : undefined;
    const overlapping =
      window === 'open' && proposal.windows?.overlapping.length
        ? ` (${proposal.windows.overlapping.join(', ')})`
        : '';
    rows.push([
      'Window',
      escapeMarkdown(
        `${window}${overlapping}${window.startsWith('blocked') ? (next ? ` · next allowed start ${next}` : ' · no allowed slot within the horizon') : ''}`,
      ),
    ]);
  }
  if (proposal.autonomy) rows.push(['Autonomy', escapeMarkdown(proposal.autonomy.message)]);
  if (proposal.retrospectiveDue)
    rows.push([
      'Retrospective',
      `due by ${formatLocalAndUtc(Date.parse(proposal.retrospectiveDue), proposal.schedule?.timezone)}`,
    ]);
  if (proposal.controls && proposal.controls.length > 0)
    rows.push(['Controls', escapeMarkdown(describeControls(proposal.controls))]);
  const status = approvalStatus(proposal);
  const still = describeStillToApprove(proposal);
  if (status !== 'none' || still)
    rows.push([
      'Approvals',
      status === 'satisfied' && !still ? 'satisfied' : `**waiting** for ${escapeMarkdown(still)}`,
    ]);

  const parts = [`| | |\n|---|---|\n${rows.map(([key, value]) => `| ${key} | ${value} |`).join('\n')}`];
  if (status !== 'none') {
    parts.push(
      proposal.approvals.required
        .map(
          (requirement) =>
            `- ${requirement.satisfied ? 'approved' : '**waiting**'}: ${escapeMarkdown(describeRequirement(requirement))}`,
        )
        .join('\n'),
    );
  }
  if (proposal.findings.length > 0) parts.push(findingList(proposal.findings));
  return parts.join('\n\n');
}

/**
 * `PCI-DSS-4.0 6.5.1 passed (rollback-plan); PCI-DSS-4.0 1.2.2 waived (plant-a-production)`: each
 * control once, with the outcomes of the rules that serve it. why: the board reads which controls
 * the change exercised; the rule names say where to look in the policy.
 */
function describeControls(controls: NonNullable<ProposalReport['controls']>): string {
  const byControl = new Map<string, string[]>();
  for (const control of controls) {
    const key = `${control.framework} ${control.id}`;
    const list = byControl.get(key) ?? [];
    list.push(`${control.outcome} (${control.rule})`);
    byControl.set(key, list);
  }
  return [...byControl].map(([key, outcomes]) => `${key} ${outcomes.join(', ')}`).join('; ');
}

/** A hint's "Next allowed slot: …" sentence: the Window row already says it, once. */
const NEXT_ALLOWED_SENTENCE = /\s*Next allowed (?:slot|start)[^.]*\.(?=\s|$)/g;

function findingList(findings: readonly Finding[]): string {
  return findings
    .map((finding) => {
      const icon = finding.severity === 'error' ? '❌' : finding.severity === 'warning' ? '⚠️' : 'ℹ️';
      const where = `${finding.file}${finding.line !== undefined ? `:${finding.line}` : ''}`;
      const hintText = finding.hint?.replace(NEXT_ALLOWED_SENTENCE, '').trim();
      const hint = hintText ? ` — ${escapeMarkdown(hintText)}` : '';
      const detail = finding.detail
        ? `\n  <details><summary>details</summary>\n\n  ${escapeMarkdown(finding.detail).replace(/\n/g, '\n  ')}\n\n  </details>`
        : '';
      const control = finding.control
        ? ` (${escapeMarkdown(`${finding.control.framework} ${finding.control.id}`)})`
        : '';
      return `- ${icon} \`${where}\` ${escapeMarkdown(finding.message)}${control}${hint}${detail}`;
    })
    .join('\n');
}

// why: proposal text is user input; unescaped it could break the table or inject mentions and HTML.
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (character) => `\\${character}`).replace(/@(?=\w)/g, '@\u200b');
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(?=\w)/g, '@\u200b');
}
