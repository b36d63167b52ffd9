/** `from` + `to`: one span of local time (a freeze, a one-off maintenance window). */

import { type WallMs, type ZoneClock, zoneClock } from '../../core/zone-clock.js';
import { onceExpander } from '../schedules.js';
import { formatWall, parseLocalDateTime } from '../time-text.js';
import { findingList, type ScheduleForm } from './form.js';

/** The one-off form. */
export const onceForm: ScheduleForm<'from' | 'to'> = {
  selectedBy: ['from', 'to'],
  keys: ['from', 'to'],
  startKey: 'from',
  compile(schedule, { window, zone, usable }) {
    const { findings, error, warning } = findingList();
    let valid = usable;
    const fromWall = parseLocalDateTime(schedule.from);
    const toWall = parseLocalDateTime(schedule.to);
    if (fromWall === undefined) {
      error(
        ['from'],
        `window '${window}': invalid from '${schedule.from}'`,
        "Give a local date-time 'YYYY-MM-DDTHH:MM' or a date.",
      );
      valid = false;
    }
    if (toWall === undefined) {
      error(
        ['to'],
        `window '${window}': invalid to '${schedule.to}'`,
        "Give a local date-time 'YYYY-MM-DDTHH:MM' or a date.",
      );
      valid = false;
    }
    if (fromWall !== undefined && toWall !== undefined) {
      if (fromWall > toWall) {
        error(
          ['to'],
          `window '${window}': to (${schedule.to}) is before from (${schedule.from})`,
          'Swap the two, or fix the date.',
        );
        valid = false;
      } else if (fromWall === toWall) {
        warning(
          ['to'],
          `window '${window}' has zero length (from equals to) and never blocks or allows anything`,
          'Fix from or to.',
        );
      }
    }
    if (!valid || fromWall === undefined || toWall === undefined) return { findings };
    const clock = zoneClock(zone);
    const start = firstInstantFrom(clock, fromWall);
    const end = firstInstantFrom(clock, toWall);
    if (fromWall < toWall && end.epochMs <= start.epochMs) {
      error(
        ['from'],
        `window '${window}': every local time from ${schedule.from} up to ${schedule.to} falls in a DST gap of ${zone} (the clocks jump forward), so the window holds no instant`,
        'Move from before the clocks jump forward, or to after it.',
      );
      return { findings };
    }
    return {
      findings,
      compiled: {
        expand: onceExpander(start.epochMs, end.epochMs, start.shifted),
        description: `${formatWall(fromWall)} to ${formatWall(toWall)}`,
        maxLengthMs: Math.max(0, end.epochMs - start.epochMs),
      },
    };
  },
};

/**
 * The first instant whose local time is at or after `wall`: the instant `wall` names, or, for a
 * time in a DST gap, the instant the clocks jump (02:30 on 2026-03-08 in Chicago gives 03:00 CDT).
 * why: a one-off window is a span of local time, [from, to); moving a bound that falls in a gap
 * forward by the gap (Temporal's `compatible`, as recurring starts do) would drop the instants
 * after the jump whose local time already lies in the span, and can put from after to.
 */
function firstInstantFrom(clock: ZoneClock, wall: WallMs): { epochMs: number; shifted: boolean } {
  const resolved = clock.toInstant(wall);
  if (!resolved.shifted) return resolved;
  // The jump lies in (wall - later offset, resolved]: before it the old offset holds, from it the new one.
  const later = clock.offsetAt(resolved.epochMs);
  let before = wall - later;
  let after = resolved.epochMs;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (clock.offsetAt(middle) === later) after = middle;
    else before = middle;
  }
  return { epochMs: after, shifted: true };
}
