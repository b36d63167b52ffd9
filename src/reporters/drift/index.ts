import type { ReporterTable } from '../reporter.js';
import type { DriftOutput } from './output.js';

export type { DriftOutput } from './output.js';

/** `netchange drift --format`: one line per format. */
export const DRIFT_REPORTERS = {
  text: async () => (await import('./text.js')).renderDriftText,
  json: async () => (await import('./json.js')).renderDriftJson,
  markdown: async () => (await import('./markdown.js')).renderDriftMarkdown,
} satisfies ReporterTable<DriftOutput>;
