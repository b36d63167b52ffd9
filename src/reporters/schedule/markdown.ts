/**
 * `--format markdown`: per site a Mermaid `gantt` (GitHub renders it) with the windows and the
 * changes on one timeline, conflicting changes marked `crit`, then the table of every change.
 */
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import { zoneClock } from '../../core/zone-clock.js';
import type { Schedule, ScheduleEntry } from '../../schedule/model.js';
import type { Occurrence } from '../../windows/model.js';
import { toIsoLocal } from '../../windows/time-text.js';
import { escapeMarkdown } from '../digest/markdown.js';
import { conflictText, stateText, targetsText } from './describe.js';

const NO_SITE = '(no site)';

export function renderScheduleMarkdown(schedule: Schedule): string {
  const zone = schedule.timezone;
  const lines = [
    `### netchange schedule: ${formatLocalAndUtc(Date.parse(schedule.from), zone)} to ${formatLocalAndUtc(Date.parse(schedule.until), zone)}`,
    '',
    `${schedule.changes.length} change(s), ${schedule.conflicts.length} conflict(s). The timelines are in ${zone} time.`,
  ];
  const sites = schedule.site
    ? [schedule.site]
    : [
        ...new Set(schedule.changes.flatMap((entry) => (entry.sites.length > 0 ? entry.sites : [NO_SITE]))),
      ].sort();
  for (const site of sites) {
    const changes = schedule.changes.filter((entry) =>
      site === NO_SITE ? entry.sites.length === 0 : entry.sites.includes(site),
    );
    const windows = schedule.windows.filter((window) => site !== NO_SITE && window.sites.includes(site));
    lines.push(
      '',
      `#### ${escapeMarkdown(site)}`,
      '',
      '```mermaid',
      ...gantt(site, changes, windows, zone),
      '```',
    );
  }
  lines.push('', '| State | Change | When | Targets | Conflicts |', '|---|---|---|---|---|');
  for (const entry of schedule.changes) {
    lines.push(
      `| ${cell(stateText(entry))} | **${cell(entry.id)}** ${cell(entry.title)} | ${cell(formatSpanLocalAndUtc(entry.startMs, entry.occupiedEndMs, entry.timezone))} | ${cell(targetsText(entry))} | ${cell(entry.conflicts.map(conflictText).join('; ') || 'none')} |`,
    );
  }
  if (schedule.changes.length === 0) lines.push('| | No changes scheduled. | | | |');
  return `${lines.join('\n')}\n`;
}

function gantt(
  site: string,
  changes: readonly ScheduleEntry[],
  windows: readonly Occurrence[],
  zone: string,
): string[] {
  const local = localTime(zone);
  const lines = [
    'gantt',
    `  title ${label(site)}`,
    '  dateFormat YYYY-MM-DD HH:mm',
    '  axisFormat %d %b %H:%M',
  ];
  if (windows.length > 0) {
    lines.push('  section windows');
    for (const window of windows) {
      const tag = window.effect === 'deny' ? 'crit, ' : 'active, ';
      lines.push(
        `  ${label(`${window.effect} ${window.window}`)} : ${tag}${local(window.startMs)}, ${length(window.startMs, window.endMs)}`,
      );
    }
  }
  lines.push('  section changes');
  for (const entry of changes) {
    const tag = entry.conflicts.length > 0 ? 'crit, ' : '';
    lines.push(
      `  ${label(`${entry.id} ${entry.title}`)} : ${tag}${local(entry.startMs)}, ${length(entry.startMs, entry.occupiedEndMs)}`,
    );
  }
  return lines;
}

/** `YYYY-MM-DD HH:mm` in the schedule's zone, as the gantt's dateFormat reads. */
function localTime(zone: string): (epochMs: number) => string {
  const clock = zoneClock(zone);
  return (epochMs) => toIsoLocal(epochMs, clock).slice(0, 16).replace('T', ' ');
}

/**
 * A bar's length as a mermaid duration in minutes (`90m`). why: an end given as a local wall time is
 * wrong across a DST change: on the fall-back night 01:30 CDT + 1 h is 01:30 CST, which drew as a
 * zero-length bar; the start stays local (the axis reads in the schedule's zone), the length is exact.
 */
function length(startMs: number, endMs: number): string {
  return `${Math.max(0, Math.round((endMs - startMs) / 60_000))}m`;
}

/** A task or title the gantt grammar cannot misread: no `:` (splits name from data), `;`, `#` or newlines. */
function label(text: string): string {
  const clean = text
    .replace(/[:;#\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > 60 ? `${clean.slice(0, 59)}…` : clean || '-';
}

// why: titles and targets come from proposals, and the table is posted where GitHub renders it: the
// digest's escaping (markup, `|`, @mentions, `#12`, bare URLs, raw HTML, one line) keeps them text.
function cell(text: string): string {
  return escapeMarkdown(text);
}
