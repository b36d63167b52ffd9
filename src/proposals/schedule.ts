import { Temporal } from 'temporal-polyfill';
import type { Finding } from '../core/findings.js';
import type { ChangeProposal, Locate } from '../core/model.js';
import {
  addCalendarDuration,
  DAY_MS,
  formatLocalAndUtc,
  isValidTimeZone,
  looksLikeUtcOffset,
  parseCalendarDuration,
  parseElapsedDuration,
  toRfc3339Utc,
} from '../core/time.js';

export interface ResolvedSchedule {
  startMs: number;
  endMs: number;
  rollbackMs: number;
  timezone: string;
}

const OFFSET_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/i;
// why: the common RFC 3339 shape, parsed without Temporal (which is ~20x slower per call); anything
// else with an offset still goes through Temporal.Instant.from, the authority on what is valid.
const SIMPLE_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The earliest instant a schedule may name: 1970-01-01T00:00:00Z. */
export const EARLIEST_SCHEDULE_MS = 0;
/** The latest instant a schedule may name: the end of year 9999, the last four-digit RFC 3339 year. */
export const LATEST_SCHEDULE_MS = Date.UTC(9999, 11, 31, 23, 59, 59);
/**
 * The longest a change may occupy, from start to end plus rollback time: 90 days.
 * why: windows, locks and calendars expand every occurrence across the occupied interval; a
 * mistyped year or duration (P99999999D) must be a finding, not hours of work or a crash.
 */
export const MAX_OCCUPIED_MS = 90 * 86_400_000;

const SIMPLE_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Offset (ms) of a zone for a whole local day, or null when the day has a DST transition. */
const dayOffsets = new Map<string, number | null>();

/** A stretch of instants `[fromMs, toMs)` over which a zone keeps one UTC offset. */
interface OffsetSpan {
  fromMs: number;
  toMs: number;
  offsetMs: number;
}

/**
 * Per zone, the spans between DST transitions met so far.
 * why: 5,000 proposals on a thousand different nights would ask Temporal about each night; a
 * span answers every day between two transitions (about half a year) with arithmetic.
 */
const offsetSpans = new Map<string, OffsetSpan[]>();

/** The zone's offset over the whole local day starting at `dayWallMs`, when a known span holds it. */
function offsetFromSpans(zone: string, dayWallMs: number): number | undefined {
  for (const span of offsetSpans.get(zone) ?? []) {
    const startMs = dayWallMs - span.offsetMs;
    // why: strictly before `toMs`: a transition at the next midnight makes the day's ends differ.
    if (startMs >= span.fromMs && startMs + DAY_MS < span.toMs) return span.offsetMs;
  }
  return undefined;
}

/** Records the span of constant offset around `start` (a day's first instant), from its transitions. */
function rememberSpan(zone: string, start: Temporal.ZonedDateTime): void {
  const previous = start.getTimeZoneTransition('previous');
  const next = start.getTimeZoneTransition('next');
  // why: when the day begins exactly at a transition, the previous one bounds another offset.
  const fromMs = !previous
    ? Number.NEGATIVE_INFINITY
    : previous.offsetNanoseconds === start.offsetNanoseconds
      ? previous.epochMilliseconds
      : start.epochMilliseconds;
  const spans = offsetSpans.get(zone) ?? [];
  spans.push({
    fromMs,
    toMs: next ? next.epochMilliseconds : Number.POSITIVE_INFINITY,
    offsetMs: start.offsetNanoseconds / 1e6,
  });
  offsetSpans.set(zone, spans);
}

/**
 * A local wall-clock time in a zone, without Temporal when the day has one offset throughout (all
 * but a couple of days a year). Transition days return undefined and take Temporal's exact
 * `compatible` path. The per-day offset is cached: proposals share far fewer days than they number.
 */
function simpleLocalInstant(text: string, zone: string): number | undefined {
  const match = SIMPLE_LOCAL.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) =>
    Number(match[index] ?? 0),
  ) as [number, number, number, number, number, number];
  if (!validFields(year, month, day, hour, minute, second)) return undefined;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  const key = `${zone}|${date}`;
  let offset = dayOffsets.has(key)
    ? dayOffsets.get(key)
    : offsetFromSpans(zone, Date.UTC(year, month - 1, day));
  if (offset === undefined) {
    const start = Temporal.PlainDate.from(date).toZonedDateTime(zone);
    const next = start.add({ days: 1 });
    offset =
      start.offsetNanoseconds === next.offsetNanoseconds && start.hour === 0
        ? start.offsetNanoseconds / 1e6
        : null;
    dayOffsets.set(key, offset);
    rememberSpan(zone, start);
  }
  if (offset === null) return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) - offset;
}

function validFields(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): boolean {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth && hour <= 23 && minute <= 59 && second <= 59
  );
}

