/**
 * plan.json and result.json: versioned, redacted, and shaped so a PR comment, the apply gate and an
 * evidence record can take them as they are.
 */
import type { StepResult, StepStatus } from '../executors/types.js';

/** How a proposal's (or the whole run's) plan ended, worst step first. */
export type PlanStatus = 'planned' | 'failed' | 'error' | 'cancelled';

export interface ProposalPlan {
  /** Repository-relative proposal file. */
  file: string;
  id: string;
  title?: string;
  status: PlanStatus;
  /** True when any step would change something. */
  changed: boolean;
  /** sha256 over the step digests in order: what `apply --reviewed-plan` compares. */
  digest: string;
  steps: StepResult[];
}

export interface PlanDocument {
  schemaVersion: 1;
  kind: 'NetchangePlan';
  tool: { name: 'netchange'; version: string };
  /** When the plan was made (RFC 3339 UTC). */
  createdAt: string;
  /** The commit planned, when the repository is a git repository. */
  commit?: string;
  status: PlanStatus;
  proposals: ProposalPlan[];
  /** Set when plan ran nothing: the pull request changes code no code reviewer has approved yet. */
  held?: HeldPlan;
  summary: {
    proposals: number;
    planned: number;
    failed: number;
    errors: number;
    cancelled: number;
    changed: number;
  };
}

/** Why a plan ran no step: the pull request's changed code is not trusted yet. */
export interface HeldPlan {
  /** One line: "code changes in playbooks/… need a review before they run". */
  reason: string;
  /** The changed files that can change what runs. */
  files: string[];
  /** Teams whose members' approval of the head commit lets plan run them. */
  reviewers: string[];
}

const SEVERITY: Record<StepStatus, number> = {
  planned: 0,
  applied: 0,
  skipped: 0,
  failed: 1,
  error: 2,
  cancelled: 3,
};

/** The worst status among steps: cancelled > error > failed > planned. */
export function worstStatus(statuses: readonly (StepStatus | PlanStatus)[]): PlanStatus {
  let worst: PlanStatus = 'planned';
  for (const status of statuses) {
    const rank = SEVERITY[status];
    if (rank > SEVERITY[worst])
      worst = status === 'failed' || status === 'error' || status === 'cancelled' ? status : worst;
  }
  return worst;
}

/** Exit code of `plan` per DESIGN.md: 0 planned, 1 a change failed, 3 a tool failed, 130 cancelled. */
export function planExitCode(status: PlanStatus): number {
  switch (status) {
    case 'planned':
      return 0;
    case 'failed':
      return 1;
    case 'error':
      return 3;
    case 'cancelled':
      return 130;
  }
}

export function summarise(proposals: readonly ProposalPlan[]): PlanDocument['summary'] {
  return {
    proposals: proposals.length,
    planned: proposals.filter((plan) => plan.status === 'planned').length,
    failed: proposals.filter((plan) => plan.status === 'failed').length,
    errors: proposals.filter((plan) => plan.status === 'error').length,
    cancelled: proposals.filter((plan) => plan.status === 'cancelled').length,
    changed: proposals.filter((plan) => plan.changed).length,
  };
}
