import type { ValidationReport } from '../../core/model.js';
import { jsonDocument } from '../reporter.js';

/** `--format json`: exactly one JSON object, the contract in DESIGN.md. */
export function renderJson(report: ValidationReport): string {
  return jsonDocument(report);
}
