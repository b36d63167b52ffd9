/**
 * The one owner of time notations: which zone names are valid, RFC 3339 for records, the one way
 * a time is shown to people (local time with UTC beside it), and ISO 8601 durations in their two
 * meanings. Pure: nothing here reads the clock; callers pass instants in.
 *
 * The two duration meanings:
 * - **elapsed**: a fixed number of milliseconds; P1D is always 24 hours. Window policies use it
 *   (a window's length, the horizon), and so do timeouts.
 * - **calendar**: added on the local calendar of a zone; P1D is the same local time on the next
 *   day, 23 or 25 hours across a DST change. Proposals' schedules and change-control policies use it.
 */
import { Temporal } from 'temporal-polyfill';
import { zoneClock } from './zone-clock.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

// --- zones -------------------------------------------------------------------------------------

// why: Temporal also accepts a bare UTC offset ('+05:00') as a zone, but Intl (which names zones in
// every report) does not, and an offset has no DST rules: a proposal names a place's zone.
const OFFSET_ZONE = /^[+\-\u2212]\d/;
const ianaZones = new Map<string, boolean>();
const temporalZones = new Map<string, boolean>();

/** True when `zone` looks like a UTC offset (`+05:00`, `-06`), which is not a place's zone. */
export function looksLikeUtcOffset(zone: string): boolean {
  return OFFSET_ZONE.test(zone);
}

/** True when `zone` names an IANA time zone this runtime knows (never a bare UTC offset). */
export function isValidTimeZone(zone: string): boolean {
  let known = ianaZones.get(zone);
  if (known === undefined) {
    known = isTemporalZone(zone) && !looksLikeUtcOffset(zone) && isIntlZone(zone);
    ianaZones.set(zone, known);
  }
  return known;
}

/**
 * True when `zone` is a fixed UTC offset Temporal reads as a zone (`+05:00`). Window policies accept
 * these beside IANA names; proposals and netchange.yaml do not.
 */
export function isUtcOffsetZone(zone: string): boolean {
  return looksLikeUtcOffset(zone) && isTemporalZone(zone);
}

/**
 * True when a window policy may name `zone`: an IANA zone, or a fixed UTC offset such as `+05:00`.
 * why: window policies have always accepted the offsets Temporal reads as zones; proposals do not.
 */
export function isWindowTimeZone(zone: string): boolean {
  return isValidTimeZone(zone) || isUtcOffsetZone(zone);
}

function isTemporalZone(zone: string): boolean {
  let known = temporalZones.get(zone);
  if (known === undefined) {
    try {
      Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
      known = true;
    } catch {
      known = false;
    }
    temporalZones.set(zone, known);
  }
  return known;
}

function isIntlZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// --- RFC 3339 (machine output) ------------------------------------------------------------------

/** RFC 3339 UTC, second precision unless the instant has milliseconds: `2026-11-30T12:00:00Z`. */
export function toRfc3339Utc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with an offset, second precision: `2026-11-30T06:00:00-06:00`. */
export function toRfc3339WithOffset(epochMs: number, offsetMs: number): string {
  return `${new Date(epochMs + offsetMs).toISOString().slice(0, 19)}${formatUtcOffset(offsetMs)}`;
}

/** `+05:30`, `-06:00`, `+00:00`. */
export function formatUtcOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

// --- display (for people) -----------------------------------------------------------------------
//
// The one display format, everywhere a person reads a time (terminal, pull-request comment, check
// run, issues, digest, refusals): the local time in the zone that matters, UTC beside it.
//
//   Sun 29 Nov 2026 02:00 CST (08:00Z)
//   Sun 29 Nov 2026 20:00 CST (30 Nov 02:00Z)          the UTC day when it is not the local one
//   Sun 29 Nov 2026 02:00–03:00 CST (08:00–09:00Z)     a span on one local day
//   Tue 29 Dec 2026 00:00 CST – Fri 1 Jan 2027 00:00 CST (29 Dec 06:00Z – 1 Jan 06:00Z)
//   Sun 29 Nov 2026 08:00 UTC                           no zone, or UTC
//   02:14:07 CST (08:14:07Z)                            progress lines: the time of day only
//
// why: the year is always written. Comments, issues and evidence are read weeks or years later;
// a format that drops the year "when it is the current one" would mean two formats, and the same
// text would change meaning with the reader's date. Machine output (JSON, records) stays RFC 3339 UTC.

