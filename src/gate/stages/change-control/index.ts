/**
 * The change-control stage: a thin adapter over the change-control engine (src/control). It
 * assesses risk, decides whether an emergency bypasses the windows (facts for the stages after it),
 * and judges change type, ownership, approvals, autonomy and custom rules.
 */
import { crossTeamApprovers } from '../../../control/approvals.js';
import type { CompiledChangeControlPolicy } from '../../../control/index.js';
import type { Finding } from '../../../core/findings.js';
import type { ApprovalRequirement, ProposalReport, Risk, WindowVerdict } from '../../../core/model.js';
import type { GateInput, GateStage, PreparedStage } from '../../stage.js';
import { trustedMembers } from './trusted-members.js';

const loadEngine = () => import('../../../control/index.js');

export const changeControlStage: GateStage = {
  id: 'change-control',
  preload(workspace) {
    if (workspace.changeControlDocument) loadEngine().catch(() => undefined);
  },
  async prepare(input: GateInput): Promise<PreparedStage> {
    const { workspace } = input;
    const findings: Finding[] = [];
    let policy: CompiledChangeControlPolicy | undefined;
    // why: the engine loads only when its policy exists (CEL is large to load).
    const control = workspace.changeControlDocument ? await loadEngine() : undefined;
    if (control && workspace.changeControlDocument) {
      const compiled = control.compileChangeControlPolicy(workspace.changeControlDocument);
      findings.push(...compiled.findings);
      policy = compiled.policy;
      if (policy) {
        const zone = workspace.config.defaults.timezone ?? 'UTC';
        findings.push(...control.reviewsDatedAhead(workspace.changeControlDocument, policy, input.at, zone));
      }
    }
    // why: a pull request that rewrites the policy must not judge its own proposals by the rewrite
    // (a risk rule switched off, a CAB dropped) until the change is approved and merged.
    const inForce = control && policy ? await policyInForce(input, control) : undefined;
    if (inForce) findings.push(inForce.warning);
    const judging = inForce?.policy ?? policy;
    // why: a cross-team demand asks several teams, so its requirement names none; the policy does.
    const crossTeamOf = (report: ProposalReport): readonly string[] =>
      judging && report.requester ? crossTeamApprovers(judging, report.requester.team) : [];
    const prepared: PreparedStage = {
      findings,
      conclude: (report) => (input.requireApprovals ? missingApprovals(report, crossTeamOf(report)) : []),
      reviewPolicyChange: async ({ files, inForce }) => {
        const engine = control ?? (await loadEngine());
        const judged = inForce ? engine.compileChangeControlPolicy(inForce).policy : undefined;
        const judging = judged ?? policy;
        return engine.evaluatePolicyChange(
          judging,
          { files },
          {
            approvals: input.approvals,
            ...(input.commit ? { commit: input.commit } : {}),
            ...(input.members ? { members: trustedMembers(judging, policy, input.members) } : {}),
          },
          { ...(inForce && !judged ? { inForceBroken: inForce.file } : {}) },
        );
      },
    };
    if (!workspace.changeControlDocument) {
      prepared.runFindings = [
        {
          ruleId: 'policy',
          severity: 'error',
          message: `there is no change-control policy (${workspace.config.paths.changeControl}): nothing is gated — no approvals, change types, risk rules or owners are checked, and apply refuses`,
          hint: 'Write the policy (netchange init creates one), or point paths.changeControl in netchange.yaml at it.',
          file: workspace.config.paths.changeControl,
        },
      ];
    }
    if (!control || !judging) return prepared;
    const compiled = judging;
    const { assessRisk, bypassesWindows, evaluateChangeControl } = control;
    prepared.evaluate = (subject, context) => {
      const bypass = bypassesWindows(compiled, subject);
      const windowsAt = (risk: Risk): WindowVerdict =>
        context.queries.windowsAt?.(subject, risk, bypass) ?? {
          findings: [],
          overrideApprovals: [],
          overlapping: [],
          open: true,
        };
      // why: rules see the windows the change falls in at its declared risk; windows then judge it at the effective risk.
      const risk = assessRisk(compiled, subject, {
        windows: windowsAt(subject.proposal.risk).overlapping,
        at: input.at,
      });
      const verdict = evaluateChangeControl(compiled, subject, {
        at: input.at,
        ...(context.requestedAt ? { requestedAt: context.requestedAt } : {}),
        risk,
        approvals: input.approvals,
        ...(input.commit ? { commit: input.commit } : {}),
        ...(input.members ? { members: input.members } : {}),
        windowVerdict: windowsAt(risk.effective),
        requireApprovals: input.requireApprovals,
      });
      const holds = control.standingHolds({
        approvals: input.approvals,
        proposal: subject.proposal.id,
        ...(input.commit ? { commit: input.commit } : {}),
      });
      return {
        findings: verdict.findings,
        evaluated: verdict.evaluated,
        report: {
          risk: verdict.risk,
          approvals: verdict.approvals,
          ...(holds.length > 0 ? { holds } : {}),
          ...(verdict.autonomy ? { autonomy: verdict.autonomy } : {}),
          ...(verdict.retrospectiveDue ? { retrospectiveDue: verdict.retrospectiveDue } : {}),
        },
        facts: { risk: verdict.risk.effective, bypassWindows: bypass },
      };
    };
    return prepared;
  },
  describeRefusal(entry: ProposalReport): string | undefined {
    const reasons: string[] = [];
    const holders = (entry.holds ?? []).map((hold) => hold.user);
    if (holders.length > 0) reasons.push(`held by ${holders.join(', ')}`);
    const missing = unsatisfied(entry);
    if (missing.length > 0)
      reasons.push(`approvals missing: ${describeMissing(missing, (requirement) => requirement.reason)}`);
    // why: "approvals missing" alone leaves the approver wondering; say whose approval did not count and why.
    for (const finding of entry.findings)
      if (
        finding.ruleId === 'approval' &&
        finding.severity === 'note' &&
        /another commit/.test(finding.message)
      )
        reasons.push(finding.message);
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  },
};

