import type { ReporterTable } from '../reporter.js';
import type { ControlExportOutput } from './output.js';

export type { ControlExportOutput } from './output.js';

/** `netchange audit export --by-control --format`: one line per format. */
export const CONTROL_EXPORT_REPORTERS = {
  csv: async () => (await import('./csv.js')).renderControlExportCsv,
  json: async () => (await import('./json.js')).renderControlExportJson,
} satisfies ReporterTable<ControlExportOutput>;
