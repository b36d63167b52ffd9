import type { DriftReport } from '../../drift/model.js';
import type { ReporterTable } from '../reporter.js';

/** What `netchange drift` renders: the report, and whether the terminal takes colour. */
export interface DriftOutput {
  report: DriftReport;
  /** Colour the text format (a terminal without NO_COLOR). */
  color: boolean;
}

/** `netchange drift --format`: one line per format. */
export const DRIFT_REPORTERS = {
  text: async () => (await import('./text.js')).renderDriftText,
  json: async () => (await import('./json.js')).renderDriftJson,
  markdown: async () => (await import('./markdown.js')).renderDriftMarkdown,
} satisfies ReporterTable<DriftOutput>;
