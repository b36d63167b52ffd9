/** `cron` + `duration`: a five-field cron expression fired on local wall-clock times. */

import { zoneClock } from '../../core/zone-clock.js';
import { checkCron, cronExpander } from '../schedules.js';
import { describeLength } from '../time-text.js';
import { findingList, type ScheduleForm } from './form.js';

/** The cron form. */
export const cronForm: ScheduleForm<'cron'> = {
  selectedBy: ['cron'],
  keys: ['cron', 'duration'],
  startKey: 'cron',
  compile(schedule, { window, zone, durationMs, usable }) {
    const { findings, error, warning } = findingList();
    let valid = usable;
    const checked = checkCron(schedule.cron);
    if (checked.error) {
      error(
        ['cron'],
        `window '${window}': invalid cron '${schedule.cron}': ${checked.error}`,
        "Write five fields: minute hour day-of-month month day-of-week, e.g. '0 1 * * 0'.",
      );
      valid = false;
    } else {
      const [, , dayOfMonth, , dayOfWeek] = checked.fields;
      if (restricted(dayOfMonth) && restricted(dayOfWeek)) {
        warning(
          ['cron'],
          `window '${window}': cron '${schedule.cron}' restricts both day-of-month and day-of-week, so it fires when EITHER matches (classic cron), not when both do`,
          'For "the first Monday of the month" use rrule: FREQ=MONTHLY;BYDAY=1MO. If either-day is what you mean, keep it.',
        );
      }
    }
    if (!valid || durationMs === undefined) return { findings };
    return {
      findings,
      compiled: {
        expand: cronExpander(checked.fields.join(' '), zoneClock(zone), durationMs),
        description: `cron '${schedule.cron}' for ${describeLength(durationMs)}`,
        maxLengthMs: durationMs,
      },
    };
  },
};

function restricted(field: string | undefined): boolean {
  return field !== undefined && field !== '*' && field !== '?';
}
