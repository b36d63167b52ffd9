/** Plain-words pieces every human-facing schedule format shares. */
import { describeConflictReason, describeSource } from '../../conflicts/describe.js';
import type { ConflictWith } from '../../core/model.js';
import { REVIEW_STATE_LABELS } from '../../core/review-state.js';
import type { ScheduleEntry } from '../../schedule/model.js';

/** `needs approvals`, or `pending (pull request #12)` for another open pull request's proposal. */
export function stateText(entry: ScheduleEntry): string {
  if (entry.state !== 'pending') return REVIEW_STATE_LABELS[entry.state];
  return entry.source.kind === 'pull-request' ? `pending (pull request #${entry.source.number})` : 'pending';
}

/** `sw-1, sw-2 at plant-a`, `terraform/sdwan`, or `—`. */
export function targetsText(entry: ScheduleEntry): string {
  const parts = [
    entry.devices.length > 0 ? entry.devices.join(', ') : '',
    entry.stacks.length > 0 ? entry.stacks.join(', ') : '',
  ].filter(Boolean);
  const where = entry.sites.length > 0 ? ` at ${entry.sites.join(', ')}` : '';
  return parts.length > 0 ? `${parts.join('; ')}${where}` : where ? where.slice(4) : '—';
}

/** `CHG-2 (changes/b.yaml): both change sw-1`. */
export function conflictText(conflict: ConflictWith): string {
  const reasons = conflict.reasons.map(describeConflictReason).join('; ');
  return `${conflict.id} (${describeSource(conflict.file, conflict.source)}): ${reasons}`;
}
