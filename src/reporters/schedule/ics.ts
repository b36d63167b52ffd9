/**
 * `--format ics`: a calendar both teams subscribe to. One VEVENT per change (UID = the proposal id,
 * SEQUENCE = how many commits touched its file, so a subscribed calendar updates the event in place)
 * and one per window occurrence, each in its own local zone with a VTIMEZONE for every zone used.
 * why: ical-generator writes the calendar and timezones-ical-library the VTIMEZONE blocks from the
 * IANA database; times are handed over as Temporal ZonedDateTimes, so DTSTART is the local wall time.
 */
import ical, { ICalEventStatus, ICalEventTransparency } from 'ical-generator';
import { Temporal } from 'temporal-polyfill';
import { tzlib_get_ical_block } from 'timezones-ical-library';
import type { Schedule, ScheduleEntry } from '../../schedule/model.js';
import type { Occurrence } from '../../windows/model.js';
import { oneLine } from '../digest/describe.js';
import { conflictText, stateText, targetsText } from './describe.js';

export function renderScheduleIcs(schedule: Schedule): string {
  const calendar = newCalendar('netchange schedule');
  const stamp = new Date(Date.parse(schedule.from));
  for (const entry of schedule.changes) {
    calendar.createEvent({
      id: entry.id,
      sequence: entry.revision,
      stamp,
      ...times(entry.startMs, entry.occupiedEndMs, entry.timezone),
      summary: `${entry.id} ${oneLine(entry.title)} (${stateText(entry)})`,
      description: describeEntry(entry),
      status: entry.state === 'ready' ? ICalEventStatus.CONFIRMED : ICalEventStatus.TENTATIVE,
      categories: [{ name: 'change' }, { name: entry.type }],
      ...(entry.sites.length > 0 ? { location: entry.sites.join(', ') } : {}),
    });
  }
  addWindowEvents(calendar, schedule.windows, stamp);
  return calendar.toString();
}

/** A calendar whose VTIMEZONE blocks come from the IANA database, one per zone its events use. */
export function newCalendar(name: string): ReturnType<typeof ical> {
  return ical({
    name,
    prodId: { company: 'netchange', product: name, language: 'EN' },
    timezone: { name: null, generator: (zone: string) => tzlib_get_ical_block(zone)[0] ?? null },
  });
}

/** Window occurrences as events of their own: deny windows busy, allow windows free. */
export function addWindowEvents(
  calendar: ReturnType<typeof ical>,
  windows: readonly Occurrence[],
  stamp: Date,
): void {
  for (const window of windows) {
    calendar.createEvent({
      id: `window-${window.window.replace(/[^A-Za-z0-9_.-]+/g, '-')}-${window.start}`,
      stamp,
      ...times(window.startMs, window.endMs, window.timezone),
      summary: `${window.effect === 'deny' ? 'No changes' : 'Change window'}: ${window.window}`,
      ...(window.reason ? { description: window.reason } : {}),
      transparency:
        window.effect === 'deny' ? ICalEventTransparency.OPAQUE : ICalEventTransparency.TRANSPARENT,
      categories: [{ name: 'window' }, { name: window.effect }],
    });
  }
}

/**
 * An event's start and end as local wall times in `zone`, or in UTC when either falls in the hour a
 * fall-back repeats. why: `DTSTART;TZID=…:20261101T010000` names two instants; RFC 5545 says the
 * first, but calendar clients differ, and an event must not move by an hour in someone's calendar.
 */
function times(
  startMs: number,
  endMs: number,
  zone: string,
): { start: Temporal.ZonedDateTime | Date; end: Temporal.ZonedDateTime | Date; timezone?: string } {
  const start = Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(zone);
  const end = Temporal.Instant.fromEpochMilliseconds(endMs).toZonedDateTimeISO(zone);
  if (isRepeatedHour(start) || isRepeatedHour(end)) return { start: new Date(startMs), end: new Date(endMs) };
  return { start, end, timezone: zone };
}

function isRepeatedHour(time: Temporal.ZonedDateTime): boolean {
  const wall = time.toPlainDateTime();
  const earlier = wall.toZonedDateTime(time.timeZoneId, { disambiguation: 'earlier' });
  const later = wall.toZonedDateTime(time.timeZoneId, { disambiguation: 'later' });
  return earlier.epochMilliseconds !== later.epochMilliseconds;
}

function describeEntry(entry: ScheduleEntry): string {
  return [
    `State: ${stateText(entry)}`,
    `Type: ${entry.type}, domain ${entry.domain}`,
    `Requester: @${entry.requester.github} (${entry.requester.team})`,
    `Targets: ${targetsText(entry)}`,
    `Proposal: ${entry.file}`,
    ...(entry.occupiedEndMs > entry.endMs
      ? ['The event includes the rollback time reserved after the change.']
      : []),
    ...entry.conflicts.map((conflict) => `Conflicts with ${conflictText(conflict)}`),
  ].join('\n');
}
