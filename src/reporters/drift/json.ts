import { jsonDocument } from '../reporter.js';
import type { DriftOutput } from './output.js';

/** `--format json`: exactly the DriftReport (schemaVersion 1), one object. */
export function renderDriftJson(output: DriftOutput): string {
  return jsonDocument(output.report);
}
