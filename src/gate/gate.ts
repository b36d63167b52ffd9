import { configError } from '../core/errors.js';
import { controlOutcomes, type EvaluatedRule, type Finding } from '../core/findings.js';
import type { ChangeSubject, ProposalReport } from '../core/model.js';
import type { Workspace } from '../pipeline/workspace.js';
import { GATE_STAGES } from './registry.js';
import type {
  GateInput,
  GateQueries,
  GateStage,
  PolicyFilesChange,
  PreparedStage,
  ProposalFacts,
  VerdictPart,
} from './stage.js';

/** Every stage prepared for one run: judge proposals with no further I/O. */
export interface PreparedGate {
  /** The stages' policy findings (none is an error), then their findings about the run. */
  findings: Finding[];
  /**
   * Runs one proposal through every stage, in order; `facts` as the stages left them (effective
   * risk, bypass); `evaluated` every policy rule that applied, in stage order. The report's
   * `controls` lists those that name a control.
   */
  evaluate(
    subject: ChangeSubject,
    requestedAt?: Date,
  ): {
    findings: Finding[];
    report: VerdictPart & Pick<ProposalReport, 'controls'>;
    facts: ProposalFacts;
    evaluated: EvaluatedRule[];
  };
  /** Findings about a finished, sorted report (e.g. approvals still missing). */
  conclude(report: ProposalReport): Finding[];
  /** Judges a change to the policy files: one report per stage that reviews such changes. */
  reviewPolicyChange(change: PolicyFilesChange): Promise<ProposalReport[]>;
}

/** Starts loading the engines the stages will need for this workspace (see GateStage.preload). */
export function preloadGate(workspace: Workspace, stages: readonly GateStage[] = GATE_STAGES): void {
  for (const stage of stages) stage.preload?.(workspace);
}

/**
 * Prepares every stage (their I/O, once per run) and throws when a policy has errors (exit 2):
 * netchange does not evaluate changes against a policy it cannot read.
 */
export async function prepareGate(
  input: Omit<GateInput, 'queries'>,
  stages: readonly GateStage[] = GATE_STAGES,
): Promise<PreparedGate> {
  const queries: GateQueries = {};
  // why: stages prepare at once: one waiting on a server must not hold up another reading a file.
  const prepared: PreparedStage[] = await Promise.all(
    stages.map((stage) => stage.prepare({ ...input, queries })),
  );
  for (const stage of prepared) Object.assign(queries, stage.offers);

  const policyFindings = prepared.flatMap((stage) => stage.findings);
  const policyErrors = policyFindings.filter((finding) => finding.severity === 'error');
  if (policyErrors.length > 0) {
    throw configError('the policy files have errors', {
      findings: policyErrors,
      hint: 'Fix the policy; netchange does not evaluate changes against a policy it cannot read.',
    });
  }
  return {
    findings: [...policyFindings, ...prepared.flatMap((stage) => stage.runFindings ?? [])],
    evaluate(subject, requestedAt) {
      // why: facts flow forward only: each stage sees what the stages before it established.
      let facts: ProposalFacts = { risk: subject.proposal.risk, bypassWindows: false };
      const findings: Finding[] = [];
      const evaluated: EvaluatedRule[] = [];
      const report: VerdictPart & Pick<ProposalReport, 'controls'> = {};
      for (const stage of prepared) {
        if (!stage.evaluate) continue;
        const verdict = stage.evaluate(subject, {
          facts,
          queries,
          ...(requestedAt ? { requestedAt } : {}),
        });
        findings.push(...verdict.findings);
        if (verdict.evaluated) evaluated.push(...verdict.evaluated);
        Object.assign(report, verdict.report);
        facts = { ...facts, ...verdict.facts };
      }
      const controls = controlOutcomes(evaluated);
      if (controls.length > 0) report.controls = controls;
      return { findings, report, facts, evaluated };
    },
    conclude: (report) => prepared.flatMap((stage) => stage.conclude?.(report) ?? []),
    async reviewPolicyChange(change) {
      const reports: ProposalReport[] = [];
      for (const stage of prepared) {
        if (stage.reviewPolicyChange) reports.push(await stage.reviewPolicyChange(change));
      }
      return reports;
    },
  };
}
