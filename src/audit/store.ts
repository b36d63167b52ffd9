/**
 * Evidence in git: append (compare-and-swap locally, push-and-retry with a remote), read, verify.
 * Records live on EVIDENCE_REF as records/<sequence>.json, one commit per record.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetchangeError } from '../core/errors.js';
import { systemClock } from '../core/system-clock.js';
import type { Redactor } from '../redact/index.js';
import {
  type ChainFields,
  type ChainTip,
  chainRecord,
  draftOf,
  recordPath,
  redactDraft,
  sequenceOfPath,
  serialiseRecord,
  statedFinishedAt,
} from './chain.js';
import {
  createSimpleGitEvidence,
  type EvidenceGit,
  type EvidenceSigning,
  HASH_TRAILER,
  SEQUENCE_TRAILER,
} from './evidence-git.js';
import { checkHistory, checkShapes } from './history.js';
import { describeRecordProblem } from './record-schema.js';
import {
  type AnyEvidenceDraft,
  type AnyEvidenceRecord,
  type DriftEvidenceRecord,
  EVIDENCE_BRANCH,
  EVIDENCE_REF,
  type EvidenceRecord,
  isDriftRecord,
  LEGACY_EVIDENCE_REF,
} from './types.js';
import { type ExpectedHead, type VerifyResult, verifyStoredRecords } from './verify.js';

export interface AppendOptions {
  /**
   * Remote to publish the record to. Default: `origin` when it exists. `false`: local only.
   * With a remote, the record is built on the remote's tip and pushed; a rejected push (another
   * runner appended first) fetches again and re-chains the record with a new sequence.
   */
  remote?: string | false;
  /** Redactor with the run's learned secrets; default: one over the process environment. */
  redactor?: Redactor;
  /** The clock for `recordedAt`; default: the system clock. */
  now?: () => Date;
  /** Attempts before giving up when others keep appending first. Default: 20. */
  maxAttempts?: number;
  /** Told when the remote could not be reached and the record was kept locally (published by the next append). */
  onWarning?: (message: string) => void;
  /** Told when the evidence moved from the old ref to the branch; default: onWarning. */
  onNotice?: (message: string) => void;
  /**
   * SSH private key file that signs each evidence commit. Default: NETCHANGE_EVIDENCE_SIGNING_KEY;
   * without it, git's own SSH signing configuration (`gpg.format ssh`, `user.signingkey`) when set.
   */
  signingKey?: string;
}

/** How this append signs its commits, if at all. */
async function evidenceSigning(
  git: EvidenceGit,
  options: AppendOptions,
): Promise<EvidenceSigning | undefined> {
  const key = options.signingKey ?? process.env.NETCHANGE_EVIDENCE_SIGNING_KEY;
  if (key) return { key };
  return (await git.sshSigningConfigured()) ? 'git-config' : undefined;
}

/** Where fetched remote evidence is kept, apart from the local ref (which may hold unpushed records). */
function remoteTrackingRef(remote: string): string {
  return `refs/netchange/remotes/${remote}/evidence`;
}

function legacyTrackingRef(remote: string): string {
  return `refs/netchange/remotes/${remote}/legacy-evidence`;
}

/**
 * The newest evidence commit this clone saw on a remote (fetched, or pushed there itself). It only
 * moves forward, so a remote that no longer holds it was rewound, rewritten or deleted; the tracking
 * refs above are forced by every fetch and would forget that after one read.
 */
function seenRef(remote: string): string {
  return `refs/netchange/remotes/${remote}/evidence-seen`;
}

/** origin's evidence branch as git's own fetch keeps it (`git clone`, a checkout of every branch). */
const ORIGIN_BRANCH_REF = `refs/remotes/origin/${EVIDENCE_BRANCH}`;

