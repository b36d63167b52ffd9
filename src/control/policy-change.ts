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

/** How the policy that judges the change was found. */
export interface PolicyChangeContext {
  /** The base's policy file, when it did not compile and the workspace's policy judged instead. */
  inForceBroken?: string;
}

/**
 * Who changes the rules: a change to netchange.yaml, CODEOWNERS or a policy file is itself a change,
 * reported like a proposal, that needs the approvals the policy names for policy changes (default:
 * every accountable team and every board). `policy` is the policy in force (the base's), so a change
 * cannot approve itself; without any policy the change is an error (nobody can approve it).
 */
export function evaluatePolicyChange(
  policy: CompiledChangeControlPolicy | undefined,
  change: PolicyChange,
  input: PolicyChangeInput,
  context: PolicyChangeContext = {},
): ProposalReport {
  const files = [...change.files].sort();
  if (!policy) return ungatedPolicyChange(files);
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
    () => ({ file, line: 1, column: 1 }),
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
      ...(context.inForceBroken
        ? [
            {
              ruleId: 'policy' as const,
              severity: 'warning' as const,
              message: `the policy in force (${context.inForceBroken} at the base) does not compile; this pull request's policy decides who approves`,
              hint: 'Repair the policy on the base branch first, so it judges changes to itself.',
              file,
              line: 1,
              column: 1,
            },
          ]
        : []),
      ...evaluated.findings,
    ],
    approvals: { required: evaluated.required, satisfied: evaluated.satisfied },
  };
}

/** A change to the rules when no change-control policy says who may approve it. */
function ungatedPolicyChange(files: string[]): ProposalReport {
  const file = files[0] ?? 'netchange.yaml';
  return {
    file,
    id: `policy-change:${files.join(',')}`,
    ok: false,
    title: `Change to the policies (${files.join(', ')})`,
    findings: [
      {
        ruleId: 'policy',
        policy: 'policyChanges',
        severity: 'error',
        message: `this pull request changes the rules (${files.join(', ')}), and no change-control policy is in force to say who approves that`,
        hint: 'Add a change-control policy on the base branch first; its policy owners then approve changes to the rules.',
        file,
        line: 1,
        column: 1,
      },
    ],
    approvals: { required: [], satisfied: false },
  };
}
