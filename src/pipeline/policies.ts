import type { CompiledChangeControlPolicy } from '../control/index.js';
import type { Finding } from '../core/findings.js';
import type { CompiledPolicies, KnownScopeValues, ValidateOptions } from './validate.js';
import type { Workspace } from './workspace.js';

/**
 * Compiles the window and change-control policies of a workspace once per run and adapts them to
 * the stages the validate pipeline calls. Policy findings are returned; errors stop the run (exit 2).
 */
export async function compilePolicies(
  workspace: Workspace,
  options: ValidateOptions,
  known?: KnownScopeValues,
): Promise<CompiledPolicies> {
  const findings: Finding[] = [];
  const policies: CompiledPolicies = { findings };
  let headPolicy: CompiledChangeControlPolicy | undefined;
  policies.evaluatePolicyChange = async (files, inForce) => {
    const control = await import('../control/index.js');
    const judged = inForce ? control.compileChangeControlPolicy(inForce).policy : undefined;
    const policy = judged ?? headPolicy;
    const input = {
      approvals: options.approvals ?? [],
      ...(options.commit ? { commit: options.commit } : {}),
      ...(options.members ? { members: trustedMembers(policy, headPolicy, options.members) } : {}),
    };
    return control.evaluatePolicyChange(policy, { files }, input, {
      ...(inForce && !judged ? { inForceBroken: inForce.file } : {}),
    });
  };
  if (!workspace.changeControlDocument) {
    policies.reportFindings = [
      {
        ruleId: 'policy',
        severity: 'error',
        message: `there is no change-control policy (${workspace.config.paths.changeControl}): nothing is gated — no approvals, change types, risk rules or owners are checked, and apply refuses`,
        hint: 'Write the policy (netchange init creates one), or point paths.changeControl in netchange.yaml at it.',
        file: workspace.config.paths.changeControl,
      },
    ];
  }

  // why: each engine loads only when its policy exists (CEL and the holiday data are large to load).
  if (workspace.windowPolicyDocument) {
    const { compileWindowPolicy, evaluateWindows } = await import('../windows/index.js');
    const compiled = compileWindowPolicy(workspace.windowPolicyDocument, {
      from: options.at,
      ...(known ? { knownScopeValues: known } : {}),
    });
    findings.push(...compiled.findings);
    const policy = compiled.policy;
    if (policy) {
      policies.windows = {
        evaluate: (subject, risk, bypass) =>
          evaluateWindows(policy, subject, { at: options.at, risk, bypass }),
      };
    }
  }
  if (workspace.changeControlDocument) {
    const { assessRisk, bypassesWindows, compileChangeControlPolicy, evaluateChangeControl } = await import(
      '../control/index.js'
    );
    const compiled = compileChangeControlPolicy(workspace.changeControlDocument);
    findings.push(...compiled.findings);
    const policy = compiled.policy;
    headPolicy = policy;
    if (policy) {
      policies.changeControl = {
        bypassesWindows: (subject) => bypassesWindows(policy, subject),
        evaluate: (subject, windowVerdictFor, requestedAt) => {
          // why: rules see the windows the change falls in at its declared risk; windows then judge it at the effective risk.
          const risk = assessRisk(policy, subject, {
            windows: windowVerdictFor(subject.proposal.risk).overlapping,
          });
          return evaluateChangeControl(policy, subject, {
            at: options.at,
            ...(requestedAt ? { requestedAt } : {}),
            risk,
            approvals: options.approvals ?? [],
            ...(options.commit ? { commit: options.commit } : {}),
            ...(options.members ? { members: options.members } : {}),
            windowVerdict: windowVerdictFor(risk.effective),
          });
        },
      };
    }
  }
  return policies;
}

/**
 * GitHub team members are resolved from the workspace's (head's) policy; a team counts for the
 * policy in force only when both name the same GitHub team.
 * why: otherwise a pull request could point `netops.github` at a team of its own and approve itself.
 */
export function trustedMembers(
  inForce: CompiledChangeControlPolicy | undefined,
  head: CompiledChangeControlPolicy | undefined,
  members: Map<string, string[]>,
): Map<string, string[]> {
  if (!inForce || inForce === head) return members;
  const trusted = new Map<string, string[]>();
  for (const [team, logins] of members) {
    const slug = inForce.teams.get(team)?.github;
    if (slug !== undefined && slug === head?.teams.get(team)?.github) trusted.set(team, logins);
  }
  return trusted;
}
