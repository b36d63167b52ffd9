import type { EvidenceRecord } from './types.js';

/**
 * The changes that started and never finished: `apply-started` records that no finished record of
 * the same proposal and commit follows in the chain. A run killed with `kill -9` (or a runner that
 * died) leaves exactly this, so the morning digest and `audit verify` can say a device may have
 * changed with no result recorded. `records` are in chain order.
 */
export function openChanges(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const open = new Map<string, EvidenceRecord>();
  for (const record of records) {
    const key = `${record.proposal.id}\0${record.commit}`;
    if (record.kind === 'apply-started') open.set(key, record);
    else open.delete(key);
  }
  return [...open.values()].sort((a, b) => a.sequence - b.sequence);
}

/** True for an `apply-started` record; its finished record, when there is one, tells the story. */
export function isStartedRecord(record: EvidenceRecord): boolean {
  return record.kind === 'apply-started';
}
