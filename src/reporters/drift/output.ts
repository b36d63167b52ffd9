import type { DriftReport } from '../../drift/model.js';

/** What `netchange drift` renders: the report, and whether the terminal takes colour. */
export interface DriftOutput {
  report: DriftReport;
  /** Colour the text format (a terminal without NO_COLOR). */
  color: boolean;
  /** Zone of the check's time (netchange.yaml `defaults.timezone`); UTC alone when absent. */
  timeZone?: string;
}