/** Where a clone holds evidence it can read without fetching, in the order they are read. */
const LOCAL_EVIDENCE_REFS = [EVIDENCE_REF, ORIGIN_BRANCH_REF, LEGACY_EVIDENCE_REF] as const;

/**
 * The local tip of the evidence: the branch. Without it, the branch is created at origin's branch as
 * git last fetched it, else at the old ref (said through `notice`, the old ref left as it was). When
 * the branch cannot be created, that ref is read.
 */
async function resolveEvidenceTip(
  git: EvidenceGit,
  notice?: (message: string) => void,
): Promise<string | undefined> {
  const branch = await git.resolve(EVIDENCE_REF);
  if (branch) return branch;
  // why: an ordinary clone holds origin's records on git's remote-tracking branch only; reading
  // nothing there would report an empty chain, and an append would start a second chain at #1. The
  // branch starts there as `git switch` would start it, by compare-and-swap like the move below.
  const tracking = await git.resolve(ORIGIN_BRANCH_REF);
  if (tracking) {
    await git.compareAndSwap(EVIDENCE_REF, tracking, undefined);
    return (await git.resolve(EVIDENCE_REF)) ?? tracking;
  }
  const legacy = await git.resolve(LEGACY_EVIDENCE_REF);
  if (!legacy) return undefined;
  // why: the same commit, so not one record or trailer changes; compare-and-swap, so a concurrent
  // append that created the branch first wins and is read instead.
  if (await git.compareAndSwap(EVIDENCE_REF, legacy, undefined)) {
    notice?.(
      `evidence moved to the branch ${EVIDENCE_REF} (created at ${legacy.slice(0, 12)}, the tip of ${LEGACY_EVIDENCE_REF}, which is kept and no longer written); protect the branch with a ruleset (docs/audit.md)`,
    );
  }
  return (await git.resolve(EVIDENCE_REF)) ?? legacy;
}

/** The remote's evidence tip, fetched: its branch, or its old ref while it has no branch yet. */
async function fetchRemoteTip(git: EvidenceGit, remote: string): Promise<string | undefined> {
  return (
    (await git.fetchRef(remote, EVIDENCE_REF, remoteTrackingRef(remote))) ??
    (await git.fetchRef(remote, LEGACY_EVIDENCE_REF, legacyTrackingRef(remote)))
  );
}

/**
 * Appends one record to the chain and returns it as stored. Never loses or reorders a record: the
 * ref only moves by compare-and-swap (locally) or fast-forward push (remote), and a lost race
 * re-chains the record on the new tip.
 */
export async function appendEvidence<Draft extends AnyEvidenceDraft>(
  repositoryRoot: string,
  draft: Draft,
  options: AppendOptions = {},
): Promise<Draft & ChainFields> {
  const git = createSimpleGitEvidence(repositoryRoot);
  const now = options.now ?? systemClock.now;
  const maxAttempts = options.maxAttempts ?? 20;
  const redacted = redactDraft(draft, options.redactor);
  const problem = describeRecordProblem(chainRecord(redacted, undefined, now()));
  if (problem)
    throw new NetchangeError('E_GIT', `the evidence record is invalid: ${problem}`, {
      hint: 'This is a bug in the caller of appendEvidence.',
    });
  const remote =
    options.remote === false
      ? undefined
      : (options.remote ?? ((await git.hasRemote('origin')) ? 'origin' : undefined));

  const notice = options.onNotice ?? options.onWarning;
  const signing = await evidenceSigning(git, options);
  let useRemote = remote;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let appended: (Draft & ChainFields) | undefined;
    try {
      appended = useRemote
        ? await tryAppendRemote(git, useRemote, redacted, { now, notice, signing })
        : await tryAppendLocal(git, redacted, { now, notice, signing });
    } catch (error) {
      if (!useRemote || !(error instanceof NetchangeError)) throw error;
      // why: evidence of a change that already happened is kept locally rather than lost; the next append publishes it.
      options.onWarning?.(
        `${error.message}; the evidence record is kept on the local ${EVIDENCE_REF} and published by the next append`,
      );
      useRemote = undefined;
      continue;
    }
    if (appended) return appended;
    // why: jittered, growing back-off so two runners that collided do not collide again in lockstep.
    await sleep(Math.random() * 50 * attempt + 10);
  }
  throw new NetchangeError(
    'E_GIT',
    `could not append the evidence record after ${maxAttempts} attempts: others kept appending first`,
    {
      hint: 'Run the apply again later; nothing was lost from the chain.',
    },
  );
}

