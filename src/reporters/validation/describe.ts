import type { ApprovalRequirement, ProposalReport, ValidationReport } from '../../core/model.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';

/** Plain-words sentences shared by every human-facing format, so text and markdown say the same. */

export function describeRequirement(requirement: ApprovalRequirement): string {
  const who = requirement.team
    ? ` from team ${requirement.team}`
    : requirement.role
      ? ` from the ${requirement.role} team`
      : '';
  const given =
    requirement.approvedBy.length > 0
      ? `approved by ${requirement.approvedBy.join(', ')}`
      : 'no approvals yet';
  const still = requirement.satisfied
    ? ''
    : requirement.eligible.length > 0
      ? `; can still approve: ${requirement.eligible.join(', ')}`
      : '; nobody eligible is left to approve';
  const approvals = requirement.count === 1 ? '1 approval' : `${requirement.count} approvals`;
  return `${approvals}${who} (${requirement.reason}): ${given}${still}`;
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
  const { proposals, passed, failed, errors, warnings } = report.summary;
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `${plural(proposals, 'proposal')}: ${passed} passed, ${failed} failed (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
}

export function approvalStatus(proposal: ProposalReport): 'none' | 'satisfied' | 'missing' {
  if (proposal.approvals.required.length === 0) return 'none';
  return proposal.approvals.satisfied ? 'satisfied' : 'missing';
}
