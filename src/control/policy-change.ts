import type { Approval, ProposalReport } from '../core/model.js';
import { demandsFor, evaluateDemands } from './approvals.js';
import type { CompiledChangeControlPolicy } from './compile-policy.js';

/** A pull request's change to the policy files. */
export interface PolicyChange {
  /** Repository-relative paths of the changed policy files (found with `--since`). */
  files: string[];
  /** GitHub login of whoever proposes the change (the pull request's author). */
  requester?: string;
}

/** Approvals for the policy change. */
export interface PolicyChangeInput {
  /** Approvals given (`--approvals FILE`, pull-request reviews). */
  approvals: Approval[];
  /** The commit being evaluated; approvals of another commit do not count. */
  commit?: string;
  /** Team members resolved outside the policy (GitHub teams). */
  members?: Map<string, string[]>;
}

/**
 * Who changes the rules: a change to policies/ is itself a change, reported like a proposal, that
 * needs the approvals the policy names for policy changes (default: every accountable team and
 * every board). `policy` is the policy in force (the base's), so a change cannot approve itself.
 */
export function evaluatePolicyChange(
  policy: CompiledChangeControlPolicy,
  change: PolicyChange,
  input: PolicyChangeInput,
): ProposalReport {
  const files = [...change.files].sort();
  const file = files[0] ?? policy.file;
  const demands = demandsFor(policy, policy.policyChangeApprovals, undefined);
  const evaluated = evaluateDemands(
    policy,
    demands,
    {
      ...(change.requester !== undefined ? { requester: change.requester } : {}),
      approvals: input.approvals,
      ...(input.commit !== undefined ? { commit: input.commit } : {}),
      ...(input.members ? { members: input.members } : {}),
    },
    { file, line: 1, column: 1 },
  );
  return {
    file,
    id: `policy-change:${files.join(',') || policy.file}`,
    ok: true,
    title: `Change to the policies (${files.join(', ') || policy.file})`,
    findings: [
      {
        ruleId: 'approval',
        policy: 'policyChanges',
        severity: 'note',
        message: `this pull request changes the rules (${files.join(', ')}); it needs ${policy.policyChangeApprovals
          .map((request) => `${request.count} approval${request.count > 1 ? 's' : ''} from ${request.team}`)
          .join(', ')}`,
        hint: 'The policy in force decides who approves a change to it.',
        file,
        line: 1,
        column: 1,
      },
      ...evaluated.findings,
    ],
    approvals: { required: evaluated.required, satisfied: evaluated.satisfied },
  };
}