/** What each append attempt needs besides the draft. */
interface AttemptContext {
  now: () => Date;
  notice: ((message: string) => void) | undefined;
  signing: EvidenceSigning | undefined;
}

async function tryAppendLocal<Draft extends AnyEvidenceDraft>(
  git: EvidenceGit,
  draft: Draft,
  { now, notice, signing }: AttemptContext,
): Promise<(Draft & ChainFields) | undefined> {
  const tip = await resolveEvidenceTip(git, notice);
  const chainTip = tip ? await tipOf(git, tip) : undefined;
  const record = chainRecord(draft, chainTip, now());
  const commit = await git.commitFile(
    tip,
    { path: recordPath(record.sequence), content: serialiseRecord(record) },
    commitMessage(record),
    signing,
  );
  return (await git.compareAndSwap(EVIDENCE_REF, commit, tip)) ? record : undefined;
}

async function tryAppendRemote<Draft extends AnyEvidenceDraft>(
  git: EvidenceGit,
  remote: string,
  draft: Draft,
  { now, notice, signing }: AttemptContext,
): Promise<(Draft & ChainFields) | undefined> {
  const remoteTip = await fetchRemoteTip(git, remote);
  const localTip = await resolveEvidenceTip(git, notice);
  // why: records appended while the remote was unreachable must reach it too, after what it already holds.
  const pending = await unpublishedRecords(git, localTip, remoteTip);
  let base = remoteTip;
  let chainTip = remoteTip ? await tipOf(git, remoteTip) : undefined;
  for (const entry of pending) {
    const earlier = chainRecord(entry.draft, chainTip, entry.recordedAt);
    base = await git.commitFile(
      base,
      { path: recordPath(earlier.sequence), content: serialiseRecord(earlier) },
      commitMessage(earlier),
      signing,
    );
    chainTip = { sequence: earlier.sequence, hash: earlier.hash };
  }
  const record = chainRecord(draft, chainTip, now());
  base = await git.commitFile(
    base,
    { path: recordPath(record.sequence), content: serialiseRecord(record) },
    commitMessage(record),
    signing,
  );
  if ((await git.push(remote, base, EVIDENCE_REF)) === 'rejected') return undefined;
  // why: the remote is the truth now; the local ref follows unless another append moved it meanwhile.
  await git.compareAndSwap(EVIDENCE_REF, base, localTip);
  await notePublished(git, remote, base);
  return record;
}

/**
 * After a push: the remote holds `commit`, so its tracking ref (when behind) and the seen marker
 * point there. why: the marker follows the push even past a rewind, because the push republished the
 * records the rewind dropped (unpublishedRecords), so the remote holds them all again.
 */
async function notePublished(git: EvidenceGit, remote: string, commit: string): Promise<void> {
  const tracked = await git.resolve(remoteTrackingRef(remote));
  if (!tracked || (await git.isAncestor(tracked, commit)))
    await git.compareAndSwap(remoteTrackingRef(remote), commit, tracked);
  await git.compareAndSwap(seenRef(remote), commit, await git.resolve(seenRef(remote)));
}

/**
 * After a fetch: the seen marker moves forward to what the remote holds now. A remote that no longer
 * holds what was seen leaves the marker where it was, so every later read reports the rewind until the
 * remote holds that commit again. `known` are the remote's tips this clone had read before the fetch.
 */
