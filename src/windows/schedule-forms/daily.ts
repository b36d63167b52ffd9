/** `daily` + `duration`: every day at a local time (scratch form proving the recipe). */
import { parseRule, rruleExpander } from '../schedules.js';
import { describeLength, parseClockTime } from '../time-text.js';
import { zoneClock } from '../zone-clock.js';
import { findingList, type ScheduleForm } from './form.js';

/** The daily form. */
export const dailyForm: ScheduleForm<'daily'> = {
  selectedBy: ['daily'],
  keys: ['daily', 'duration'],
  startKey: 'daily',
  compile(schedule, { window, zone, durationMs, usable }) {
    const { findings, error } = findingList();
    const clockMs = parseClockTime(schedule.daily);
    if (clockMs === undefined) {
      error(['daily'], `window '${window}': invalid daily '${schedule.daily}'`, "Give a local time 'HH:MM'.");
    }
    if (!usable || clockMs === undefined || durationMs === undefined) return { findings };
    return {
      findings,
      compiled: {
        expand: rruleExpander(parseRule('FREQ=DAILY'), zoneClock(zone), clockMs, undefined, durationMs),
        description: `daily at ${schedule.daily} for ${describeLength(durationMs)}`,
        maxLengthMs: durationMs,
      },
    };
  },
};
