import { Temporal } from 'temporal-polyfill';
import { configError } from '../core/errors.js';

/** Milliseconds of an ISO 8601 duration from netchange.yaml (e.g. `PT30M`); a bad one is a config error. */
export function durationMs(iso: string, key: string): number {
  try {
    const duration = Temporal.Duration.from(iso);
    // why: days and longer need a reference date; a fixed one keeps the figure deterministic.
    return duration.total({ unit: 'milliseconds', relativeTo: Temporal.PlainDate.from('2000-01-01') });
  } catch {
    throw configError(`${key} '${iso}' is not an ISO 8601 duration`, {
      hint: 'Write it like PT30M or PT10S.',
    });
  }
}