async function noteFetched(
  git: EvidenceGit,
  remote: string,
  remoteTip: string | undefined,
  known: readonly string[],
): Promise<void> {
  const seen = await git.resolve(seenRef(remote));
  if (seen) {
    if (remoteTip && (await git.isAncestor(seen, remoteTip)))
      await git.compareAndSwap(seenRef(remote), remoteTip, seen);
    return;
  }
  // why: a clone from before the marker existed (or fresh from `git clone`) saw the remote's tips on
  // its tracking refs; the first one the remote no longer holds is where the marker starts. Never the
  // local branch: it may hold records an append could not publish, which the next append publishes.
  for (const tip of known) {
    if (!remoteTip || !(await git.isAncestor(tip, remoteTip))) {
      await git.compareAndSwap(seenRef(remote), tip, undefined);
      return;
    }
  }
  if (remoteTip) await git.compareAndSwap(seenRef(remote), remoteTip, undefined);
}

/** The remote's evidence tips this clone read before: netchange's tracking ref and git's own. */
async function knownRemoteTips(git: EvidenceGit, remote: string): Promise<string[]> {
  const refs = [remoteTrackingRef(remote), `refs/remotes/${remote}/${EVIDENCE_BRANCH}`];
  const tips = await Promise.all(refs.map((ref) => git.resolve(ref)));
  return tips.filter((tip): tip is string => tip !== undefined);
}

/** A remote that no longer holds the evidence this clone saw there. */
export interface RemoteRewind {
  /** The first record the remote lacks or holds differently. */
  sequence: number;
  /** One sentence naming the remote's tip and the one it no longer contains. */
  message: string;
}

/**
 * Compares what `remote` held at the last fetch with the newest evidence this clone saw there.
 * Reads refs only (never fetches), so after `--no-fetch` it says what the last fetch found.
 */
export async function checkRemoteEvidence(
  repositoryRoot: string,
  remote = 'origin',
): Promise<RemoteRewind | undefined> {
  return remoteRewind(createSimpleGitEvidence(repositoryRoot), remote);
}

async function remoteRewind(git: EvidenceGit, remote: string): Promise<RemoteRewind | undefined> {
  const seen = await git.resolve(seenRef(remote));
  if (!seen) return undefined;
  const held =
    (await git.resolve(remoteTrackingRef(remote))) ?? (await git.resolve(legacyTrackingRef(remote)));
  if (held && (await git.isAncestor(seen, held))) return undefined;
  const common = held ? await git.mergeBase(seen, held) : undefined;
  const kept = common ? ((await tipOf(git, common))?.sequence ?? 0) : 0;
  const saw = `${seen.slice(0, 12)} (record #${(await tipOf(git, seen))?.sequence ?? 0})`;
  if (!held) {
    return {
      sequence: kept + 1,
      message: `${remote} no longer has the evidence branch: this clone saw it at ${saw}`,
    };
  }
  return {
    sequence: kept + 1,
    message: `${remote}'s evidence branch was rewound or rewritten: it is at ${held.slice(0, 12)} (record #${(await tipOf(git, held))?.sequence ?? 0}), which does not contain ${saw}, the evidence this clone saw there before`,
  };
}

async function unpublishedRecords(
  git: EvidenceGit,
  localTip: string | undefined,
  remoteTip: string | undefined,
) {
  if (!localTip) return [];
  if (remoteTip && (await git.isAncestor(localTip, remoteTip))) return [];
  const common = remoteTip ? await git.mergeBase(localTip, remoteTip) : undefined;
  const published = common ? ((await tipOf(git, common))?.sequence ?? 0) : 0;
  const entries = (await git.listRecords(localTip)).filter(
    (entry) => (sequenceOfPath(entry.path) ?? 0) > published,
  );
  const contents = await git.readBlobs(entries);
  return contents.map((content, index) => {
    try {
      return draftOf(JSON.parse(content.toString()) as AnyEvidenceRecord);
    } catch {
      throw new NetchangeError(
        'E_GIT',
        `local evidence record ${entries[index]?.path} is corrupt and cannot be published`,
        {
          hint: 'Run `netchange audit verify` and restore the record from a backup or the CI run that wrote it.',
        },
      );
    }
  });
}

