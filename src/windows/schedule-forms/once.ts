/** `from` + `to`: one span of local time (a freeze, a one-off maintenance window). */

import { zoneClock } from '../../core/zone-clock.js';
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
    const start = clock.toInstant(fromWall);
    const end = clock.toInstant(toWall);
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
