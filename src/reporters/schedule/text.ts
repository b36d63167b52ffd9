import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import type { Schedule } from '../../schedule/model.js';
import { oneLine } from '../digest/describe.js';
import { conflictText, stateText, targetsText } from './describe.js';

/** `netchange schedule`: one block per change in start order, then the windows of the period. */
export function renderScheduleText(schedule: Schedule): string {
  const zone = schedule.timezone;
  const lines = [
    `Schedule from ${formatLocalAndUtc(Date.parse(schedule.from), zone)} to ${formatLocalAndUtc(Date.parse(schedule.until), zone)}`,
    '',
  ];
  if (schedule.changes.length === 0) lines.push('No changes scheduled.');
  for (const entry of schedule.changes) {
    const marker = entry.conflicts.length > 0 ? '⚠' : '·';
    lines.push(
      `${marker} ${formatSpanLocalAndUtc(entry.startMs, entry.occupiedEndMs, entry.timezone)}  ${entry.id} — ${oneLine(entry.title)}`,
      `    ${stateText(entry)} · ${entry.type} · ${targetsText(entry)}`,
      ...(entry.occupiedEndMs > entry.endMs
        ? [`    rollback time reserved until ${formatLocalAndUtc(entry.occupiedEndMs, entry.timezone)}`]
        : []),
      ...entry.conflicts.map((conflict) => `    conflicts with ${conflictText(conflict)}`),
    );
  }
  lines.push('', `Windows (${schedule.windows.length})`);
  if (schedule.windows.length === 0) lines.push('  none in this period');
  for (const window of schedule.windows) {
    lines.push(
      `  ${window.effect.padEnd(5)} ${window.window}: ${formatSpanLocalAndUtc(window.startMs, window.endMs, window.timezone)}${window.sites.length > 0 ? ` · ${window.sites.join(', ')}` : ''}`,
    );
  }
  const conflicts = schedule.conflicts.length;
  lines.push('', `${schedule.changes.length} change(s), ${conflicts} conflict${conflicts === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