/** The last record's place at a commit: read from its file (the trailer may belong to a hand-made commit). */
async function tipOf(git: EvidenceGit, commit: string): Promise<ChainTip | undefined> {
  const entries = await git.listRecords(commit);
  const last = entries.at(-1);
  if (!last) return undefined;
  const sequence = sequenceOfPath(last.path) ?? entries.length;
  const [content] = await git.readBlobs([last]);
  try {
    const record = JSON.parse(String(content)) as EvidenceRecord;
    if (typeof record.hash === 'string') return { sequence, hash: record.hash };
  } catch {
    // fall through: a corrupt last record is chained to by its bytes; audit verify reports it
  }
  // why: evidence of a change that already happened must never be refused; verify names the corrupt record.
  return {
    sequence,
    hash: createHash('sha256')
      .update(content ?? '')
      .digest('hex'),
  };
}

function commitMessage(record: AnyEvidenceRecord): string {
  const subject = isDriftRecord(record)
    ? `${record.kind} ${record.target.name} ${record.explanation.kind}`
    : `${record.kind} ${record.proposal.id} ${record.outcome}`;
  return `evidence #${record.sequence}: ${subject}\n\n${SEQUENCE_TRAILER}: ${record.sequence}\n${HASH_TRAILER}: ${record.hash}\n`;
}

export interface ReadOptions {
  /** Only records that finished at or after this instant. */
  since?: Date;
  /** Only records that finished before this instant. */
  until?: Date;
  /** Told when the evidence moved from the old ref to the branch. */
  onNotice?: (message: string) => void;
}

export interface LoadedEvidence {
  /** Readable change records (apply, emergency, ...) in the period, in chain order. */
  records: EvidenceRecord[];
  /** Readable drift records whose check ran in the period (`checkedAt`), in chain order. */
  drift: DriftEvidenceRecord[];
  /** Paths of stored files that are not readable records (run `netchange audit verify`). */
  unreadable: string[];
  /** All records stored, readable or not. */
  total: number;
  /** The evidence commit read; undefined when there is no chain yet. */
  tip?: string;
}

/** Reads the records in a period, in chain order, with the files that could not be read. */
export async function loadEvidence(
  repositoryRoot: string,
  options: ReadOptions = {},
): Promise<LoadedEvidence> {
  const git = createSimpleGitEvidence(repositoryRoot);
  return loadEvidenceAt(git, await resolveEvidenceTip(git, options.onNotice), options);
}

/**
 * The evidence as it is now, reusing `earlier` (a read with the same options, started before, e.g.
 * while a long check ran) when the chain has not moved since: one git process instead of three.
 */
export async function reloadEvidence(
  repositoryRoot: string,
  earlier: Promise<LoadedEvidence>,
  options: ReadOptions = {},
): Promise<LoadedEvidence> {
  const git = createSimpleGitEvidence(repositoryRoot);
  const [tip, read] = await Promise.all([
    resolveEvidenceTip(git, options.onNotice),
    earlier.catch(() => undefined),
  ]);
  if (read && read.tip === tip) return read;
  return loadEvidenceAt(git, tip, options);
}

