/**
 * The notations only window policies use: local times and date-times as wall-clock values.
 * Durations, RFC 3339 and the display format live in core/time.ts.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, toRfc3339WithOffset } from '../core/time.js';
import type { WallMs, ZoneClock } from '../core/zone-clock.js';

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

/** RFC 3339 with the zone's offset (`2026-11-30T06:00:00-06:00`), the form `localStart` fields use. */
export function toIsoLocal(epochMs: number, clock: ZoneClock): string {
  return toRfc3339WithOffset(epochMs, clock.offsetAt(epochMs));
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
