import type { EvidenceRecord } from '../../audit/types.js';
import type { ReporterTable } from '../reporter.js';

/** What `audit export` renders: the records of the period, and the period as asked. */
export interface ExportOutput {
  records: readonly EvidenceRecord[];
  /** `--from`, when given. */
  from?: Date;
  /** `--to`, when given. */
  to?: Date;
}

/** `netchange audit export --format`: one line per format. */
export const EXPORT_REPORTERS = {
  csv: async () => (await import('./csv.js')).renderExportCsv,
  json: async () => (await import('./json.js')).renderExportJson,
} satisfies ReporterTable<ExportOutput>;