function simpleInstant(text: string): number | undefined {
  const match = SIMPLE_INSTANT.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, sign, offsetHours, offsetMinutes] = [
    Number(match[1]),
    Number(match[2]),
    Number(match[3]),
    Number(match[4]),
    Number(match[5]),
    Number(match[6] ?? 0),
    match[7],
    Number(match[8] ?? 0),
    Number(match[9] ?? 0),
  ];
  if (!validFields(year, month, day, hour, minute, second)) return undefined;
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offsetMs = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return Date.UTC(year, month - 1, day, hour, minute, second) - offsetMs;
}

/**
 * Turns a proposal's schedule into instants. Times with an offset are RFC 3339 instants; times
 * without one are wall-clock times in the schedule's (or the repository's default) time zone.
 * Every problem is a `reference` finding at the offending key; nothing falls back to UTC silently.
 */
export function resolveSchedule(
  proposal: ChangeProposal,
  locate: Locate,
  file: string,
  defaultTimezone: string | undefined,
): { schedule?: ResolvedSchedule; findings: Finding[] } {
  const schedule = proposal.schedule;
  const findings: Finding[] = [];
  const problem = (key: string, message: string, hint: string): void => {
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message,
      hint,
      file,
      ...locate(['schedule', key]),
    });
  };

  const zone = schedule.timezone ?? defaultTimezone;
  if (schedule.timezone !== undefined && !isValidTimeZone(schedule.timezone)) {
    problem(
      'timezone',
      `schedule.timezone '${schedule.timezone}' is not a known IANA time zone`,
      looksLikeUtcOffset(schedule.timezone)
        ? `'${schedule.timezone}' is a UTC offset, not a zone: name the place's zone (America/Chicago, Asia/Karachi), or put the offset on start and end.`
        : 'Use a zone name such as America/Chicago or Europe/Berlin (not an abbreviation like CST).',
    );
    return { findings };
  }
  if (schedule.timezone === undefined && zone !== undefined && !isValidTimeZone(zone)) {
    problem(
      'start',
      `the default time zone '${zone}' (defaults.timezone in netchange.yaml) is not a known IANA time zone`,
      'Fix defaults.timezone in netchange.yaml, or set schedule.timezone in the proposal.',
    );
    return { findings };
  }

  const parseTime = (key: 'start' | 'end', text: string): number | undefined => {
    const instant = readTime(key, text);
    if (instant === undefined || (instant >= EARLIEST_SCHEDULE_MS && instant <= LATEST_SCHEDULE_MS))
      return instant;
    problem(
      key,
      `schedule.${key} '${text}' is outside the years netchange schedules (1970 to 9999)`,
      "Check the year: write RFC 3339 with a four-digit year, like '2026-11-29T02:00:00-06:00'.",
    );
    return undefined;
  };
  const readTime = (key: 'start' | 'end', text: string): number | undefined => {
    try {
      if (OFFSET_SUFFIX.test(text))
        return simpleInstant(text) ?? Temporal.Instant.from(text).epochMilliseconds;
      if (!zone) {
        problem(
          key,
          `schedule.${key} '${text}' has no UTC offset and no time zone is given`,
          "Add an offset (e.g. '-06:00') or set schedule.timezone.",
        );
        return undefined;
      }
      const fast = simpleLocalInstant(text, zone);
      if (fast !== undefined) return fast;
      // why: Temporal reads a bare date as its midnight, which no one writing a change time means.
      if (!/\d[Tt ]\d/.test(text)) {
        problem(
          key,
          `schedule.${key} '${text}' has no time of day`,
          "Write the time too: a local '2026-11-29T02:00' with schedule.timezone, or RFC 3339 like '2026-11-29T02:00:00-06:00'.",
        );
        return undefined;
      }
      // why: a local time in a DST gap moves forward by the gap; an ambiguous one takes the earlier offset.
      return Temporal.PlainDateTime.from(text, { overflow: 'reject' }).toZonedDateTime(zone, {
        disambiguation: 'compatible',
      }).epochMilliseconds;
    } catch (error) {
      problem(
        key,
        `schedule.${key} '${text}' is not a valid date-time (${error instanceof Error ? error.message : 'unreadable'})`,
        "Write RFC 3339 like '2026-11-29T02:00:00-06:00', or a local '2026-11-29T02:00' with schedule.timezone.",
      );
      return undefined;
    }
  };
  /**
   * A duration as a function from a start instant to the instant after it; NaN when the sum
   * leaves the range dates can have (the occupied-time check below reports it).
   * why: a schedule's duration has the calendar meaning: P1D across a DST change is 23 or 25 hours.
   */
  const parseDuration = (
    key: 'duration' | 'rollback',
    text: string,
  ): ((fromMs: number) => number) | undefined => {
    const duration = parseCalendarDuration(text);
    if (duration && duration.sign >= 0) {
      return (fromMs) => {
        try {
          return addCalendarDuration(duration, fromMs, zone ?? 'UTC');
        } catch {
          return Number.NaN;
        }
      };
    }
    // why: hours, minutes and seconds mean the same elapsed or calendar; one too large for Temporal
    // (PT99999999999999999999H) still has a length, which the occupied-time check reports.
    const elapsedMs = /^PT\d/.test(text) ? parseElapsedDuration(text) : undefined;
    if (elapsedMs !== undefined) return (fromMs) => fromMs + elapsedMs;
    problem(
      key,
      `schedule.${key} '${text}' is not an ISO 8601 duration`,
      "Write durations like 'PT1H', 'PT30M' or 'P1DT2H'.",
    );
    return undefined;
  };

  const startMs = parseTime('start', schedule.start);
  const end = schedule.end !== undefined ? parseTime('end', schedule.end) : undefined;
  const duration = schedule.duration !== undefined ? parseDuration('duration', schedule.duration) : undefined;
  const rollback = schedule.rollback !== undefined ? parseDuration('rollback', schedule.rollback) : undefined;
  if (startMs === undefined || findings.length > 0) return { findings };

  const endMs = end !== undefined ? end : duration ? duration(startMs) : Number.NaN;
  if (duration && !(endMs - startMs <= MAX_OCCUPIED_MS)) {
    tooLong('duration', schedule.duration);
    return { findings };
  }
  if (!(endMs > startMs)) {
    const moved = end !== undefined && zone ? movedByGap(schedule.start, startMs, zone) : undefined;
    problem(
      end !== undefined ? 'end' : 'duration',
      end !== undefined
        ? `schedule.end must be after schedule.start${moved ?? ''}`
        : 'schedule.duration must be longer than zero',
      moved
        ? 'Start at or after the clock change, or give the times with their UTC offset.'
        : end !== undefined
          ? 'Swap the times or fix the date.'
          : "Give a positive duration such as 'PT1H'.",
    );
    return { findings };
  }
  if (!(endMs - startMs <= MAX_OCCUPIED_MS)) {
    tooLong('end', schedule.end);
    return { findings };
  }
  const rollbackMs = rollback ? rollback(endMs) - endMs : 0;
  if (!(endMs + rollbackMs - startMs <= MAX_OCCUPIED_MS)) {
    tooLong('rollback', schedule.rollback);
    return { findings };
  }
  return { schedule: { startMs, endMs, rollbackMs, timezone: zone ?? 'UTC' }, findings };

  function tooLong(key: 'end' | 'duration' | 'rollback', text: string | undefined): void {
    problem(
      key,
      `schedule.${key} '${text}' makes the change occupy more than ${MAX_OCCUPIED_MS / 86_400_000} days (start to end plus rollback), the most netchange accepts`,
      'Check the dates and durations; split longer work into several changes.',
    );
  }
}

