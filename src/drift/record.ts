/**
 * The record of drift: `drift-detected` and `drift-resolved` evidence, hash-chained on the evidence
 * branch like applies, and the first time each drift was seen. A drift lasts from the
 * `drift-detected` record that opened it to the `drift-resolved` record that closed it (an episode);
 * its first-seen time is the opening record's and is carried by every record of the episode.
 *
 * A repeat of the same drift (same target, same diff digest) writes nothing: "last seen" is the
 * time of the run that reports it, never stored (docs/drift.md, "First seen and the record").
 */
import { type AppendOptions, appendEvidence, type LoadedEvidence, loadEvidence } from '../audit/store.js';
import type { DriftEvidenceDraft, DriftEvidenceRecord } from '../audit/types.js';
import { toRfc3339Utc } from '../core/time.js';
import type { DetectedTarget, DriftExplanation, DriftKind } from './model.js';

export interface RecordDriftRequest {
  /** The network repository (its evidence branch is written). */
  repositoryRoot: string;
  /** This run's detection results. */
  targets: readonly DetectedTarget[];
  /** Target → explanation, from explainDrift; a drifted target without one is out-of-band. */
  explanations: ReadonlyMap<string, DriftExplanation>;
  /** When this run checked (the report's `checkedAt`). */
  checkedAt: Date;
  /** The default-branch commit the intended state was read from. */
  commit: string;
  /** Who ran the check (actingUser in src/core/acting-user.ts). */
  actor: DriftEvidenceRecord['actor'];
  /** How records are appended (remote, redactor, clock, warnings). */
  append?: AppendOptions;
  /** The evidence branch as read after the check (shared with explaining); read here when absent. */
  evidence?: Promise<Pick<LoadedEvidence, 'drift'>>;
}

/** When a target's current drift was seen. */
export interface DriftSighting {
  /** The first `drift-detected` of the current episode (RFC 3339); null when there is none. */
  firstSeen: string | null;
  /** This run's checkedAt while the target is drifted; null otherwise. */
  lastSeen: string | null;
}

export interface RecordDriftResult {
  /** Target → when its drift was seen, for every target of the run. */
  seen: Map<string, DriftSighting>;
  /** The records this run appended, in order (empty on an unchanged run). */
  appended: DriftEvidenceRecord[];
}

/**
 * Appends `drift-detected` for a target that newly drifts or whose diff digest changed, and
 * `drift-resolved` for a target with an open drift that is now in sync (or wholly ignored). Appends
 * nothing for a repeat of the same drift, for a target whose check failed, or for a target this run
 * did not check.
 */
export async function recordDrift(request: RecordDriftRequest): Promise<RecordDriftResult> {
  const { drift } = await (request.evidence ?? loadEvidence(request.repositoryRoot));
  const open = openDrifts(drift);
  const checkedAt = toRfc3339Utc(request.checkedAt.getTime());
  const seen = new Map<string, DriftSighting>();
  const appended: DriftEvidenceRecord[] = [];
  const append = async (draft: DriftEvidenceDraft) => {
    appended.push(await appendEvidence(request.repositoryRoot, draft, request.append));
  };
  for (const target of request.targets) {
    const current = open.get(driftKey(target.target, target.kind));
    const common = {
      target: { name: target.target, kind: target.kind },
      checkedAt,
      commit: request.commit,
      actor: request.actor,
    };
    if (target.status === 'drifted') {
      const firstSeen = current?.firstSeen ?? checkedAt;
      seen.set(target.target, { firstSeen, lastSeen: checkedAt });
      if (current?.digest === target.digest) continue;
      await append({
        ...common,
        kind: 'drift-detected',
        digest: target.digest,
        diffSummary: summariseDiff(target.diff),
        diff: target.diff,
        explanation: request.explanations.get(target.target) ?? { kind: 'out-of-band' },
        firstSeen,
      });
    } else if ((target.status === 'in-sync' || target.status === 'ignored') && current) {
      seen.set(target.target, { firstSeen: null, lastSeen: null });
      await append({
        ...common,
        kind: 'drift-resolved',
        digest: current.digest,
        diffSummary: current.diffSummary,
        explanation: current.explanation,
        firstSeen: current.firstSeen,
        resolution: target.status,
      });
    } else {
      // why: a failed check proves nothing either way; an open drift stays open with its first-seen time.
      seen.set(target.target, {
        firstSeen: target.status === 'error' ? (current?.firstSeen ?? null) : null,
        lastSeen: null,
      });
    }
  }
  return { seen, appended };
}

/**
 * The open drift of each target: its latest `drift-detected` record when no `drift-resolved` follows
 * it. Keyed by driftKey. `records` in chain order.
 */
export function openDrifts(records: readonly DriftEvidenceRecord[]): Map<string, DriftEvidenceRecord> {
  const open = new Map<string, DriftEvidenceRecord>();
  for (const record of records) {
    const key = driftKey(record.target.name, record.target.kind);
    if (record.kind === 'drift-detected') open.set(key, record);
    else open.delete(key);
  }
  return open;
}

/** One key per target: a device and a stack may share a name. */
export function driftKey(name: string, kind: DriftKind): string {
  return `${kind}\u0000${name}`;
}

/** `3 lines differ: 2 only in the running state, 1 only in the intended state`. */
export function summariseDiff(diff: string): string {
  let running = 0;
  let intended = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('---') || line.startsWith('+++')) continue;
    if (line.startsWith('-')) running++;
    else if (line.startsWith('+')) intended++;
  }
  const total = running + intended;
  return `${total} ${total === 1 ? 'line differs' : 'lines differ'}: ${running} only in the running state, ${intended} only in the intended state`;
}
