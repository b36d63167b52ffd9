/**
 * Chain verification as a pure function over the stored files: the first record that was changed,
 * removed, reordered, corrupted or stamped in the future, in chain order.
 */
import { formatLocalAndUtc } from '../core/time.js';
import { hashRecord } from './canonical-json.js';
import { isSerialisedRecord, sequenceOfPath } from './chain.js';
import { createOpenChangeTracker, describeOpenChange, type OpenChange } from './open-changes.js';
import { describeRecordProblem } from './record-schema.js';
import { type AnyEvidenceRecord, isDriftRecord } from './types.js';

export type ChainProblemKind =
  | 'changed'
  | 'removed'
  | 'reordered'
  | 'corrupt'
  | 'future-timestamp'
  /** A commit on the evidence history did more than add the next record. */
  | 'rewritten'
  /** A published anchor (sequence and hash) is not in the chain. */
  | 'anchor'
  /** An evidence commit without a good signature by an allowed signer (only when asked for). */
  | 'unsigned'
  /** origin's evidence branch no longer holds the evidence this clone saw there (rewound, rewritten, deleted). */
  | 'rewound';

/** The first thing wrong with the chain. */
export interface ChainProblem {
  /** The record the problem is about. */
  sequence: number;
  problem: ChainProblemKind;
  /** One sentence for people, naming the record. */
  message: string;
  /** The evidence commit that broke append-only, for `rewritten`. */
  commit?: string;
}

/** A chain head published elsewhere (a pull-request comment, a check run, the digest issue, a ticket). */
export interface ExpectedHead {
  sequence: number;
  /** Hex sha256 of the record, without the `sha256:` prefix. */
  hash: string;
  /** Where the anchor was published, for the message (`--expect`, a comment's link...). */
  source: string;
}

/** One anchor the chain does not hold. */
export interface AnchorFailure extends ExpectedHead {
  /** One sentence naming the anchor and what the chain holds instead. */
  message: string;
}

export interface VerifyResult {
  /** True when every record is intact and in order. */
  ok: boolean;
  /** Records checked and found intact (all of them when ok). */
  checked: number;
  /** Sequence and hash of the last record, when the chain is intact (publish it to anchor the chain). */
  last?: { sequence: number; hash: string };
  firstProblem?: ChainProblem;
  /** Anchors compared with the chain (only when some were given and the chain itself is intact). */
  anchors?: { checked: number; failed: AnchorFailure[] };
  /** Changes that started and have no result (interrupted or still running), when the chain is intact. */
  openChanges?: OpenChange[];
}

/** One stored file under records/. */
export interface StoredRecord {
  path: string;
  content: Buffer | string;
}

/** Clock skew tolerated before a timestamp counts as being in the future. */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/**
 * Checks every stored record in sequence order. `anchors` maps each sequence to the hash the
 * netchange commit that wrote it announced (its trailers): they tell which record was changed or
 * moved even when hashes were recomputed, and catch records removed from the end of the chain.
 */
