/**
 * The system clock: the one adapter that reads the time of day. The CLI passes it (or `--at`) to
 * the stages as a `Clock`; modules that still default to it keep their old signatures working.
 */
import type { Clock } from './ports.js';

/** Reads the machine's clock on every call. */
export const systemClock: Clock = {
  now: () => new Date(),
};
