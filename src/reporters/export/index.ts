import type { ReporterTable } from '../reporter.js';
import type { ExportOutput } from './output.js';

export type { ExportOutput } from './output.js';

/** `netchange audit export --format`: one line per format. */
export const EXPORT_REPORTERS = {
  csv: async () => (await import('./csv.js')).renderExportCsv,
  json: async () => (await import('./json.js')).renderExportJson,
} satisfies ReporterTable<ExportOutput>;