export function verifyStoredRecords(
  files: readonly StoredRecord[],
  anchors: ReadonlyMap<number, string>,
  now: Date,
  expected: readonly ExpectedHead[] = [],
): VerifyResult {
  const bySequence = new Map<number, StoredRecord>();
  for (const file of files) {
    const sequence = sequenceOfPath(file.path);
    if (sequence === undefined || sequence < 1) {
      return fail(
        0,
        0,
        'corrupt',
        `${file.path} is not a record file name (records/<10-digit sequence>.json)`,
      );
    }
    bySequence.set(sequence, file);
  }
  const highest = Math.max(0, ...bySequence.keys());
  const latest = now.getTime() + FUTURE_TOLERANCE_MS;
  const hashes = new Map<number, string>();
  const open = createOpenChangeTracker();
  let previous: AnyEvidenceRecord | undefined;
  for (let sequence = 1; sequence <= highest; sequence++) {
    const checked = sequence - 1;
    const file = bySequence.get(sequence);
    if (!file) {
      const next = nextPresent(bySequence, sequence);
      return fail(
        checked,
        sequence,
        'removed',
        `record #${sequence} was removed: records #${sequence - 1} and #${next} are no longer linked`,
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(file.content.toString());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return fail(
        checked,
        sequence,
        'corrupt',
        `record #${sequence} (${file.path}) is not valid JSON: ${reason}`,
      );
    }
    // why: a record that hashes to what the netchange commit announced has exactly the content netchange
    // wrote, and appendEvidence validated it then; only the others need the schema (a third of verify's time).
    const computed =
      value !== null && typeof value === 'object' && !Array.isArray(value) ? hashRecord(value) : undefined;
    const stated = (value as { hash?: unknown } | null)?.hash;
    const asWritten = computed !== undefined && computed === stated && anchors.get(sequence) === stated;
    const schemaProblem = asWritten ? undefined : describeRecordProblem(value);
    if (schemaProblem) {
      return fail(
        checked,
        sequence,
        'corrupt',
        `record #${sequence} (${file.path}) is not an evidence record: ${schemaProblem}`,
      );
    }
    const record = value as AnyEvidenceRecord;
    if (record.sequence !== sequence) {
      return fail(
        checked,
        sequence,
        'reordered',
        `record #${sequence} (${file.path}) holds record #${record.sequence}: records were moved`,
      );
    }
    if (computed !== record.hash) {
      return fail(
        checked,
        sequence,
        'changed',
        `record #${sequence} was changed: its content no longer matches its hash`,
      );
    }
    const anchored = anchors.get(sequence);
    if (anchored !== undefined && anchored !== record.hash) {
      const writtenAs = sequenceAnchored(anchors, record.hash);
      if (writtenAs !== undefined) {
        return fail(
          checked,
          sequence,
          'reordered',
          `record #${sequence} holds the record netchange wrote as #${writtenAs}: records were reordered`,
        );
      }
      return fail(
        checked,
        sequence,
        'changed',
        `record #${sequence} was changed: it is not the record netchange wrote as #${sequence}`,
      );
    }
    if (!isSerialisedRecord(file.content, value)) {
      return fail(
        checked,
        sequence,
        'changed',
        `record #${sequence} (${file.path}) was changed: its bytes are not the canonical JSON netchange wrote (a duplicate key, other whitespace or another encoding), so a reader may see another record than the one hashed`,
      );
    }
    const expectedPrevious = previous ? previous.hash : null;
    if (record.previousHash !== expectedPrevious) {
      if (!previous) {
        return fail(
          checked,
          sequence,
          'changed',
          'record #1 was changed: the first record must not link to a previous one',
        );
      }
      const movedFrom = findByHash(bySequence, record.previousHash);
      if (movedFrom !== undefined && movedFrom !== sequence - 1) {
        return fail(
          checked,
          sequence,
          'reordered',
          `record #${sequence} follows record #${movedFrom} in the chain but sits after #${sequence - 1}: records were reordered`,
        );
      }
      return fail(
        checked - 1,
        sequence - 1,
        'changed',
        `record #${sequence - 1} was changed: record #${sequence} holds a different hash for it`,
      );
    }
    for (const [field, time] of recordTimes(record)) {
      if (Date.parse(time) > latest) {
        const zone = isDriftRecord(record) ? undefined : record.proposal.timezone;
        return fail(
          checked,
          sequence,
          'future-timestamp',
          `record #${sequence} has ${field} ${formatLocalAndUtc(Date.parse(time), zone)}, later than now (${formatLocalAndUtc(now.getTime(), zone)})`,
        );
      }
    }
    previous = record;
    hashes.set(sequence, record.hash);
    if (!isDriftRecord(record)) open.add(record);
  }
  const announced = Math.max(0, ...anchors.keys());
  if (announced > highest) {
    return fail(
      highest,
      highest + 1,
      'removed',
      `record #${highest + 1} was removed: netchange wrote ${announced} records, ${highest} remain`,
    );
  }
  const last = {
    ...(previous ? { last: { sequence: previous.sequence, hash: previous.hash } } : {}),
    openChanges: open.open().map(describeOpenChange),
  };
  if (expected.length === 0) return { ok: true, checked: highest, ...last };
  const failed = checkAnchors(hashes, highest, expected);
  return {
    ok: failed.length === 0,
    checked: highest,
    ...last,
    ...(failed[0]
      ? {
          firstProblem: {
            sequence: failed[0].sequence,
            problem: 'anchor' as const,
            message: failed[0].message,
          },
        }
      : {}),
    anchors: { checked: expected.length, failed },
  };
}

/**
 * Every anchor must name a record the chain holds, with that hash. An anchor past the end means the
 * chain was wound back (the ref reset, records dropped); another hash means the history was rewritten.
 */
export function checkAnchors(
  hashes: ReadonlyMap<number, string>,
  highest: number,
  expected: readonly ExpectedHead[],
): AnchorFailure[] {
  const failed: AnchorFailure[] = [];
  for (const anchor of expected) {
    const named = `anchor #${anchor.sequence} sha256:${anchor.hash} (${anchor.source})`;
    const held = hashes.get(anchor.sequence);
    if (anchor.sequence > highest) {
      failed.push({
        ...anchor,
        message: `${named} is not in the chain, which ends at #${highest}: records were removed or the evidence branch was reset`,
      });
    } else if (held !== anchor.hash) {
      failed.push({
        ...anchor,
        message: `${named} does not match: the chain holds sha256:${held ?? 'nothing'} at #${anchor.sequence}, so the history was rewritten`,
      });
    }
  }
  return failed;
}

/** The times a record states, none of which may lie in the future. */
function recordTimes(record: AnyEvidenceRecord): [string, string][] {
  if (isDriftRecord(record)) {
    return [
      ['recordedAt', record.recordedAt],
      ['checkedAt', record.checkedAt],
      ['firstSeen', record.firstSeen],
    ];
  }
  return [
    ['recordedAt', record.recordedAt],
    ['startedAt', record.startedAt],
    ['finishedAt', record.finishedAt],
  ];
}

function fail(checked: number, sequence: number, problem: ChainProblemKind, message: string): VerifyResult {
  return { ok: false, checked: Math.max(0, checked), firstProblem: { sequence, problem, message } };
}

function sequenceAnchored(anchors: ReadonlyMap<number, string>, hash: string): number | undefined {
  for (const [sequence, anchored] of anchors) if (anchored === hash) return sequence;
  return undefined;
}

function nextPresent(bySequence: Map<number, StoredRecord>, from: number): number {
  let sequence = from + 1;
  while (!bySequence.has(sequence)) sequence++;
  return sequence;
}

// why: only on the failure path, so the common case hashes each record once.
function findByHash(bySequence: Map<number, StoredRecord>, hash: string | null): number | undefined {
  if (hash === null) return undefined;
  for (const [sequence, file] of bySequence) {
    try {
      const record = JSON.parse(file.content.toString()) as AnyEvidenceRecord;
      if (record && typeof record === 'object' && hashRecord(record) === hash) return sequence;
    } catch {
      // a corrupt record cannot be the one linked to
    }
  }
  return undefined;
}
