/** `holidays`: each holiday of a country (and region) is one occurrence over its whole local day(s). */

import { DAY_MS } from '../../core/time.js';
import { zoneClock } from '../../core/zone-clock.js';
import { holidayExpander } from '../schedules.js';
import { findingList, type ScheduleForm } from './form.js';

/** The holidays form. */
export const holidaysForm: ScheduleForm<'holidays'> = {
  selectedBy: ['holidays'],
  keys: ['holidays'],
  compile(schedule, { window, zone, usable, holidays }) {
    const { findings, error } = findingList();
    const { country, region, types } = schedule.holidays;
    const problem = holidays.placeError(country, region);
    if (problem) {
      error(
        ['holidays', problem.field],
        `window '${window}': ${problem.message}`,
        'Use an ISO 3166 country code and a region code that date-holidays knows (e.g. US, TX).',
      );
    }
    if (!usable || problem) return { findings };
    return {
      findings,
      compiled: {
        expand: holidayExpander(holidays, country, region, types ?? ['public'], zoneClock(zone)),
        // why: date-holidays has multi-day holidays; a month bounds how far back a query must look.
        maxLengthMs: 31 * DAY_MS,
        description: `${(types ?? ['public']).join('/')} holidays of ${country.toUpperCase()}${region ? `-${region.toUpperCase()}` : ''}`,
      },
    };
  },
};
