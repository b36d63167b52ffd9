import type { ValidationReport } from '../../core/model.js';

/** What a validation format renders: the report, and whether text may use colour. */
export interface ValidationOutput {
  report: ValidationReport;
  /** Colour output (a terminal without NO_COLOR); only `text` uses it. */
  color: boolean;
}
