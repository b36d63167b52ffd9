import type { ControlEvidence } from '../../audit/by-control.js';

/** What `audit export --by-control` renders: the controls of the period, and the filters as asked. */
export interface ControlExportOutput {
  /** The controls, each with the changes that exercised it. */
  controls: readonly ControlEvidence[];
  /** Every framework the period's records name. */
  frameworks: readonly string[];
  /** `--framework`, when given. */
  framework?: string;
  /** `--from`, when given. */
  from?: Date;
  /** `--to`, when given. */
  to?: Date;
}
