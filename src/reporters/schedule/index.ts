import type { Schedule } from '../../schedule/model.js';
import type { ReporterTable } from '../reporter.js';

/** `netchange schedule --format`: one entry per format. */
export const SCHEDULE_REPORTERS = {
  text: async () => (await import('./text.js')).renderScheduleText,
  json: async () => (await import('./json.js')).renderScheduleJson,
  ics: async () => (await import('./ics.js')).renderScheduleIcs,
  markdown: async () => (await import('./markdown.js')).renderScheduleMarkdown,
} satisfies ReporterTable<Schedule>;
