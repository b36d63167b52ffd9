import type { EvidenceRecord } from './types.js';

/** A change that started and has no result, as `audit verify` reports it. */
export interface OpenChange {
  /** The `apply-started` record. */
  sequence: number;
  /** Proposal id. */
  proposal: string;
  /** Repository-relative proposal file. */
  file: string;
  commit: string;
  /** RFC 3339. */
  startedAt: string;
  /** Who ran the apply. */
  actor: string;
  /** The proposal's IANA zone, which the text shows `startedAt` in. */
  timezone?: string;
}

/**
 * Follows the chain record by record and keeps the changes that started and never finished:
 * `apply-started` records that no finished record of the same proposal and commit follows. A run
 * killed with `kill -9` (or a runner that died) leaves exactly this, so the morning digest and
 * `audit verify` can say a device may have changed with no result recorded.
 */
export function createOpenChangeTracker(): {
  add(record: EvidenceRecord): void;
  open(): EvidenceRecord[];
} {
  const started = new Map<string, EvidenceRecord>();
  return {
    add(record) {
      const key = `${record.proposal.id}\0${record.commit}`;
      if (isStartedRecord(record)) started.set(key, record);
      else started.delete(key);
    },
    open: () => [...started.values()].sort((a, b) => a.sequence - b.sequence),
  };
}

/** The open changes among `records` (in chain order). */
export function openChanges(records: readonly EvidenceRecord[]): EvidenceRecord[] {
  const tracker = createOpenChangeTracker();
  for (const record of records) tracker.add(record);
  return tracker.open();
}

/** The summary `audit verify` prints for an open change. */
export function describeOpenChange(record: EvidenceRecord): OpenChange {
  return {
    sequence: record.sequence,
    proposal: record.proposal.id,
    file: record.proposal.file,
    commit: record.commit,
    startedAt: record.startedAt,
    actor: record.actor.name,
    ...(record.proposal.timezone ? { timezone: record.proposal.timezone } : {}),
  };
}

/** True for an `apply-started` record; its finished record, when there is one, tells the story. */
export function isStartedRecord(record: EvidenceRecord): boolean {
  return record.kind === 'apply-started';
}
