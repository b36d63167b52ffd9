/**
 * The morning digest: what changed in a period, told for the team that was asleep. Pure: records
 * and the period come in, a Digest goes out; src/reporters/digest/ renders it.
 */

import { toRfc3339Utc } from '../core/time.js';
import { driftKey } from '../drift/record.js';
import { isStartedRecord, openChanges } from './open-changes.js';
import type { DriftEvidenceRecord, EvidenceRecord } from './types.js';

export interface DigestOptions {
  /** Start of the period (inclusive), matched against each record's finishedAt. */
  since: Date;
  /** End of the period (exclusive). */
  until: Date;
  /** Only changes this team requested, ran or approved (drift records are shown to every team). */
  team?: string;
  /** IANA zone drift times are shown in besides UTC (netchange.yaml `defaults.timezone`). */
  timezone?: string;
}

export interface Digest {
  since: string;
  until: string;
  team?: string;
  /** IANA zone drift times are shown in besides UTC. */
  timezone?: string;
  /** Failed, rolled-back and interrupted changes (started, no result): read these first. */
  attention: EvidenceRecord[];
  /**
   * "Changed outside netchange": of each target whose drift check wrote a record in the period, the
   * last such record (drift-detected or drift-resolved), in chain order. Read right after the failures.
   */
  outside: DriftEvidenceRecord[];
  /** Emergency changes and window overrides that succeeded, with retrospective due dates. */
  emergency: EvidenceRecord[];
  /** Everything else that succeeded. */
  other: EvidenceRecord[];
  /** Stored files that could not be read as records (run `netchange audit verify`). */
  unreadable: string[];
}

/**
 * Sorts the period's records into the digest's sections (drift records into "Changed outside netchange"), each in the order the changes started.
 * A started record is shown only when no finished record follows it (in `records`, which may reach
 * past the period): the change was interrupted, or is still running.
 */
export function buildDigest(
  records: readonly EvidenceRecord[],
  options: DigestOptions,
  unreadable: readonly string[] = [],
  drift: readonly DriftEvidenceRecord[] = [],
): Digest {
  const since = options.since.getTime();
  const until = options.until.getTime();
  const open = new Set(openChanges(records));
  const inPeriod = records
    .filter((record) => !isStartedRecord(record) || open.has(record))
    .filter((record) => {
      const finished = Date.parse(record.finishedAt);
      return finished >= since && finished < until;
    })
    .filter((record) => !options.team || involves(record, options.team))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.sequence - b.sequence);
  const digest: Digest = {
    since: toRfc3339Utc(options.since.getTime()),
    until: toRfc3339Utc(options.until.getTime()),
    ...(options.team ? { team: options.team } : {}),
    ...(options.timezone ? { timezone: options.timezone } : {}),
    attention: [],
    // why: a change made outside netchange has no requester or approver to filter by, and it is what
    // every team must see; so it is shown whatever --team says.
    outside: latestPerTarget(
      drift.filter((record) => {
        const checked = Date.parse(record.checkedAt);
        return checked >= since && checked < until;
      }),
    ),
    emergency: [],
    other: [],
    unreadable: [...unreadable],
  };
  for (const record of inPeriod) {
    if (record.outcome !== 'succeeded') digest.attention.push(record);
    else if (isEmergency(record) || record.retrospectiveDue) digest.emergency.push(record);
    else digest.other.push(record);
  }
  return digest;
}

/**
 * Each target's last drift record, in chain order. why: a drift whose diff changes is recorded
 * again, and the reader of the morning digest counts devices, not records: "10 detected" for 9
 * drifted targets, with one device listed twice under two diffs, asked which one is true. The last
 * record is the target's state now; its "changed" fact says the drift changed in the night, and
 * `netchange audit export` keeps every record.
 */
function latestPerTarget(records: readonly DriftEvidenceRecord[]): DriftEvidenceRecord[] {
  const latest = new Map<string, DriftEvidenceRecord>();
  for (const record of [...records].sort((a, b) => a.sequence - b.sequence))
    latest.set(driftKey(record.target.name, record.target.kind), record);
  return [...latest.values()].sort((a, b) => a.sequence - b.sequence);
}

function involves(record: EvidenceRecord, team: string): boolean {
  return (
    record.requester.team === team ||
    record.actor.team === team ||
    record.approvers.some((approver) => approver.team === team)
  );
}

/** An emergency: recorded as an emergency apply, or proposed as an emergency change. */
export function isEmergency(record: EvidenceRecord): boolean {
  return record.kind === 'emergency' || record.proposal.type === 'emergency';
}