async function loadEvidenceAt(
  git: EvidenceGit,
  tip: string | undefined,
  options: ReadOptions,
): Promise<LoadedEvidence> {
  if (!tip) return { records: [], drift: [], unreadable: [], total: 0 };
  const entries = await git.listRecords(tip);
  const contents = await git.readBlobs(entries);
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = options.until?.getTime() ?? Number.POSITIVE_INFINITY;
  const records: EvidenceRecord[] = [];
  const drift: DriftEvidenceRecord[] = [];
  const unreadable: string[] = [];
  const inPeriod = (time: number) => time >= since && time < until;
  contents.forEach((content, index) => {
    const text = content.toString();
    // why: a digest over 12 hours of a 10,000-record chain parses only the records it shows; a
    // text that could state two finish times is parsed (statedFinishedAt).
    const quick = statedFinishedAt(text);
    if (quick !== undefined) {
      const finished = Date.parse(quick);
      if (!Number.isNaN(finished) && (finished < since || finished >= until)) return;
    }
    let record: AnyEvidenceRecord;
    try {
      record = JSON.parse(text) as AnyEvidenceRecord;
    } catch {
      unreadable.push(entries[index]?.path ?? '?');
      return;
    }
    if (record && typeof record === 'object' && isDriftRecord(record)) {
      const checked = typeof record.checkedAt === 'string' ? Date.parse(record.checkedAt) : Number.NaN;
      if (Number.isNaN(checked) || typeof record.target?.name !== 'string') {
        unreadable.push(entries[index]?.path ?? '?');
      } else if (inPeriod(checked)) {
        drift.push(record);
      }
      return;
    }
    const finished = typeof record?.finishedAt === 'string' ? Date.parse(record.finishedAt) : Number.NaN;
    if (Number.isNaN(finished) || !record.proposal || !Array.isArray(record.steps)) {
      unreadable.push(entries[index]?.path ?? '?');
      return;
    }
    if (inPeriod(finished)) records.push(record);
  });
  return { records, drift, unreadable, total: entries.length, tip };
}

/** Reads the records that finished in a period, in chain order (unreadable files are left out). */
export async function readEvidence(
  repositoryRoot: string,
  options: ReadOptions = {},
): Promise<EvidenceRecord[]> {
  return (await loadEvidence(repositoryRoot, options)).records;
}

/** git's `%G?` verdicts, for people. */
const SIGNATURE_STATUS: Record<string, string> = {
  N: 'no signature',
  B: 'bad signature',
  U: 'signed by a key of unknown validity',
  E: 'the signature cannot be checked',
  X: 'the signature has expired',
  Y: 'signed by an expired key',
  R: 'signed by a revoked key',
};

export interface VerifyOptions {
  /** The instant timestamps are compared with; default now. */
  now?: Date;
  /** Published chain heads the chain must hold (`--expect`, `--github`). */
  expect?: readonly ExpectedHead[];
  /** Told when the evidence moved from the old ref to the branch. */
  onNotice?: (message: string) => void;
  /** An SSH allowed-signers file: every evidence commit must then carry a good signature by one of them. */
  allowedSigners?: string;
}

/**
 * Checks the evidence: the history commit by commit (each adds exactly the next record and touches
 * nothing else), then every record at the tip against the hashes first announced, then the anchors.
 */
