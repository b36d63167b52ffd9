import { toRfc3339Utc } from '../../core/time.js';
import { jsonDocument } from '../reporter.js';
import type { ExportOutput } from './output.js';

/** One JSON object: the period and the records exactly as stored (hashes included, so they can be re-verified). */
export function renderExportJson({ records, from, to }: ExportOutput): string {
  return jsonDocument({
    schemaVersion: 1,
    ...(from ? { from: toRfc3339Utc(from.getTime()) } : {}),
    ...(to ? { to: toRfc3339Utc(to.getTime()) } : {}),
    count: records.length,
    records,
  });
}
