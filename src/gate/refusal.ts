import type { Finding } from '../core/findings.js';
import type { ProposalReport, ValidationReport } from '../core/model.js';
import { isHoldFinding } from '../core/review-state.js';
import { GATE_STAGES } from './registry.js';
import type { GateStage } from './stage.js';

/** The gate's answer for apply: shaped like `GateVerdict` (src/runs), plus the proposal's entry. */
export interface ApplyGateVerdict {
  ok: boolean;
  /** Why apply refuses, one sentence each. */
  reasons: string[];
  /** The error findings behind the refusal (with file and line). */
  findings: Finding[];
  /** The proposal's entry in the report, when the report has one. */
  entry?: ProposalReport;
}

/**
 * Why apply refuses `entry`: "validation fails (N errors)" when it is not ok, then each stage's own
 * sentence (approvals missing, windows closed), in the order of the stages. Empty: apply may run.
 */
export function refusalReasons(
  report: ValidationReport,
  entry: ProposalReport | undefined,
  stages: readonly GateStage[] = GATE_STAGES,
): string[] {
  const errors = errorFindings(report);
  const reasons: string[] = [];
  if (!entry) {
    reasons.push(`validation fails (${errors.length} error${errors.length === 1 ? '' : 's'})`);
    return reasons;
  }
  // why: every unmet condition in plain words: the findings no stage explains are named one by one
  // (a stage's own sentence covers its findings: windows, approvals).
  const explained = (finding: Finding) =>
    finding.ruleId === 'window' ||
    isHoldFinding(finding) ||
    (finding.ruleId === 'approval' && finding.message.startsWith('approvals missing'));
  for (const finding of entry.findings)
    if (finding.severity === 'error' && !explained(finding)) reasons.push(finding.message);
  if (!entry.ok && reasons.length === 0 && !stages.some((stage) => stage.describeRefusal?.(entry)))
    reasons.push(`validation fails (${errors.length} error${errors.length === 1 ? '' : 's'})`);
  for (const stage of stages) {
    const reason = stage.describeRefusal?.(entry);
    if (reason !== undefined) reasons.push(reason);
  }
  return reasons;
}

/** Apply's gate verdict for the proposal in `file`, from the validation of that proposal now. */
export function applyGateVerdict(
  report: ValidationReport,
  file: string,
  stages: readonly GateStage[] = GATE_STAGES,
): ApplyGateVerdict {
  const entry = report.proposals.find((proposal) => proposal.file === file);
  const reasons = refusalReasons(report, entry, stages);
  return {
    ok: reasons.length === 0,
    reasons,
    findings: errorFindings(report),
    ...(entry ? { entry } : {}),
  };
}

function errorFindings(report: ValidationReport): Finding[] {
  return report.proposals.flatMap((proposal) =>
    proposal.findings.filter((finding) => finding.severity === 'error'),
  );
}
