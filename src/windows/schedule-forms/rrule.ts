/** `rrule` + `start` + `duration`: an RFC 5545 recurrence rule at a local time of day. */

import { zoneClock } from '../../core/zone-clock.js';
import { needsDatedStart, parseRule, rruleAccepts, rruleOccurs, unreachableTimes } from '../rrule-times.js';
import { rruleExpander } from '../schedules.js';
import { describeLength, parseClockTime, parseLocalDateTime } from '../time-text.js';
import { findingList, type ScheduleForm } from './form.js';

/** The rrule form. */
export const rruleForm: ScheduleForm<'rrule'> = {
  selectedBy: ['rrule'],
  keys: ['rrule', 'start', 'duration'],
  startKey: 'start',
  compile(schedule, { window, zone, durationMs, usable }) {
    const { findings, error, warning } = findingList();
    let valid = usable;
    const rule = parseRule(schedule.rrule);
    const ruleError = rule.error ?? rruleAccepts(rule);
    const start = schedule.start ?? '';
    const dated = start.includes('T');
    const clockMs = parseClockTime(dated ? start.slice(11) : start);
    const anchor = dated ? parseLocalDateTime(start) : undefined;
    if (ruleError) {
      error(
        ['rrule'],
        `window '${window}': invalid RRULE '${schedule.rrule}': ${ruleError}`,
        'Write an RFC 5545 rule such as FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR (no DTSTART; the time comes from start).',
      );
      valid = false;
    } else if (!dated && needsDatedStart(rule)) {
      error(
        ['start'],
        `window '${window}': an RRULE with COUNT needs a dated start`,
        "Write start as a local date-time, e.g. '2026-12-01T06:00', or use UNTIL.",
      );
      valid = false;
    } else if (!dated && anchorDayOf(rule)) {
      warning(
        ['rrule'],
        `window '${window}': RRULE '${schedule.rrule}' names no day, so it takes ${anchorDayOf(rule)} from the default anchor 2000-01-01`,
        'Name the day (BYDAY=SU, BYMONTHDAY=1, BYMONTH=1) or give start as a local date-time.',
      );
    }
    if (clockMs === undefined || (dated && anchor === undefined)) {
      error(
        ['start'],
        `window '${window}': invalid start '${start}'`,
        "Give a local time 'HH:MM' or a local date-time 'YYYY-MM-DDTHH:MM'.",
      );
      valid = false;
    }
    if (!valid || durationMs === undefined || clockMs === undefined) return { findings };
    if (!rruleOccurs(rule, clockMs, anchor)) {
      // why: a time the steps never reach has its own cause, and its own fix, spelled out.
      const unreached = unreachableTimes(rule, clockMs);
      error(
        ['rrule'],
        `window '${window}': RRULE '${schedule.rrule}' never occurs, so the window never blocks or allows anything`,
        unreached
          ? `Its ${unreached}: change BYHOUR/BYMINUTE, INTERVAL or start.`
          : 'Name a day the calendar has (April has no 31st, February no 30th), or an UNTIL after the start.',
      );
      return { findings };
    }
    return {
      findings,
      compiled: {
        expand: rruleExpander(rule, zoneClock(zone), clockMs, anchor, durationMs),
        description: `rrule ${schedule.rrule} at ${start} for ${describeLength(durationMs)}`,
        maxLengthMs: durationMs,
      },
    };
  },
};

/** For rules whose day would come from the anchor's date: which day that is, in words. */
function anchorDayOf(rule: ReturnType<typeof parseRule>): string | undefined {
  const has = (key: string) => rule.parts.has(key);
  switch (rule.parts.get('FREQ')) {
    case 'WEEKLY':
      return has('BYDAY') ? undefined : 'Saturday';
    case 'MONTHLY':
      return has('BYDAY') || has('BYMONTHDAY') ? undefined : 'the 1st of the month';
    case 'YEARLY':
      return has('BYMONTH') || has('BYYEARDAY') || has('BYWEEKNO') || has('BYDAY') || has('BYMONTHDAY')
        ? undefined
        : 'January 1st';
    default:
      return undefined;
  }
}
