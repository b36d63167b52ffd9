import type { EvidenceRecord } from '../../audit/types.js';

/** What `audit export` renders: the records of the period, and the period as asked. */
export interface ExportOutput {
  records: readonly EvidenceRecord[];
  /** `--from`, when given. */
  from?: Date;
  /** `--to`, when given. */
  to?: Date;
}