/** A local time broken into what the display needs. */
interface LocalParts {
  /** `Sun`. */
  weekday: string;
  /** `29 Nov 2026`. */
  day: string;
  /** `29 Nov` (the day without its year, for the UTC side). */
  dayOfYear: string;
  /** `02:00`. */
  time: string;
  /** `02:00:07`. */
  seconds: string;
  /** `CST`, or the zone's id where the runtime has no letters for it. */
  zoneLabel: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const zoneLabelFormats = new Map<string, Intl.DateTimeFormat | null>();

function zoneLabelFormat(zone: string): Intl.DateTimeFormat | undefined {
  let format = zoneLabelFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' });
    } catch {
      format = null;
    }
    zoneLabelFormats.set(zone, format);
  }
  return format ?? undefined;
}

/** Wall-clock parts of an instant shifted by `offsetMs`, read in UTC. */
function wallParts(epochMs: number, offsetMs: number): Omit<LocalParts, 'zoneLabel'> {
  const wall = new Date(epochMs + offsetMs);
  const text = wall.toISOString();
  const dayOfYear = `${wall.getUTCDate()} ${MONTHS[wall.getUTCMonth()]}`;
  return {
    weekday: WEEKDAYS[wall.getUTCDay()] ?? '',
    day: `${dayOfYear} ${wall.getUTCFullYear()}`,
    dayOfYear,
    time: text.slice(11, 16),
    seconds: text.slice(11, 19),
  };
}

// why: the zone clock's offsets are arithmetic between transitions, but it walks every transition
// between the instants it is asked about; an instant centuries away asks Temporal directly.
const CLOCK_FROM_MS = Date.UTC(1900, 0, 1);
const CLOCK_TO_MS = Date.UTC(2200, 0, 1);

function offsetOf(epochMs: number, zone: string): number {
  if (epochMs >= CLOCK_FROM_MS && epochMs < CLOCK_TO_MS) return zoneClock(zone).offsetAt(epochMs);
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6;
}

/**
 * A zone's letters (CST, EDT) for an offset in a year, asked of ICU once.
 * why: ICU formatting per instant was half the cost of a window report's thousands of local times;
 * within one year a zone does not give one offset two names.
 */
const zoneLabels = new Map<string, string>();

function zoneLabel(epochMs: number, zone: string, offsetMs: number, year: number): string {
  const key = `${zone}\0${offsetMs}\0${year}`;
  let label = zoneLabels.get(key);
  if (label === undefined) {
    const short =
      zoneLabelFormat(zone)
        ?.formatToParts(new Date(epochMs))
        .find((part) => part.type === 'timeZoneName')?.value ?? '';
    // why: ICU has letters (CST, EDT) only for some zones; elsewhere the zone id reads better than GMT+1.
    label = /^[A-Z]{2,5}$/.test(short) ? short : zone;
    zoneLabels.set(key, label);
  }
  return label;
}

function localParts(epochMs: number, zone: string): LocalParts {
  const offsetMs = offsetOf(epochMs, zone);
  const parts = wallParts(epochMs, offsetMs);
  const year = new Date(epochMs + offsetMs).getUTCFullYear();
  return { ...parts, zoneLabel: zoneLabel(epochMs, zone, offsetMs, year) };
}

function isShowable(epochMs: number): boolean {
  return Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 - 2 * DAY_MS;
}

function isLocalZone(zone: string | undefined): zone is string {
  return zone !== undefined && zone !== 'UTC' && zone !== 'Etc/UTC';
}

/** `Sun 29 Nov 2026 08:00 UTC`: an instant in UTC for people, minutes precision. */
export function formatUtcTime(epochMs: number): string {
  if (!isShowable(epochMs)) return `(an instant out of range: ${epochMs})`;
  const utc = wallParts(epochMs, 0);
  return `${utc.weekday} ${utc.day} ${utc.time} UTC`;
}

