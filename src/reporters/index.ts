/** Output formats for every result kind: the registry, and validation's synchronous entry point. */
import type { ValidationReport } from '../core/model.js';
import { formatChoices } from './registry.js';
import { VALIDATION_FORMATS } from './validation/formats.js';
import type { ValidationFormat } from './validation/index.js';

export {
  type FormatName,
  formatChoices,
  REPORTERS,
  type ResultData,
  type ResultKind,
  renderResult,
} from './registry.js';
export { jsonDocument, type Reporter, type ReporterLoader, type ReporterTable } from './reporter.js';
export { renderMarkdown } from './validation/markdown.js';

/** `netchange validate --format` choices. */
export const REPORT_FORMATS: readonly ValidationFormat[] = formatChoices('validation');
export type ReportFormat = ValidationFormat;

/** Renders a validation report in one of the output formats; pure and synchronous. */
export function renderReport(
  report: ValidationReport,
  format: ReportFormat,
  options: { color: boolean },
): string {
  return VALIDATION_FORMATS[format]({ report, color: options.color });
}
