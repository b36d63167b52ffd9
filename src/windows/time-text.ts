/**
 * Parsing and printing of the few time notations window policies use: ISO 8601 durations as
 * elapsed time, local times and date-times as wall-clock values, and instants in local time and UTC.
 */
import type { WallMs, ZoneClock } from './zone-clock.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * An ISO 8601 duration as elapsed milliseconds (weeks, days, hours, minutes, seconds).
 * why: a day is 24 elapsed hours here, as DESIGN.md says durations are elapsed time; years and
 * months have no fixed length, so they are refused rather than guessed.
 */
export function parseElapsedDuration(text: string): number | undefined {
  const match = DURATION.exec(text);
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

/** `HH:MM[:SS]` as milliseconds after local midnight, or undefined when out of range. */
export function parseClockTime(text: string): number | undefined {
  const match = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return hours * HOUR_MS + minutes * MINUTE_MS + seconds * 1000;
}

/** `YYYY-MM-DD[THH:MM[:SS]]` as a wall-clock value, or undefined when the date does not exist. */
export function parseLocalDateTime(text: string): WallMs | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(.+))?$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const wallDay = Date.UTC(year, month - 1, day);
  const check = new Date(wallDay);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  if (match[4] === undefined) return wallDay;
  const clock = parseClockTime(match[4]);
  return clock === undefined ? undefined : wallDay + clock;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** `2026-11-30 06:00` for a wall-clock value. */
export function formatWall(wall: WallMs): string {
  const date = new Date(wall);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
}

/** `Mon 2026-11-30 06:00 -06:00` — an instant in a zone's local time, with the offset that applied. */
export function formatLocal(epochMs: number, clock: ZoneClock): string {
  const offset = clock.offsetAt(epochMs);
  const wall = epochMs + offset;
  return `${WEEKDAYS[new Date(wall).getUTCDay()]} ${formatWall(wall)} ${formatOffset(offset)}`;
}

/** `2026-11-30 12:00Z` — an instant in UTC, minutes precision. */
export function formatUtc(epochMs: number): string {
  return `${formatWall(epochMs)}Z`;
}

/** RFC 3339 UTC (`2026-11-30T12:00:00Z`), the form every JSON field uses. */
export function toIsoUtc(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('.000Z', 'Z');
}

/** RFC 3339 with the zone's offset (`2026-11-30T06:00:00-06:00`). */
export function toIsoLocal(epochMs: number, clock: ZoneClock): string {
  const offset = clock.offsetAt(epochMs);
  return `${new Date(epochMs + offset).toISOString().slice(0, 19)}${formatOffset(offset)}`;
}

/** `+05:30`, `-06:00`, `+00:00`. */
export function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.round(Math.abs(offsetMs) / MINUTE_MS);
  return `${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** `PT16H` → `16h`, `P3D` → `3d`, for messages. */
export function describeLength(ms: number): string {
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [
    ['d', DAY_MS],
    ['h', HOUR_MS],
    ['min', MINUTE_MS],
    ['s', 1000],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join(' ') || '0s';
}

export { DAY_MS, HOUR_MS, MINUTE_MS };
