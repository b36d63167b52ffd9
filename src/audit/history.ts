/**
 * The evidence history as an append-only log, as a pure function over the commits: each commit on
 * the first-parent line adds exactly one file, the next record, and touches nothing else. The first
 * commit that announces a sequence (its trailers) fixes that record's hash; later announcements
 * count for nothing, so a fast-forward commit that edits a record and repeats the trailers is caught.
 */
import { recordPath, sequenceOfPath } from './chain.js';
import type { EvidenceCommit, EvidenceCommitShape } from './evidence-git.js';
import type { ChainProblem } from './verify.js';

/** What the walk found. */
export interface HistoryVerdict {
  /** Sequence → hash, from the first commit that announced it (its own record's commit). */
  announced: Map<number, string>;
  /** Sequence → the commit that added the record. */
  addedBy: Map<number, string>;
  /** The first commit that broke append-only, when one did. */
  problem?: ChainProblem;
}

/** Walks the history oldest first and names the first commit that did more than append the next record. */
export function checkHistory(commits: readonly EvidenceCommit[]): HistoryVerdict {
  const announced = new Map<number, string>();
  const addedBy = new Map<number, string>();
  let count = 0;
  for (const entry of commits) {
    const next = count + 1;
    const short = entry.commit.slice(0, 12);
    const problem = commitProblem(entry, next, short);
    if (problem) return { announced, addedBy, problem: { ...problem, commit: entry.commit } };
    count = next;
    addedBy.set(next, entry.commit);
    // why: the commit that adds a record announces it, and that first announcement is the one that
    // counts; a later commit repeating trailers cannot re-bless a record (it would add none itself).
    announced.set(next, entry.hash as string);
  }
  return { announced, addedBy };
}

function commitProblem(
  entry: EvidenceCommit,
  next: number,
  short: string,
): Omit<ChainProblem, 'commit'> | undefined {
  const touched = entry.changes.filter((change) => change.status !== 'A' || change.path !== recordPath(next));
  // why: an earlier record changed or removed is the worst finding; name it before anything else.
  const earlier = touched.find(
    (change) => change.status !== 'A' && sequenceOfPath(change.path) !== undefined,
  );
  if (earlier) {
    const sequence = sequenceOfPath(earlier.path) as number;
    const verb = earlier.status === 'D' ? 'removed' : 'changed';
    return {
      sequence,
      problem: 'rewritten',
      message: `commit ${short} ${verb} record #${sequence} (${earlier.path}): evidence commits may only add the next record`,
    };
  }
  const added = entry.changes.filter(
    (change) => change.status === 'A' && sequenceOfPath(change.path) !== undefined,
  );
  if (entry.changes.length > 1 && added.length === entry.changes.length) {
    return {
      sequence: next,
      problem: 'rewritten',
      message: `commit ${short} adds ${added.length} records at once: each evidence commit adds exactly one record (#${next} was due)`,
    };
  }
  const other = touched[0];
  if (other) {
    const sequence = sequenceOfPath(other.path);
    if (sequence === undefined) {
      return {
        sequence: next,
        problem: 'rewritten',
        message: `commit ${short} ${other.status === 'A' ? 'added' : 'changed'} ${other.path}, which is not a record: the evidence branch holds records only`,
      };
    }
    return {
      sequence: next,
      problem: sequence > next ? 'removed' : 'reordered',
      message: `commit ${short} added record #${sequence} (${other.path}) where record #${next} was due${sequence > next ? `: record #${next} is missing` : ''}`,
    };
  }
  if (entry.changes.length !== 1) {
    return {
      sequence: next,
      problem: 'rewritten',
      message: `commit ${short} adds no record: each evidence commit adds exactly one record (#${next} was due)`,
    };
  }
  return announcementProblem(entry, next, short);
}

/** Every netchange commit announces the record it adds; anything else was not written by netchange. */
function announcementProblem(
  entry: { sequence?: number; hash?: string },
  next: number,
  short: string,
): Omit<ChainProblem, 'commit'> | undefined {
  if (entry.sequence === undefined || entry.hash === undefined) {
    return {
      sequence: next,
      problem: 'rewritten',
      message: `commit ${short} adds record #${next} without announcing it (no Evidence-Sequence and Evidence-Hash trailers): netchange did not write it`,
    };
  }
  if (entry.sequence !== next) {
    return {
      sequence: next,
      problem: 'rewritten',
      message: `commit ${short} adds record #${next} but announces #${entry.sequence} in its trailers`,
    };
  }
  return undefined;
}

/**
 * The fast walk: the shape of each commit from its tree sizes alone. A commit that adds exactly the
 * next record to a tree holding only `records/` grows the records tree by one entry of known size
 * and keeps the root tree at one entry; it announces the record it adds. Any other commit is
 * suspect (the slow walk, `checkHistory`, then names what it did). Changing an earlier record in the
 * same commit that adds one keeps the sizes: that is caught at the tip, where the record's bytes are
 * no longer exactly the canonical JSON of the record first announced (verifyStoredRecords), and the
 * slow walk then names the commit. why not here: seeing it per commit means reading every records
 * tree in full (about a second per 10,000 commits), the cost this walk exists to avoid.
 */
export function checkShapes(commits: readonly EvidenceCommitShape[]): HistoryVerdict {
  const announced = new Map<number, string>();
  const addedBy = new Map<number, string>();
  for (const [index, entry] of commits.entries()) {
    const next = index + 1;
    const short = entry.commit.slice(0, 12);
    // why: a tree entry is `<mode> <name>\0<object id>`; the id is as long as the commit's (sha1 or sha256).
    const idBytes = entry.commit.length / 2;
    const rootSize = '40000 records\0'.length + idBytes;
    const recordEntry = `100644 ${recordPath(1).slice('records/'.length)}\0`.length + idBytes;
    let problem: Omit<ChainProblem, 'commit'> | undefined;
    if (entry.rootTreeSize !== rootSize || entry.recordsTreeSize === undefined) {
      problem = {
        sequence: next,
        problem: 'rewritten',
        message: `commit ${short} holds files outside records/: the evidence branch holds records only`,
      };
    } else if (entry.recordsTreeSize !== recordEntry * next) {
      problem = {
        sequence: next,
        problem: 'rewritten',
        message: `commit ${short} does not add exactly one record to the ${next - 1} before it`,
      };
    } else {
      problem = announcementProblem(entry, next, short);
    }
    if (problem) return { announced, addedBy, problem: { ...problem, commit: entry.commit } };
    addedBy.set(next, entry.commit);
    announced.set(next, entry.hash as string);
  }
  return { announced, addedBy };
}
