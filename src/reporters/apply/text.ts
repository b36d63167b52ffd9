import path from 'node:path';
import { EVIDENCE_REF } from '../../audit/types.js';
import type { StepResult } from '../../executors/types.js';
import { stepSummary } from '../../runs/render-plan.js';
import type { ApplyOutput } from './output.js';

/** Backup lines shown before the rest is summed up as a count (a change to 200 devices). */
const MAX_BACKUP_LINES = 20;

const PHASE_LABELS = { execution: 'step', verification: 'verification', rollback: 'rollback' } as const;

/**
 * `apply --format text`: the outcome, one line per step (verification and rollback too), where each
 * device's running configuration before and after was saved, and the records.
 */
export function renderApplyText(output: ApplyOutput): string {
  const { result, resultFile, evidence, postedTo, redactor } = output;
  const lines = [`${result.proposal.id}: ${result.outcome} — ${result.message}`];
  for (const [phase, steps] of [
    ['execution', result.steps],
    ['verification', result.verification],
    ['rollback', result.rollback],
  ] as const) {
    for (const step of steps) {
      lines.push(
        `  ${PHASE_LABELS[phase]} ${step.index + 1} ${step.name}: ${stepSummary(step)}${step.message ? ` — ${step.message}` : ''}`,
      );
    }
  }
  lines.push(
    ...backupLines([...result.steps, ...result.verification, ...result.rollback], output.runDirectory),
  );
  lines.push(`result: ${resultFile}`);
  if (evidence) lines.push(`evidence: record #${evidence.sequence} on ${EVIDENCE_REF}`);
  if (postedTo) lines.push(`recorded on the pull request: ${postedTo}`);
  return redactor.redactText(`${lines.join('\n')}\n`);
}

/**
 * `backups:` and one line per device and step: its configuration before → after, as paths a person
 * can open from where they ran apply.
 */
function backupLines(steps: readonly StepResult[], runDirectory: string): string[] {
  const entries = steps.flatMap((step) =>
    (step.backups ?? []).map((backup) => {
      const files = [backup.before, backup.after].flatMap((file) =>
        file ? [path.join(runDirectory, file.path)] : [],
      );
      return `  ${backup.device} (${PHASE_LABELS[step.phase]} ${step.index + 1}): ${files.join(' → ')}`;
    }),
  );
  if (entries.length === 0) return [];
  const shown = entries.slice(0, MAX_BACKUP_LINES);
  if (entries.length > shown.length) {
    shown.push(`  … and ${entries.length - shown.length} more in ${path.join(runDirectory, 'backups')}`);
  }
  return ['backups (running configuration before → after; sha256 in the evidence record):', ...shown];
}
