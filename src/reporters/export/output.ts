import type { AnyEvidenceRecord } from '../../audit/types.js';

/** What `audit export` renders: the records of the period, and the period as asked. */
export interface ExportOutput {
  /** Change and drift records, in chain order. */
  records: readonly AnyEvidenceRecord[];
  /** `--from`, when given. */
  from?: Date;
  /** `--to`, when given. */
  to?: Date;
}