export async function verifyEvidence(
  repositoryRoot: string,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const git = createSimpleGitEvidence(repositoryRoot);
  const now = options.now ?? systemClock.now();
  const tip = await resolveEvidenceTip(git, options.onNotice);
  if (!tip) return withRemoteCheck(git, verifyStoredRecords([], new Map(), now, options.expect));
  // why: the history's shape and the tip's records are read at once (separate git processes).
  const [shaped, [entries, contents]] = await Promise.all([
    git.shapes(tip),
    git.listRecords(tip).then(async (listed) => [listed, await git.readBlobs(listed)] as const),
  ]);
  const shapes = checkShapes(shaped);
  if (shapes.problem) {
    // why: the fast walk saw a commit of the wrong shape; the slow walk says what it changed.
    const problem = checkHistory(await git.history(tip)).problem ?? shapes.problem;
    return { ok: false, checked: Math.max(0, problem.sequence - 1), firstProblem: problem };
  }
  if (options.allowedSigners) {
    const signatures = await git.signatures(tip, options.allowedSigners);
    const unsigned = signatures.findIndex((entry) => entry.status !== 'G');
    const entry = signatures[unsigned];
    if (entry) {
      return {
        ok: false,
        checked: unsigned,
        firstProblem: {
          sequence: unsigned + 1,
          problem: 'unsigned',
          commit: entry.commit,
          message: `commit ${entry.commit.slice(0, 12)} (record #${unsigned + 1}) is not signed by an allowed signer (${SIGNATURE_STATUS[entry.status] ?? `git says ${entry.status}`})`,
        },
      };
    }
  }
  const result = verifyStoredRecords(
    entries.map((entry, index) => ({ path: entry.path, content: contents[index] ?? '' })),
    shapes.announced,
    now,
    options.expect,
  );
  const kind = result.firstProblem?.problem;
  if (kind === undefined) return withRemoteCheck(git, result);
  if (kind === 'anchor' || kind === 'future-timestamp') return result;
  // why: a record that no longer matches its first announcement was changed by some later commit
  // (one that also added a record, so its shape looked right); name that commit when there is one.
  const culprit = checkHistory(await git.history(tip)).problem;
  return culprit ? { ok: false, checked: Math.max(0, culprit.sequence - 1), firstProblem: culprit } : result;
}

/**
 * An intact local chain is compared with origin's branch as last fetched too: origin no longer
 * holding what this clone saw there (a rewind, a rewritten history) is a problem, not a pass.
 */
async function withRemoteCheck(git: EvidenceGit, result: VerifyResult): Promise<VerifyResult> {
  if (result.firstProblem) return result;
  const rewind = await remoteRewind(git, 'origin');
  if (!rewind) return result;
  return {
    ok: false,
    checked: Math.min(result.checked, rewind.sequence - 1),
    firstProblem: { sequence: rewind.sequence, problem: 'rewound', message: rewind.message },
    ...(result.openChanges ? { openChanges: result.openChanges } : {}),
  };
}

/**
 * The newest record's place, for anchors: the local branch, else origin's branch as last fetched,
 * else the old ref. Reads only (never migrates or fetches); undefined when nothing was recorded.
 */
export async function readEvidenceHead(repositoryRoot: string): Promise<ChainTip | undefined> {
  const git = createSimpleGitEvidence(repositoryRoot);
  for (const ref of LOCAL_EVIDENCE_REFS) {
    const tip = await git.resolve(ref);
    if (tip) return tipOf(git, tip);
  }
  return undefined;
}

/** True when this clone holds evidence it can read without fetching (LOCAL_EVIDENCE_REFS). */
export async function holdsEvidence(repositoryRoot: string): Promise<boolean> {
  const git = createSimpleGitEvidence(repositoryRoot);
  for (const ref of LOCAL_EVIDENCE_REFS) if (await git.resolve(ref)) return true;
  return false;
}

/**
 * Brings the local evidence ref up to date with a remote's when that is a fast-forward (CI
 * checkouts do not fetch it), and moves the remote's seen marker (checkRemoteEvidence). Returns
 * false when the remote lacks it or the histories diverged.
 */
export async function fetchEvidence(
  repositoryRoot: string,
  remote = 'origin',
  notice?: (message: string) => void,
): Promise<boolean> {
  const git = createSimpleGitEvidence(repositoryRoot);
  if (!(await git.hasRemote(remote))) return false;
  const known = await knownRemoteTips(git, remote);
  const remoteTip = await fetchRemoteTip(git, remote);
  await noteFetched(git, remote, remoteTip, known);
  if (!remoteTip) return false;
  const localTip = await resolveEvidenceTip(git, notice);
  if (localTip && !(await git.isAncestor(localTip, remoteTip))) return false;
  return git.compareAndSwap(EVIDENCE_REF, remoteTip, localTip);
}
