/**
 * What `netchange windows` and `netchange next` print: a calendar grouped by day (local time and
 * UTC), an iCalendar file, and the next allowed slots with what blocks the requested one. Pure.
 */
import { foldLines } from 'ical-generator';
import { createEvents, type EventAttributes } from 'ics';
import type { Finding, Interval } from '../core/findings.js';
import { formatLocalAndUtc, formatLocalDay, formatSpanLocalAndUtc } from '../core/time.js';
import { describeHorizon } from './evaluate.js';
import type { Occurrence } from './model.js';

export interface CalendarHeading {
  /** Start of the listed span. */
  from: Date;
  /** Length of the span in days. */
  days: number;
  /** The policy's zone: days are grouped in it. */
  timezone: string;
  /** The --site filter, when given. */
  site?: string;
  /** The --domain filter, when given. */
  domain?: string;
}

/** A readable calendar: one heading per local day, each occurrence in its own zone and in UTC. */
export function renderCalendarText(occurrences: readonly Occurrence[], heading: CalendarHeading): string {
  const filters = [
    heading.site ? `site ${heading.site}` : '',
    heading.domain ? `domain ${heading.domain}` : '',
  ].filter(Boolean);
  const fromMs = heading.from.getTime();
  const lines = [
    `Windows${filters.length ? ` for ${filters.join(', ')}` : ''}: ${heading.days} day${heading.days === 1 ? '' : 's'} from ${formatLocalAndUtc(fromMs, heading.timezone)}, days in ${heading.timezone}`,
  ];
  if (occurrences.length === 0) {
    lines.push('', 'No window occurs in this span: changes are neither blocked nor restricted by a window.');
    return `${lines.join('\n')}\n`;
  }
  let currentDay = '';
  for (const occurrence of occurrences) {
    const dayStart = Math.max(occurrence.startMs, fromMs);
    const day = formatLocalDay(dayStart, heading.timezone);
    if (day !== currentDay) {
      lines.push('', day);
      currentDay = day;
    }
    const ongoing = occurrence.startMs < fromMs ? ' (ongoing)' : '';
    lines.push(
      `  ${occurrence.effect === 'deny' ? 'deny ' : 'allow'}  ${formatSpanLocalAndUtc(occurrence.startMs, occurrence.endMs, occurrence.timezone)}  ${occurrence.window}${occurrence.label ? ` — ${occurrence.label}` : ''}${ongoing}`,
    );
    if (occurrence.reason) lines.push(`         ${occurrence.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * RFC 5545 via the `ics` package. why: `ics` cannot write TZID parameters or VTIMEZONE components,
 * so every DTSTART/DTEND is written in UTC (`…Z`), which is exact and which every calendar client
 * shows in its viewer's zone; the window's own zone and local times go into the description.
 */
export function renderCalendarIcs(occurrences: readonly Occurrence[]): string {
  if (occurrences.length === 0) {
    // why: `ics` refuses an empty event list, but an empty calendar is a valid subscription.
    return [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:netchange',
      'METHOD:PUBLISH',
      'X-WR-CALNAME:netchange windows',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
  }
  const events: EventAttributes[] = occurrences.map((occurrence) => {
    const scope = Object.entries(occurrence.scope)
      .map(([key, values]) => `${key}: ${(values as string[]).join(', ')}`)
      .join('; ');
    return {
      uid: `${occurrence.window}-${occurrence.start}@netchange`,
      title: `${occurrence.effect === 'deny' ? 'Changes blocked' : 'Change window'}: ${occurrence.window}${occurrence.label ? ` (${occurrence.label})` : ''}`,
      description: [
        occurrence.reason,
        `${formatSpanLocalAndUtc(occurrence.startMs, occurrence.endMs, occurrence.timezone)}, ${occurrence.timezone}`,
        scope ? `Scope: ${scope}` : 'Scope: every change',
      ]
        .filter(Boolean)
        .join('\n'),
      start: occurrence.startMs,
      startInputType: 'utc',
      startOutputType: 'utc',
      end: occurrence.endMs,
      endInputType: 'utc',
      endOutputType: 'utc',
      categories: [occurrence.effect],
      busyStatus: occurrence.effect === 'deny' ? 'BUSY' : 'FREE',
      productId: 'netchange',
      calName: 'netchange windows',
      method: 'PUBLISH',
    };
  });
  const { error, value } = createEvents(events);
  if (error || !value) throw new Error(`could not render the calendar: ${error?.message ?? 'no output'}`);
  return foldByOctets(value);
}

/**
 * Refolds iCalendar text so no line exceeds 75 octets (RFC 5545 §3.1). why: `ics` folds at 75
 * characters, and the local times in each description hold a 3-octet dash; ical-generator's
 * folding, which `schedule --format ics` writes with, counts UTF-8 octets and never splits a
 * character, so the `ics` folds are undone and the lines folded again by it.
 */
function foldByOctets(text: string): string {
  return foldLines(text.replace(/\r\n[ \t]/g, ''));
}

export interface NextReport {
  /** Proposal file. */
  file: string;
  /** Proposal id. */
  id: string;
  /** The requested occupied interval (rollback included). */
  requested: Interval;
  /** The proposal's display zone. */
  timezone: string;
  /** True when the requested slot satisfies every window. */
  open: boolean;
  /** Window findings about the requested slot (what blocks it). */
  blockedBy: Finding[];
  /** The next allowed occupied intervals, earliest first. */
  slots: (Interval & { localStart: string; localEnd: string })[];
  /** How far the search looked. */
  horizon: string;
}

/** The `next` command's text: the requested slot, what blocks it, and the next allowed slots. */
export function renderNextText(report: NextReport): string {
  const requestedStart = Date.parse(report.requested.start);
  const requestedEnd = Date.parse(report.requested.end);
  const lines = [
    `${report.file} (${report.id}) requests ${formatSpanLocalAndUtc(requestedStart, requestedEnd, report.timezone)}, rollback time included.`,
  ];
  if (report.open) lines.push('The requested slot is allowed by every window.');
  else {
    lines.push('', 'The requested slot is blocked:');
    for (const finding of report.blockedBy) {
      lines.push(`  ${finding.severity}: ${finding.message}`);
      if (finding.detail) lines.push(`    ${finding.detail}`);
    }
  }
  lines.push('');
  if (report.slots.length === 0) {
    lines.push(
      `No allowed slot within ${describeHorizon(report.horizon)}. Widen an allow window, narrow a deny window, or shorten the change.`,
    );
  } else {
    lines.push(
      `Next allowed slot${report.slots.length > 1 ? 's' : ''} (searched ${describeHorizon(report.horizon)} ahead):`,
    );
    report.slots.forEach((slot, index) => {
      const start = Date.parse(slot.start);
      const end = Date.parse(slot.end);
      lines.push(`  ${index + 1}. ${formatSpanLocalAndUtc(start, end, report.timezone)}`);
    });
  }
  return `${lines.join('\n')}\n`;
}
