/**
 * `apply --dry-run` as text: would it run, and if not, every unmet condition in plain words; what
 * it would lock and which reviewed plan it would be held to. Times in the one display format.
 */
import { formatLocalAndUtc } from '../../core/time.js';
import type { ApplyRehearsal } from '../../use-cases/apply.js';

export function renderRehearsal(rehearsal: ApplyRehearsal): string {
  const when = formatLocalAndUtc(Date.parse(rehearsal.at), rehearsal.timezone);
  const lines = [
    `${rehearsal.id} (${rehearsal.file}) at ${when}: ${rehearsal.wouldRun ? 'would run' : 'would be refused'}`,
  ];
  for (const reason of rehearsal.reasons) lines.push(`  ✗ ${reason}`);
  if (rehearsal.hint) lines.push(`  hint: ${rehearsal.hint}`);
  const source =
    rehearsal.approvalsFrom === 'pull-request'
      ? "the pull request's reviews"
      : rehearsal.approvalsFrom === 'file'
        ? 'the approvals file'
        : 'none given (--approvals FILE or --pr N)';
  lines.push(
    `  approvals: ${source}${rehearsal.commit ? `, judged for commit ${rehearsal.commit.slice(0, 12)}` : ''}`,
  );
  const locks = rehearsal.locks.map(
    (lock) => `${lock.name}${lock.heldBy ? ` (held by ${lock.heldBy})` : ''}`,
  );
  lines.push(`  locks it would take: ${locks.length > 0 ? locks.join(', ') : 'none'}`);
  lines.push(
    rehearsal.reviewedPlanHash
      ? `  reviewed plan: apply plans again and refuses unless the plan is ${rehearsal.reviewedPlanHash}`
      : '  reviewed plan: none known (--reviewed-plan FILE or --pr N); apply would plan again and run that plan',
  );
  lines.push('Nothing was run, locked or recorded (--dry-run).');
  return `${lines.join('\n')}\n`;
}
