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
    const {
      assessRisk,
      bypassesWindows,
      compileChangeControlPolicy,
      evaluateChangeControl,
      evaluatePolicyChange,
    } = await import('../control/index.js');
    const compiled = compileChangeControlPolicy(workspace.changeControlDocument);
    findings.push(...compiled.findings);
    const policy = compiled.policy;
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
        evaluatePolicyChange: (files) =>
          evaluatePolicyChange(
            policy,
            { files },
            {
              approvals: options.approvals ?? [],
              ...(options.commit ? { commit: options.commit } : {}),
              ...(options.members ? { members: options.members } : {}),
            },
          ),
      };
    }
  }
  return policies;
}