/**
 * The one display format of an instant: `Sun 29 Nov 2026 02:00 CST (08:00Z)`; the UTC day is
 * written when it differs from the local one (`Sun 29 Nov 2026 20:00 CST (30 Nov 02:00Z)`); UTC
 * alone without a zone or in UTC. Never throws: a zone the runtime cannot show falls back to UTC.
 */
export function formatLocalAndUtc(epochMs: number, zone: string | undefined): string {
  if (!isShowable(epochMs)) return formatUtcTime(epochMs);
  const local = isLocalZone(zone) ? tryLocalParts(epochMs, zone) : undefined;
  if (!local) return formatUtcTime(epochMs);
  const utc = wallParts(epochMs, 0);
  const utcText = utc.day === local.day ? `${utc.time}Z` : `${utc.dayOfYear} ${utc.time}Z`;
  return `${local.weekday} ${local.day} ${local.time} ${local.zoneLabel} (${utcText})`;
}

/**
 * A start–end span in the display format. On one local day:
 * `Sun 29 Nov 2026 02:00–03:00 CST (08:00–09:00Z)`; across days each end is written in full:
 * `Tue 29 Dec 2026 00:00 CST – Fri 1 Jan 2027 00:00 CST (29 Dec 06:00Z – 1 Jan 06:00Z)`.
 */
export function formatSpanLocalAndUtc(startMs: number, endMs: number, zone: string | undefined): string {
  if (!isShowable(startMs) || !isShowable(endMs))
    return `${formatUtcTime(startMs)} – ${formatUtcTime(endMs)}`;
  const utcStart = wallParts(startMs, 0);
  const utcEnd = wallParts(endMs, 0);
  const utcSameDay = utcStart.day === utcEnd.day;
  const localStart = isLocalZone(zone) ? tryLocalParts(startMs, zone) : undefined;
  const localEnd = isLocalZone(zone) ? tryLocalParts(endMs, zone) : undefined;
  if (!localStart || !localEnd) {
    return utcSameDay
      ? `${utcStart.weekday} ${utcStart.day} ${utcStart.time}–${utcEnd.time} UTC`
      : `${utcStart.weekday} ${utcStart.day} ${utcStart.time} – ${utcEnd.weekday} ${utcEnd.day} ${utcEnd.time} UTC`;
  }
  const sameLabel = localStart.zoneLabel === localEnd.zoneLabel;
  const local =
    localStart.day === localEnd.day && sameLabel
      ? `${localStart.weekday} ${localStart.day} ${localStart.time}–${localEnd.time} ${localEnd.zoneLabel}`
      : `${localStart.weekday} ${localStart.day} ${localStart.time} ${localStart.zoneLabel} – ${localEnd.weekday} ${localEnd.day} ${localEnd.time} ${localEnd.zoneLabel}`;
  // why: the UTC day is written only when it is not the local one, as in formatLocalAndUtc.
  const utc =
    utcSameDay && utcStart.day === localStart.day
      ? `${utcStart.time}–${utcEnd.time}Z`
      : utcSameDay
        ? `${utcStart.dayOfYear} ${utcStart.time}–${utcEnd.time}Z`
        : `${utcStart.dayOfYear} ${utcStart.time}Z – ${utcEnd.dayOfYear} ${utcEnd.time}Z`;
  return `${local} (${utc})`;
}

/** `Sun 29 Nov 2026`: the local day of an instant, for calendar headings. */
export function formatLocalDay(epochMs: number, zone: string): string {
  if (!isShowable(epochMs)) return formatUtcTime(epochMs);
  const parts = tryLocalParts(epochMs, zone) ?? wallParts(epochMs, 0);
  return `${parts.weekday} ${parts.day}`;
}

/**
 * The time of day for progress lines of a live run: `02:14:07 CST (08:14:07Z)`, or `08:14:07Z`
 * without a local zone. The day is left out: a progress line is read while the run happens.
 */
