import type { ReporterTable } from '../reporter.js';
import type { CalendarOutput } from './output.js';

export type { CalendarOutput } from './output.js';

/**
 * `netchange windows --format`: one entry per format.
 * why: text and iCalendar are still rendered beside the window engine (src/windows/render.ts, which
 * shares its time formatting); they move here once that formatting lives in one time module.
 */
export const CALENDAR_REPORTERS = {
  text: async () => {
    const { renderCalendarText } = await import('../../windows/render.js');
    return ({ occurrences, ...heading }) => renderCalendarText(occurrences, heading);
  },
  json: async () => (await import('./json.js')).renderCalendarJson,
  ics: async () => {
    const { renderCalendarIcs } = await import('../../windows/render.js');
    return ({ occurrences }) => renderCalendarIcs(occurrences);
  },
} satisfies ReporterTable<CalendarOutput>;
