import { configError } from '../core/errors.js';
import { calendarDurationMs, parseCalendarDuration } from '../core/time.js';

// why: days and longer need a reference date; a fixed one keeps the figure deterministic (P1M is 31 days).
const REFERENCE_MS = Date.UTC(2000, 0, 1);

/** Milliseconds of an ISO 8601 duration from netchange.yaml (e.g. `PT30M`); a bad one is a config error. */
export function durationMs(iso: string, key: string): number {
  const duration = parseCalendarDuration(iso);
  try {
    if (duration) return calendarDurationMs(duration, REFERENCE_MS, 'UTC');
  } catch {
    // a duration too long for any date: the same config error as an unreadable one
  }
  throw configError(`${key} '${iso}' is not an ISO 8601 duration`, {
    hint: 'Write it like PT30M or PT10S.',
  });
}
