/**
 * Maps an apply result onto the run-related fields of an EvidenceRecord
 * (schemas/evidence-record.schema.json): steps, verification, rollback, outcome and timing. The audit
 * stage adds the chain, approvals, window and pull request.
 */
import type { StepResult } from '../executors/types.js';
import type { ApplyResult } from './apply-proposal.js';
import { stepSummary } from './render-plan.js';

/** Largest diff kept per step in a record; evidence stays small enough to read and to chain. */
export const EVIDENCE_DIFF_LIMIT = 20_000;

export interface EvidenceStep {
  phase: StepResult['phase'];
  name: string;
  tool: StepResult['kind'];
  argv: string[];
  exitCode: number | null;
  status: string;
  digest?: string;
  diffSummary: string;
  diff?: string;
  diffTruncated?: boolean;
}

export interface EvidenceRunFields {
  startedAt: string;
  finishedAt: string;
  steps: EvidenceStep[];
  verification: { status: 'passed' | 'failed' | 'not-run' | 'none'; message?: string };
  rollback: { status: 'not-needed' | 'succeeded' | 'failed' | 'not-run'; message?: string };
  outcome: 'succeeded' | 'failed' | 'rolled-back';
}

export function toEvidenceFields(result: ApplyResult): EvidenceRunFields {
  const ran = [...result.steps, ...result.verification, ...result.rollback].filter(
    (step) => step.status !== 'skipped',
  );
  const verificationFailure = result.verification.find((step) => step.status !== 'applied');
  const rollbackFailure = result.rollback.find((step) => step.status !== 'applied');
  const executionFailed = result.steps.some((step) => step.status !== 'applied');
  const needsRollback = executionFailed || verificationFailure !== undefined;
  return {
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    steps: ran.map(toEvidenceStep),
    verification:
      result.verification.length === 0
        ? { status: executionFailed ? 'not-run' : 'none' }
        : verificationFailure
          ? verificationFailure.status === 'skipped'
            ? { status: 'not-run' }
            : { status: 'failed', message: verificationFailure.message ?? verificationFailure.status }
          : { status: 'passed' },
    rollback: !needsRollback
      ? { status: 'not-needed' }
      : result.rollback.length === 0
        ? { status: 'not-run', message: 'no automatic rollback ran' }
        : rollbackFailure
          ? { status: 'failed', message: rollbackFailure.message ?? rollbackFailure.status }
          : { status: 'succeeded' },
    outcome:
      result.outcome === 'applied'
        ? 'succeeded'
        : result.outcome === 'rolled-back'
          ? 'rolled-back'
          : 'failed',
  };
}

function toEvidenceStep(step: StepResult): EvidenceStep {
  const diff = stepDiff(step);
  const entry: EvidenceStep = {
    phase: step.phase,
    name: step.name,
    tool: step.kind,
    argv: step.argv ?? [],
    exitCode: step.exitCode ?? null,
    status: step.status,
    diffSummary: stepSummary(step),
  };
  if (step.digest) entry.digest = step.digest;
  if (diff) {
    entry.diff = diff.length > EVIDENCE_DIFF_LIMIT ? diff.slice(0, EVIDENCE_DIFF_LIMIT) : diff;
    if (diff.length > EVIDENCE_DIFF_LIMIT) entry.diffTruncated = true;
  }
  return entry;
}

/** The step's diffs as one text: per host and task for Ansible, per resource for Terraform. */
function stepDiff(step: StepResult): string {
  const parts: string[] = [];
  for (const host of step.ansible?.hosts ?? []) {
    for (const task of host.tasks) {
      if (task.hidden && task.status === 'changed')
        parts.push(`# ${host.host}: ${task.task} (hidden by no_log)`);
      for (const diff of [...task.diffs, ...(task.items ?? []).flatMap((item) => item.diffs)]) {
        const text = diff.unified ?? diff.prepared;
        if (text) parts.push(`# ${host.host}: ${task.task}\n${text.replace(/\n$/, '')}`);
      }
    }
  }
  for (const resource of step.terraform?.resources ?? []) {
    const attributes = resource.attributes.map(
      (attribute) =>
        `  ${attribute.path}: ${JSON.stringify(attribute.before ?? null)} -> ${attribute.unknownAfter ? '(known after apply)' : JSON.stringify(attribute.after ?? null)}`,
    );
    parts.push(
      [
        `# ${resource.address}: ${resource.action}${resource.movedFrom ? ` (moved from ${resource.movedFrom})` : ''}`,
        ...attributes,
      ].join('\n'),
    );
  }
  return parts.join('\n');
}
