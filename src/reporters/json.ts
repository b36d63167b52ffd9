import type { ValidationReport } from '../core/model.js';

/** `--format json`: exactly one JSON object, the contract in DESIGN.md. */
export function renderJson(report: ValidationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
