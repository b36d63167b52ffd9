/**
 * The evidence history as an append-only log, as a pure function over the commits: each commit on
 * the first-parent line adds exactly one file, the next record, and touches nothing else. The first
 * commit that announces a sequence (its trailers) fixes that record's hash; later announcements
 * count for nothing, so a fast-forward commit that edits a record and repeats the trailers is caught.
 */
import { recordPath, sequenceOfPath } from './chain.js';
import type { EvidenceCommit } from './evidence-git.js';
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
    if (entry.sequence !== undefined && entry.hash !== undefined) {
      // why: the first announcement counts; a later commit repeating trailers cannot re-bless a record.
      if (!announced.has(entry.sequence)) announced.set(entry.sequence, entry.hash);
    }
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
  if (entry.sequence !== undefined && entry.sequence !== next) {
    return {
      sequence: next,
      problem: 'rewritten',
      message: `commit ${short} adds record #${next} but announces #${entry.sequence} in its trailers`,
    };
  }
  return undefined;
}
