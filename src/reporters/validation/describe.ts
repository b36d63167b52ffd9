import type { ApprovalRequirement, ProposalReport, ValidationReport } from '../../core/model.js';
import { describeStateCounts, reviewStateOf } from '../../core/review-state.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';

/** Plain-words sentences shared by every human-facing format, so text and markdown say the same. */

export function describeRequirement(requirement: ApprovalRequirement): string {
  // why: who first, then why, with no brackets inside brackets:
  // "1 from netops: alice or bob can approve — the accountable team for switching; medium risk".
  const who = requirement.team ?? (requirement.role ? `the ${requirement.role} team` : 'another team');
  const given = requirement.approvedBy.length > 0 ? `approved by ${requirement.approvedBy.join(', ')}` : '';
  const still = requirement.satisfied
    ? ''
    : requirement.eligible.length > 0
      ? `${orList(requirement.eligible)} can approve`
      : 'nobody eligible is left to approve';
  const state = [given, still].filter(Boolean).join('; ');
  return `${requirement.count} from ${who}: ${state} — ${requirement.reason}`;
}

/** `alice`, `alice or bob`, `alice, bob or carol`. */
function orList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export function describeRisk(proposal: ProposalReport): string | undefined {
  if (!proposal.risk) return undefined;
  const { declared, effective, reasons } = proposal.risk;
  if (declared === effective) return `${effective}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
  return `${effective}, raised from ${declared}: ${reasons.join('; ')}`;
}

export function describeSchedule(proposal: ProposalReport): string | undefined {
  if (!proposal.schedule) return undefined;
  const { start, end, timezone } = proposal.schedule;
  return formatSpanLocalAndUtc(Date.parse(start), Date.parse(end), timezone);
}

export function describeNextAllowed(proposal: ProposalReport): string | undefined {
  const next = proposal.windows?.nextAllowed;
  if (!next || !proposal.schedule) return undefined;
  return formatLocalAndUtc(Date.parse(next.start), proposal.schedule.timezone);
}

export function describeSummary(report: ValidationReport): string {
  const { proposals, errors, warnings } = report.summary;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  // why: the same states as each proposal's header and the pull-request comment, not pass/fail.
  const states =
    proposals > 0
      ? `: ${describeStateCounts(report.proposals.map((proposal) => reviewStateOf(proposal)))}`
      : '';
  return `${plural(proposals, 'proposal')}${states} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
}

export function approvalStatus(proposal: ProposalReport): 'none' | 'satisfied' | 'missing' {
  if (proposal.approvals.required.length === 0) return 'none';
  return proposal.approvals.satisfied ? 'satisfied' : 'missing';
}