/**
 * The policy in force on the base, when the run's own change-control policy differs from it (a pull
 * request that changes it), with a warning on the run saying its proposals are judged by the
 * former; undefined when they agree, or the base has none (bootstrapping) or none that compiles.
 */
async function policyInForce(
  input: GateInput,
  control: Awaited<ReturnType<typeof loadEngine>>,
): Promise<{ policy: CompiledChangeControlPolicy; warning: Finding } | undefined> {
  const own = input.workspace.changeControlDocument;
  const base = (await input.policyInForce?.())?.changeControl;
  if (!own || !base || JSON.stringify(base.value) === JSON.stringify(own.value)) return undefined;
  const policy = control.compileChangeControlPolicy(base).policy;
  if (!policy) return undefined;
  return {
    policy,
    warning: {
      ruleId: 'policy',
      severity: 'warning',
      message:
        "the change-control policy differs from the policy in force on the base; until this change is merged, the proposals are judged by the policy in force (risk, types, approvals), not by this pull request's version",
      hint: 'A policy change applies to the changes after it: merge it on its own once its policy owners approved it, then the proposals are judged by it.',
      file: own.file,
      line: 1,
      column: 1,
    },
  };
}

/**
 * The error for approvals still missing once the proposal is judged (apply, `--require-approvals`).
 * `crossTeam`: the teams of the requester's cross-team approval, which asks several teams and so
 * names none itself; the eligible people follow in parentheses.
 */
function missingApprovals(report: ProposalReport, crossTeam: readonly string[]): Finding[] {
  if (report.approvals.satisfied) return [];
  const missing = unsatisfied(report);
  return [
    {
      ruleId: 'approval',
      severity: 'error',
      message: `approvals missing: ${describeMissing(missing, (requirement) => (crossTeam.length > 0 ? orList(crossTeam) : requirement.reason))}`,
      hint: 'Collect the approvals on the pull request before applying.',
      file: report.file,
    },
  ];
}

function unsatisfied(report: ProposalReport): ApprovalRequirement[] {
  return report.approvals.required.filter((requirement) => !requirement.satisfied);
}

/** "1 from netops, 2 from …": how many approvals each requirement still needs, and from whom. */
/** `alice`, `alice or bob`, `alice, bob or carol`. */
function orList(names: readonly string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

function describeMissing(
  missing: readonly ApprovalRequirement[],
  anonymous: (requirement: ApprovalRequirement) => string,
): string {
  return missing
    .map(
      (requirement) =>
        `${requirement.count - requirement.approvedBy.length} from ${requirement.team ?? requirement.role ?? anonymous(requirement)}${requirement.eligible.length > 0 ? ` (${orList(requirement.eligible)})` : ' (nobody eligible is left)'}`,
    )
    .join(', ');
}
