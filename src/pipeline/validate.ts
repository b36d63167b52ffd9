import { existsSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../core/errors.js';
import { compareFindings, type Finding, hasErrors } from '../core/findings.js';
import type {
  Approval,
  ChangeControlVerdict,
  ChangeSubject,
  ProposalReport,
  Risk,
  ValidationReport,
  WindowVerdict,
} from '../core/model.js';
import { toRfc3339Utc as toUtcString } from '../core/time.js';
import type { YamlDocument } from '../documents/parse-yaml.js';
import { checkLeadTime } from '../proposals/schedule.js';
import { type LoadedProposal, type LoadOptions, loadProposals } from './load-proposals.js';
import type { Workspace } from './workspace.js';

export interface ValidateOptions extends LoadOptions {
  /** The instant to evaluate as of (`--at`); decides what is "in the past" and lead times. */
  at: Date;
  /** Approvals given (from --approvals FILE or pull-request reviews). */
  approvals?: Approval[];
  /** The commit being evaluated; approvals for another commit do not count. */
  commit?: string;
  /** Missing approvals fail the proposal (apply, `validate --require-approvals`). */
  requireApprovals?: boolean;
  /** Team members resolved outside the policy (GitHub teams): team name → logins. */
  members?: Map<string, string[]>;
  /**
   * Apply: measure normal changes' lead time from when each proposal was first committed, not from
   * `at` (which is inside the change's own window by then).
   */
  leadTimeFromCommit?: boolean;
  /** netchange's version, for the report's `tool`. */
  version: string;
}

/** Sites and devices the repository knows, for the window policy's scope lint. */
export interface KnownScopeValues {
  sites: string[];
  devices: string[];
}

/** The policies compiled once per run; each stage is optional until its policy file exists. */
export interface CompiledPolicies {
  windows?: WindowStage;
  changeControl?: ChangeControlStage;
  /**
   * Judges a change to the rules with the policy in force (`inForce`, the base's change-control
   * policy), falling back to the workspace's only when the base had none.
   */
  evaluatePolicyChange?(files: string[], inForce: YamlDocument | undefined): Promise<ProposalReport>;
  /** Warnings and notes about the policy files themselves. */
  findings: Finding[];
  /** Report findings about the run as a whole (no change-control policy: nothing is gated). */
  reportFindings?: Finding[];
}

/** What the pipeline needs from the window engine (src/windows). */
export interface WindowStage {
  /** Evaluates one change at the given (effective) risk; `bypass` turns errors into warnings. */
  evaluate(subject: ChangeSubject, risk: Risk, bypass: boolean): WindowVerdict;
}

/** What the pipeline needs from the change-control engine (src/control). */
export interface ChangeControlStage {
  /** True when the change may bypass production windows (emergency, per policy). */
  bypassesWindows(subject: ChangeSubject): boolean;
  /** Evaluates one change; `windowVerdict` gives the window verdict at a risk (memoised). */
  evaluate(
    subject: ChangeSubject,
    windowVerdict: (risk: Risk) => WindowVerdict,
    requestedAt?: Date,
  ): ChangeControlVerdict;
}

/**
 * The `validate` pipeline: load proposals, compile policies, evaluate windows and change control
 * for each, and assemble the report. Bad proposals are findings; bad policies throw (exit 2).
 */
export async function validateWorkspace(
  workspace: Workspace,
  options: ValidateOptions,
  compilePolicies: (
    workspace: Workspace,
    options: ValidateOptions,
    known?: KnownScopeValues,
  ) => Promise<CompiledPolicies> = noPolicies,
): Promise<ValidationReport> {
  const loaded = await loadProposals(workspace, options);
  // why: "a scope value that matches nothing" can only be judged against the whole repository.
  const known = loaded.complete
    ? {
        sites: [
          ...new Set(loaded.proposals.flatMap((proposal) => proposal.proposal?.targets.sites ?? [])),
        ].sort(),
        devices: loaded.inventoryHosts,
      }
    : undefined;
  const policies = await compilePolicies(workspace, options, known);
  const policyErrors = policies.findings.filter((finding) => finding.severity === 'error');
  if (policyErrors.length > 0) {
    throw configError('the policy files have errors', {
      findings: policyErrors,
      hint: 'Fix the policy; netchange does not evaluate changes against a policy it cannot read.',
    });
  }
  const requestedAt = new Map<string, Date>();
  if (options.leadTimeFromCommit && workspace.git) {
    for (const proposal of loaded.proposals) {
      const committed = await workspace.git.firstCommitted(proposal.file);
      if (committed) requestedAt.set(proposal.file, committed);
    }
  }
  const proposals = loaded.proposals.map((proposal) =>
    reportProposal(proposal, policies, options, requestedAt.get(proposal.file)),
  );
  if (loaded.changedPolicies.length > 0 && policies.evaluatePolicyChange) {
    proposals.push(
      finish(await policies.evaluatePolicyChange(loaded.changedPolicies, loaded.policyInForce), options),
    );
  }
  const findings = [...policies.findings, ...(policies.reportFindings ?? [])];
  const changesDirectory = workspace.config.paths.changes;
  if (loaded.complete && proposals.length === 0 && !existsSync(path.join(workspace.root, changesDirectory))) {
    // why: an empty run in the wrong directory must not look like a clean pass.
    findings.push({
      ruleId: 'reference',
      severity: 'warning',
      message: `there is no ${changesDirectory}/ folder in ${workspace.root}: nothing to validate`,
      hint: 'Run inside the network repository, pass --repo DIR, or set paths.changes in netchange.yaml.',
      file: changesDirectory,
    });
  }
  return assembleReport(proposals, findings, loaded.withdrawn, options);
}

async function noPolicies(): Promise<CompiledPolicies> {
  return { findings: [] };
}

function reportProposal(
  loaded: LoadedProposal,
  policies: CompiledPolicies,
  options: ValidateOptions,
  requestedAt: Date | undefined,
): ProposalReport {
  const findings = [...loaded.findings];
  const proposal = loaded.proposal;
  const report: ProposalReport = {
    file: loaded.file,
    id: loaded.id ?? loaded.file,
    ok: false,
    findings,
    approvals: { required: [], satisfied: true },
  };
  if (!proposal) return finish(report, options);
  report.title = proposal.title;
  report.type = proposal.type;
  report.domain = proposal.domain;
  report.requester = proposal.requester;
  report.risk = { declared: proposal.risk, effective: proposal.risk, reasons: [] };

  const subject = loaded.subject;
  if (!subject) return finish(report, options);
  report.schedule = {
    start: toUtcString(subject.startMs),
    end: toUtcString(subject.endMs),
    timezone: subject.timezone,
    ...(subject.rollbackMs > 0 ? { rollbackEnd: toUtcString(subject.endMs + subject.rollbackMs) } : {}),
  };
  const tooFar = checkLeadTime(subject, options.at.getTime(), subject.file, subject.locate);
  if (tooFar) {
    findings.push(tooFar);
    return finish(report, options);
  }

  const bypass = policies.changeControl?.bypassesWindows(subject) ?? false;
  const windowVerdicts = new Map<string, WindowVerdict>();
  const windowVerdictFor = (risk: Risk): WindowVerdict => {
    let verdict = windowVerdicts.get(risk);
    if (!verdict) {
      verdict = policies.windows?.evaluate(subject, risk, bypass) ?? {
        findings: [],
        overrideApprovals: [],
        overlapping: [],
        open: true,
      };
      windowVerdicts.set(risk, verdict);
    }
    return verdict;
  };

  let effectiveRisk = proposal.risk;
  if (policies.changeControl) {
    const verdict = policies.changeControl.evaluate(subject, windowVerdictFor, requestedAt);
    report.risk = verdict.risk;
    report.approvals = verdict.approvals;
    if (verdict.autonomy) report.autonomy = verdict.autonomy;
    if (verdict.retrospectiveDue) report.retrospectiveDue = verdict.retrospectiveDue;
    findings.push(...verdict.findings);
    effectiveRisk = verdict.risk.effective;
  }
  if (policies.windows) {
    const verdict = windowVerdictFor(effectiveRisk);
    findings.push(...verdict.findings);
    report.windows = {
      overlapping: verdict.overlapping,
      open: verdict.open,
      ...(verdict.nextAllowed ? { nextAllowed: verdict.nextAllowed } : {}),
    };
  }
  return finish(report, options);
}

function finish(report: ProposalReport, options: ValidateOptions): ProposalReport {
  report.findings.sort(compareFindings);
  const approvalsMissing = options.requireApprovals === true && !report.approvals.satisfied;
  if (approvalsMissing) {
    const missing = report.approvals.required.filter((requirement) => !requirement.satisfied);
    report.findings.push({
      ruleId: 'approval',
      severity: 'error',
      message: `approvals missing: ${missing.map((requirement) => `${requirement.count - requirement.approvedBy.length} from ${requirement.team ?? requirement.role ?? `any of ${requirement.eligible.join(', ')}`}`).join(', ')}`,
      hint: 'Collect the approvals on the pull request before applying.',
      file: report.file,
    });
  }
  report.ok = !hasErrors(report.findings);
  return report;
}

function assembleReport(
  proposals: ProposalReport[],
  findings: Finding[],
  withdrawn: ValidationReport['withdrawn'],
  options: ValidateOptions,
): ValidationReport {
  const all = [...findings, ...proposals.flatMap((proposal) => proposal.findings)];
  const passed = proposals.filter((proposal) => proposal.ok).length;
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: options.version },
    evaluatedAt: toUtcString(options.at.getTime()),
    ok: passed === proposals.length && !hasErrors(findings),
    proposals,
    findings,
    withdrawn,
    summary: {
      proposals: proposals.length,
      passed,
      failed: proposals.length - passed,
      errors: all.filter((finding) => finding.severity === 'error').length,
      warnings: all.filter((finding) => finding.severity === 'warning').length,
    },
  };
}
