import pc from 'picocolors';
import type { Finding } from '../../core/findings.js';
import type { ValidationReport } from '../../core/model.js';
import { REVIEW_STATE_LABELS, reviewStateOf } from '../../core/review-state.js';
import { formatLocalAndUtc } from '../../core/time.js';
import {
  approvalStatus,
  describeNextAllowed,
  describeRequirement,
  describeRisk,
  describeSchedule,
  describeSummary,
} from './describe.js';

export interface TextOptions {
  /** Colour output (a terminal without NO_COLOR). */
  color: boolean;
}

/** `--format text`: grouped by file, findings as `file:line:col severity message`, a summary line. */
export function renderText(report: ValidationReport, options: TextOptions): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const severityLabel = (finding: Finding) =>
    finding.severity === 'error'
      ? c.red('error')
      : finding.severity === 'warning'
        ? c.yellow('warning')
        : c.blue('note');
  const findingLines = (finding: Finding) => {
    const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':');
    const rule = c.dim(`[${finding.ruleId}${finding.policy ? `:${finding.policy}` : ''}]`);
    const out = [`  ${c.dim(where)} ${severityLabel(finding)} ${finding.message} ${rule}`];
    if (finding.detail) out.push(`      ${c.dim(finding.detail)}`);
    if (finding.hint) out.push(`      ${c.dim(`hint: ${finding.hint}`)}`);
    return out;
  };

  for (const finding of report.findings) lines.push(...findingLines(finding));
  for (const proposal of report.proposals) {
    // why: the same states as the pull-request comment: ✓ only for a proposal that could run.
    const state = reviewStateOf(proposal);
    const label = REVIEW_STATE_LABELS[state];
    const status =
      state === 'ready'
        ? c.green(`✓ ${label}`)
        : state === 'invalid' || state === 'blocked'
          ? c.red(`✗ ${label}`)
          : c.yellow(`${state === 'held' ? '✋' : '⏳'} ${label}`);
    lines.push(
      `${status} ${c.bold(proposal.file)} ${proposal.id}${proposal.title ? ` — ${proposal.title}` : ''}`,
    );
    const risk = describeRisk(proposal);
    const schedule = describeSchedule(proposal);
    if (proposal.type && risk) lines.push(`    ${proposal.type} change, risk ${risk}`);
    if (schedule) lines.push(`    when: ${schedule}`);
    if (proposal.autonomy) lines.push(`    autonomy: ${proposal.autonomy.message}`);
    if (proposal.retrospectiveDue)
      lines.push(
        `    retrospective review due by ${formatLocalAndUtc(Date.parse(proposal.retrospectiveDue), proposal.schedule?.timezone)}`,
      );
    const approvals = approvalStatus(proposal);
    if (approvals !== 'none') {
      lines.push(`    approvals ${approvals === 'satisfied' ? c.green('satisfied') : c.yellow('missing')}:`);
      for (const requirement of proposal.approvals.required) {
        lines.push(
          `      ${requirement.satisfied ? c.green('✓') : c.yellow('•')} ${describeRequirement(requirement)}`,
        );
      }
    }
    const next = describeNextAllowed(proposal);
    if (next && !proposal.windows?.open && !proposal.windows?.bypassed)
      lines.push(`    next allowed start: ${next}`);
    for (const finding of proposal.findings) lines.push(...findingLines(finding));
  }
  for (const withdrawn of report.withdrawn) {
    lines.push(`${c.dim('- withdrawn')} ${withdrawn.file}${withdrawn.id ? ` ${withdrawn.id}` : ''}`);
  }
  const summary = describeSummary(report);
  lines.push('', report.ok ? c.green(summary) : c.red(summary));
  return `${lines.join('\n')}\n`;
}