export function formatClockTime(epochMs: number, zone: string | undefined): string {
  if (!isShowable(epochMs)) return formatUtcTime(epochMs);
  const utc = wallParts(epochMs, 0);
  const local = isLocalZone(zone) ? tryLocalParts(epochMs, zone) : undefined;
  return local ? `${local.seconds} ${local.zoneLabel} (${utc.seconds}Z)` : `${utc.seconds}Z`;
}

function tryLocalParts(epochMs: number, zone: string): LocalParts | undefined {
  try {
    return localParts(epochMs, zone);
  } catch {
    return undefined;
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

// --- durations ----------------------------------------------------------------------------------

const ELAPSED_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * An ISO 8601 duration with the **elapsed** meaning: fixed milliseconds (weeks, days, hours,
 * minutes, seconds; a day is 24 hours). Years and months have no fixed length, so they are refused
 * rather than guessed. Undefined when the text is not such a duration.
 */
export function parseElapsedDuration(text: string): number | undefined {
  const match = ELAPSED_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, weeks, days, hours, minutes, seconds] = match;
  return (
    Number(weeks ?? 0) * 7 * DAY_MS +
    Number(days ?? 0) * DAY_MS +
    Number(hours ?? 0) * HOUR_MS +
    Number(minutes ?? 0) * MINUTE_MS +
    Number(seconds ?? 0) * 1000
  );
}

/** An ISO 8601 duration with the calendar meaning; add it with {@link addCalendarDuration}. */
export type CalendarDuration = Temporal.Duration;

const calendarDurations = new Map<string, CalendarDuration | null>();

/**
 * An ISO 8601 duration with the **calendar** meaning (any unit, signed as written), or undefined
 * when the text is not a duration. Callers decide whether zero or negative durations are allowed.
 */
export function parseCalendarDuration(text: string): CalendarDuration | undefined {
  let duration = calendarDurations.get(text);
  if (duration === undefined) {
    try {
      duration = Temporal.Duration.from(text);
    } catch {
      duration = null;
    }
    // why: proposals share a few durations (PT1H, PT30M); parsing each once keeps validation fast.
    if (calendarDurations.size > 1000) calendarDurations.clear();
    calendarDurations.set(text, duration);
  }
  return duration ?? undefined;
}

/**
 * `epochMs` plus a calendar duration on the calendar of `zone`: P1D is the same local time the next
 * day (23 or 25 hours across a DST change), hours and smaller are exact elapsed time.
 * Throws RangeError when the result leaves the range dates can have.
 */
export function addCalendarDuration(duration: CalendarDuration, epochMs: number, zone: string): number {
  if (
    duration.years === 0 &&
    duration.months === 0 &&
    duration.weeks === 0 &&
    duration.days === 0 &&
    duration.microseconds === 0 &&
    duration.nanoseconds === 0
  ) {
    // why: time units need no calendar; skipping Temporal here is what keeps PT1H cheap.
    const result =
      epochMs +
      duration.hours * HOUR_MS +
      duration.minutes * MINUTE_MS +
      duration.seconds * 1000 +
      duration.milliseconds;
    if (!isShowable(result)) throw new RangeError(`${duration.toString()} after ${epochMs} is out of range`);
    return result;
  }
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).add(duration)
    .epochMilliseconds;
}

/**
 * The instant a local calendar day (`2026-06-15`) begins in `zone` (its first valid local time on a
 * day that starts in a DST gap), or undefined when the text is not a real date (2026-02-30).
 */
export function startOfLocalDay(date: string, zone: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  try {
    return Temporal.PlainDate.from(date, { overflow: 'reject' }).toZonedDateTime({ timeZone: zone })
      .epochMilliseconds;
  } catch {
    return undefined;
  }
}

/** How many milliseconds a calendar duration lasts when it starts at `fromMs` in `zone`. */
export function calendarDurationMs(duration: CalendarDuration, fromMs: number, zone: string): number {
  return addCalendarDuration(duration, fromMs, zone) - fromMs;
}
