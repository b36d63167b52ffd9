/** Selecting evidence records for an export; src/reporters/export/ renders them (CSV or JSON). */
import type { EvidenceRecord } from './types.js';

/** Only records that finished in [from, to). */
export function recordsBetween(
  records: readonly EvidenceRecord[],
  from: Date | undefined,
  to: Date | undefined,
): EvidenceRecord[] {
  const start = from?.getTime() ?? Number.NEGATIVE_INFINITY;
  const end = to?.getTime() ?? Number.POSITIVE_INFINITY;
  return records.filter((record) => {
    const finished = Date.parse(record.finishedAt);
    return finished >= start && finished < end;
  });
}
