import path from 'node:path';
import { stepSummary } from '../../runs/index.js';
import type { ApplyRun } from '../../use-cases/apply.js';

/** What `apply` prints: result.json as JSON, or one line per step and where the records are. */
export function renderApplyRun(run: ApplyRun, format: 'text' | 'json', cwd: string): string {
  const { result } = run;
  if (format === 'json') return `${JSON.stringify(run.redactor.redactValue(result), null, 2)}\n`;
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
  lines.push(`result: ${path.join(path.relative(cwd, run.runDirectory) || '.', 'result.json')}`);
  if (run.evidence) lines.push(`evidence: record #${run.evidence.sequence} on ${run.evidence.ref}`);
  if (run.posted) lines.push(`recorded on the pull request: ${run.posted}`);
  return `${lines.join('\n')}\n`;
}
