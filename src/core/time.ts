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

/** A local time broken into what the display needs. */
interface LocalParts {
  /** `Sun`. */
  weekday: string;
  /** `2026-11-29`. */
  date: string;
  /** `02:00`. */
  time: string;
  /** `CST`, or the zone's id where the runtime has no letters for it. */
  zoneLabel: string;
}

const displayFormats = new Map<string, Intl.DateTimeFormat | null>();

function displayFormat(zone: string): Intl.DateTimeFormat | undefined {
  let format = displayFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        weekday: 'short',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      format = null;
    }
    displayFormats.set(zone, format);
  }
  return format ?? undefined;
}

function localParts(epochMs: number, zone: string): LocalParts {
  const format = displayFormat(zone);
  if (format) {
    const parts: Record<string, string> = {};
    for (const part of format.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
    const short = parts.timeZoneName ?? '';
    return {
      weekday: parts.weekday ?? '',
      date: `${parts.year}-${parts.month}-${parts.day}`,
      time: `${parts.hour}:${parts.minute}`,
      // why: ICU has letters (CST, EDT) only for some zones; elsewhere the zone id reads better than GMT+1.
      zoneLabel: /^[A-Z]{2,5}$/.test(short) ? short : zone,
    };
  }
  // why: a fixed-offset zone (window policies allow them) is unknown to Intl but not to Temporal.
  const zoned = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone);
  const wall = new Date(epochMs + zoned.offsetNanoseconds / 1e6);
  return {
    weekday: WEEKDAYS[wall.getUTCDay()] ?? '',
    date: wall.toISOString().slice(0, 10),
    time: wall.toISOString().slice(11, 16),
    zoneLabel: zone,
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

function utcParts(epochMs: number): { date: string; time: string } {
  const text = new Date(epochMs).toISOString();
  return { date: text.slice(0, 10), time: text.slice(11, 16) };
}

function isShowable(epochMs: number): boolean {
  return Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15;
}

function isLocalZone(zone: string | undefined): zone is string {
  return zone !== undefined && zone !== 'UTC' && zone !== 'Etc/UTC';
}

/** `2026-11-29 08:00 UTC`: an instant in UTC for people, minutes precision. */
export function formatUtcTime(epochMs: number): string {
  if (!isShowable(epochMs)) return `(an instant out of range: ${epochMs})`;
  const utc = utcParts(epochMs);
  return `${utc.date} ${utc.time} UTC`;
}

/**
 * The one display format of an instant: local time in `zone`, UTC beside it.
 * `2026-11-29 02:00 CST (08:00 UTC)`; the UTC date is written when it differs from the local one
 * (`2026-11-29 20:00 CST (2026-11-30 02:00 UTC)`); UTC alone without a zone or in UTC.
 * Never throws: a zone the runtime cannot show falls back to UTC alone.
 */
export function formatLocalAndUtc(epochMs: number, zone: string | undefined): string {
  if (!isShowable(epochMs)) return formatUtcTime(epochMs);
  const local = isLocalZone(zone) ? tryLocalParts(epochMs, zone) : undefined;
  if (!local) return formatUtcTime(epochMs);
  const utc = utcParts(epochMs);
  const utcText = utc.date === local.date ? `${utc.time} UTC` : `${utc.date} ${utc.time} UTC`;
  return `${local.date} ${local.time} ${local.zoneLabel} (${utcText})`;
}

/**
 * A start–end span in the display format. On one local day:
 * `2026-11-29 02:00–02:14 CST (08:00–08:14 UTC)`; across days each end is written in full:
 * `2026-11-29 22:00 CST – 2026-11-30 06:00 CST (2026-11-30 04:00–12:00 UTC)`.
 */
export function formatSpanLocalAndUtc(startMs: number, endMs: number, zone: string | undefined): string {
  if (!isShowable(startMs) || !isShowable(endMs))
    return `${formatUtcTime(startMs)} – ${formatUtcTime(endMs)}`;
  const utcStart = utcParts(startMs);
  const utcEnd = utcParts(endMs);
  const utcSameDay = utcStart.date === utcEnd.date;
  const localStart = isLocalZone(zone) ? tryLocalParts(startMs, zone) : undefined;
  const localEnd = isLocalZone(zone) ? tryLocalParts(endMs, zone) : undefined;
  if (!localStart || !localEnd) {
    return utcSameDay
      ? `${utcStart.date} ${utcStart.time}–${utcEnd.time} UTC`
      : `${utcStart.date} ${utcStart.time} – ${utcEnd.date} ${utcEnd.time} UTC`;
  }
  const sameLabel = localStart.zoneLabel === localEnd.zoneLabel;
  const local =
    localStart.date === localEnd.date && sameLabel
      ? `${localStart.date} ${localStart.time}–${localEnd.time} ${localEnd.zoneLabel}`
      : `${localStart.date} ${localStart.time} ${localStart.zoneLabel} – ${localEnd.date} ${localEnd.time} ${localEnd.zoneLabel}`;
  // why: the UTC date is written only when it is not the local one, as in formatLocalAndUtc.
  const utc =
    utcSameDay && utcStart.date === localStart.date
      ? `${utcStart.time}–${utcEnd.time} UTC`
      : utcSameDay
        ? `${utcStart.date} ${utcStart.time}–${utcEnd.time} UTC`
        : `${utcStart.date} ${utcStart.time} – ${utcEnd.date} ${utcEnd.time} UTC`;
  return `${local} (${utc})`;
}

/** `Sun 2026-11-29`: the local day of an instant, for calendar headings. */
export function formatLocalDay(epochMs: number, zone: string): string {
  const local = tryLocalParts(epochMs, zone);
  if (!local) return utcParts(epochMs).date;
  return `${local.weekday} ${local.date}`;
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

/** How many milliseconds a calendar duration lasts when it starts at `fromMs` in `zone`. */
export function calendarDurationMs(duration: CalendarDuration, fromMs: number, zone: string): number {
  return addCalendarDuration(duration, fromMs, zone) - fromMs;
}
