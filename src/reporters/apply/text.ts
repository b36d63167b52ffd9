import { EVIDENCE_REF } from '../../audit/types.js';
import { stepSummary } from '../../runs/render-plan.js';
import type { ApplyOutput } from './output.js';

/** `apply --format text`: the outcome, one line per step (verification and rollback too), the records. */
export function renderApplyText({ result, resultFile, evidence, postedTo, redactor }: ApplyOutput): string {
  const lines = [`${result.proposal.id}: ${result.outcome} — ${result.message}`];
  for (const [label, steps] of [
    ['step', result.steps],
    ['verification', result.verification],
    ['rollback', result.rollback],
  ] as const) {
    for (const step of steps) {
      lines.push(
        `  ${label} ${step.index + 1} ${step.name}: ${stepSummary(step)}${step.message ? ` — ${step.message}` : ''}`,
      );
    }
  }
  lines.push(`result: ${resultFile}`);
  if (evidence) lines.push(`evidence: record #${evidence.sequence} on ${EVIDENCE_REF}`);
  if (postedTo) lines.push(`recorded on the pull request: ${postedTo}`);
  return redactor.redactText(`${lines.join('\n')}\n`);
}