/** How far after the evaluation time a change may start: 5 years (1,826 days). */
export const MAX_LEAD_MS = 1826 * 86_400_000;

/**
 * An error when a change starts more than five years after `atMs`, else undefined.
 * why: windows are expanded from the evaluation time to the change, so a mistyped year (2926)
 * would cost minutes of occurrences no one reads; no real change is planned that far ahead.
 */
export function checkLeadTime(
  schedule: Pick<ResolvedSchedule, 'startMs'>,
  atMs: number,
  file: string,
  locate: Locate,
): Finding | undefined {
  if (schedule.startMs - atMs <= MAX_LEAD_MS) return undefined;
  return {
    ruleId: 'reference',
    severity: 'error',
    message: `the change starts ${toRfc3339Utc(schedule.startMs)}, more than 5 years after ${toRfc3339Utc(atMs)}; netchange does not evaluate windows that far ahead`,
    hint: 'Check the year in schedule.start.',
    file,
    ...locate(['schedule', 'start']),
  };
}

/**
 * Why a local start that reads before the end resolved after it: it lies in a spring-forward gap
 * and moved forward by the gap. Undefined otherwise (also for times with an offset).
 * why: "end must be after start" for 02:30 to 03:15 reads as wrong to anyone who does not know
 * that 02:30 does not exist that day.
 */
function movedByGap(text: string, startMs: number, zone: string): string | undefined {
  if (OFFSET_SUFFIX.test(text)) return undefined;
  try {
    const written = Temporal.PlainDateTime.from(text, { overflow: 'reject' });
    const resolved = Temporal.Instant.fromEpochMilliseconds(startMs).toZonedDateTimeISO(zone);
    if (Temporal.PlainDateTime.compare(written, resolved.toPlainDateTime()) === 0) return undefined;
    return `; ${written.toPlainTime().toString({ smallestUnit: 'minute' })} is in the spring-forward gap, so it starts ${formatLocalAndUtc(startMs, zone)}`;
  } catch {
    return undefined;
  }
}
