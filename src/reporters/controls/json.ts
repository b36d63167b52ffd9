import { toRfc3339Utc } from '../../core/time.js';
import { jsonDocument } from '../reporter.js';
import type { ControlExportOutput } from './output.js';

/**
 * One JSON object: the period and filter as asked, then every control with the changes that
 * exercised it (each with its record's sequence and hash, so it can be found and re-verified).
 */
export function renderControlExportJson({
  controls,
  frameworks,
  framework,
  from,
  to,
}: ControlExportOutput): string {
  return jsonDocument({
    schemaVersion: 1,
    ...(from ? { from: toRfc3339Utc(from.getTime()) } : {}),
    ...(to ? { to: toRfc3339Utc(to.getTime()) } : {}),
    ...(framework !== undefined ? { framework } : {}),
    frameworks,
    count: controls.length,
    controls,
  });
}
