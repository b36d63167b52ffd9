/**
 * Attribution: why a device or stack differs from its intended state. Each drifted target is matched
 * against the evidence (what netchange applied, from which commit) and the proposals on the default
 * branch (what should be there):
 *
 * 1. `applied-not-merged`: the last change netchange applied to the target came from a commit the
 *    default branch does not hold (a pull request applied before it merged, or never merged);
 * 2. `merged-not-applied`: a proposal on the default branch targets it and was never applied at the
 *    version merged;
 * 3. otherwise `out-of-band`: no netchange change explains it — someone changed the device directly.
 *
 * See docs/drift.md ("Attribution") for what "targets" means and the limits of the matching.
 */
import picomatch from 'picomatch';
import { loadEvidence } from '../audit/store.js';
import type { EvidenceRecord } from '../audit/types.js';
import { toRfc3339Utc } from '../core/time.js';
import { parseYaml } from '../documents/parse-yaml.js';
import { resolveSchedule } from '../proposals/schedule.js';
import { type AttributionGit, createAttributionGit, type GitFile } from './attribution-git.js';
import type { DetectedTarget, DriftExplanation } from './model.js';

export interface ExplainDriftRequest {
  /** The network repository's root (the directory holding changes/). */
  repositoryRoot: string;
  /** The branch (or ref) that holds the intended state, e.g. `main` or `origin/main`. */
  defaultBranch: string;
  /** What detection found; only `drifted` targets are explained. */
  targets: readonly DetectedTarget[];
  /** Where proposals live, relative to the root; default `changes`. */
  changesDirectory?: string;
  /** The repository's default time zone (netchange.yaml), for proposals whose schedule names none. */
  defaultTimezone?: string;
  /**
   * The change records of the chain, in chain order (or their read, under way); read from the
   * evidence branch when absent.
   */
  evidence?: readonly EvidenceRecord[] | Promise<readonly EvidenceRecord[]>;
  /**
   * True when the target matches an earlier intended state of the default branch: it is behind,
   * not edited. A pending merged change explains a drift only then; a target that matches no earlier
   * intent was changed by hand, and the pending change must not hide that (out-of-band). Without
   * it, any pending merged change that targets the device explains its drift.
   */
  isBehind?: (target: DetectedTarget) => Promise<boolean>;
  /**
   * True when the target is in sync with the intended state at `commit`. An apply from a commit the
   * default branch does not hold explains a drift only when the target still runs what that commit
   * intends (a later hand edit is out-of-band). Without it, a proposal on the default branch at the
   * applied version counts as merged (a squash merge), and any later unmerged apply explains the drift.
   */
  matchesIntentAt?: (target: DetectedTarget, commit: string) => Promise<boolean>;
}

/** The parts of a proposal attribution reads (proposals are read leniently: no schema check). */
export interface ProposalFacts {
  id: string;
  file: string;
  /** Blob sha of the file on the branch it was read from. */
  blob: string;
  title?: string;
  /** Device names and globs of `targets.devices`. */
  devices: string[];
  /** The `limit` of every Ansible step (execution, verification, rollback). */
  limits: string[];
  /** `dir` or `dir@workspace` of every Terraform step. */
  stacks: string[];
  /** Start and end as scheduled, when they resolve. */
  slot?: { start: string; end: string };
}

// why: only records of a change that ran on the devices; a started-only record has no result and a
// rollback record restored what was there.
const APPLYING_KINDS = new Set<EvidenceRecord['kind']>(['apply', 'emergency', 'window-override']);
const APPLYING_OUTCOMES = new Set<EvidenceRecord['outcome']>(['succeeded', 'failed']);

/**
 * Explains each drifted target: returns target → explanation for every target whose status is
 * `drifted` (in-sync, ignored and error targets are left out).
 */
export async function explainDrift(request: ExplainDriftRequest): Promise<Map<string, DriftExplanation>> {
  const drifted = request.targets.filter((target) => target.status === 'drifted');
  const explanations = new Map<string, DriftExplanation>();
  if (drifted.length === 0) return explanations;
  const git = rememberAncestry(createAttributionGit(request.repositoryRoot));
  const tip = await git.resolveCommit(request.defaultBranch);
  const changes = request.changesDirectory ?? 'changes';
  const [files, evidence] = await Promise.all([
    git.yamlFilesAt(tip, changes),
    request.evidence ?? loadEvidence(request.repositoryRoot).then((loaded) => loaded.records),
  ]);
  const merged = files.flatMap((file) => {
    const facts = proposalFacts(file, request.defaultTimezone);
    return facts ? [facts] : [];
  });
  const applying = evidence.filter(
    (record) => APPLYING_KINDS.has(record.kind) && APPLYING_OUTCOMES.has(record.outcome),
  );
  const last = await lastChanges(git, applying, drifted, request.defaultTimezone);
  const appliedVersions = new Set(
    applying
      .filter((record) => record.outcome === 'succeeded')
      // why: a record without a blob (written before blobs were kept) counts for every version of its proposal.
      .map((record) => versionKey(record.proposal.id, record.proposal.blob)),
  );
  for (const target of drifted) {
    const pending = mergedNotApplied(target, merged, appliedVersions);
    const explanation = (await appliedNotMerged(
      git,
      tip,
      target,
      last.get(target.target),
      merged,
      request,
    )) ??
      (pending && (!request.isBehind || (await request.isBehind(target))) ? pending : undefined) ?? {
        kind: 'out-of-band',
      };
    explanations.set(target.target, explanation);
  }
  return explanations;
}

/** The same git, asking about each commit's ancestry once (many targets share their last applied commit). */
function rememberAncestry(git: AttributionGit): AttributionGit {
  const answers = new Map<string, Promise<boolean>>();
  return {
    ...git,
    isAncestor(ancestor, descendant) {
      const key = `${ancestor}..${descendant}`;
      let answer = answers.get(key);
      if (!answer) {
        answer = git.isAncestor(ancestor, descendant);
        answers.set(key, answer);
      }
      return answer;
    },
  };
}

/** Records read per git call at first; each further chunk is twice as large. */
const FIRST_CHUNK = 64;

/**
 * The last applying record that reached each target, reading the chain backwards in growing chunks
 * and each record's proposal as it was at the applied commit (from git): a target netchange changed
 * recently is settled after the first chunk; only targets it never touched read the whole chain.
 */
async function lastChanges(
  git: AttributionGit,
  records: readonly EvidenceRecord[],
  targets: readonly DetectedTarget[],
  defaultTimezone: string | undefined,
): Promise<Map<string, EvidenceRecord>> {
  const found = new Map<string, EvidenceRecord>();
  const pending = new Set(targets);
  // why: thousands of records apply a few hundred proposal versions; each version is parsed and
  // matched against the targets once.
  const reachedBy = new Map<string, DetectedTarget[]>();
  let end = records.length;
  for (let size = FIRST_CHUNK; end > 0 && pending.size > 0; size *= 2) {
    const chunk = records.slice(Math.max(0, end - size), end);
    end -= chunk.length;
    const files = await git.filesAt(
      chunk.map((record) => ({ commit: record.commit, file: record.proposal.file })),
    );
    for (let index = chunk.length - 1; index >= 0 && pending.size > 0; index--) {
      const record = chunk[index] as EvidenceRecord;
      const file = files[index];
      let reached = file ? reachedBy.get(file.blob) : undefined;
      if (!reached) {
        const facts = file ? proposalFacts(file, defaultTimezone) : undefined;
        reached = targets.filter((target) => touches(facts, record, target));
        if (file) reachedBy.set(file.blob, reached);
      }
      for (const target of reached) {
        if (!pending.delete(target)) continue;
        found.set(target.target, record);
      }
    }
  }
  return found;
}

/**
 * The last change netchange applied to the target, when its commit is not on the default branch.
 * A squash merge leaves the applied commit off the branch but the proposal file on it unchanged: a
 * proposal on the branch with the applied blob counts as merged.
 */
async function appliedNotMerged(
  git: AttributionGit,
  tip: string,
  target: DetectedTarget,
  last: EvidenceRecord | undefined,
  merged: readonly ProposalFacts[],
  request: Pick<ExplainDriftRequest, 'matchesIntentAt'>,
): Promise<DriftExplanation | undefined> {
  if (!last) return undefined;
  // why: a proposal file can reach main unchanged while the intended state its pull request changed
  // did not; only a comparison with the applied commit's intent tells the two apart.
  if (
    !request.matchesIntentAt &&
    merged.some((proposal) => proposal.id === last.proposal.id && proposal.blob === last.proposal.blob)
  )
    return undefined;
  if (await git.isAncestor(last.commit, tip)) return undefined;
  if (request.matchesIntentAt && !(await request.matchesIntentAt(target, last.commit))) return undefined;
  return {
    kind: 'applied-not-merged',
    proposal: {
      id: last.proposal.id,
      file: last.proposal.file,
      ...(last.proposal.title ? { title: last.proposal.title } : {}),
    },
    evidence: {
      sequence: last.sequence,
      hash: last.hash,
      commit: last.commit,
      ...(last.pullRequest ? { pullRequest: last.pullRequest.number } : {}),
    },
  };
}

/** The proposal on the default branch that targets the target and was never applied at that version. */
function mergedNotApplied(
  target: DetectedTarget,
  merged: readonly ProposalFacts[],
  appliedVersions: ReadonlySet<string>,
): DriftExplanation | undefined {
  const pending = merged
    .filter((proposal) => targetsTarget(proposal, target))
    .filter(
      (proposal) =>
        !appliedVersions.has(versionKey(proposal.id, proposal.blob)) &&
        !appliedVersions.has(versionKey(proposal.id, null)),
    )
    // why: the earliest slot first: that is the change due to bring the target in line soonest.
    .sort((a, b) => (a.slot?.start ?? '').localeCompare(b.slot?.start ?? '') || a.file.localeCompare(b.file));
  const first = pending[0];
  if (!first) return undefined;
  return {
    kind: 'merged-not-applied',
    proposal: {
      id: first.id,
      file: first.file,
      ...(first.title ? { title: first.title } : {}),
      ...(first.slot ? { slot: first.slot } : {}),
    },
  };
}

/** One version of a proposal: its id and blob (null: any version). */
function versionKey(id: string, blob: string | null): string {
  return `${id}\u0000${blob ?? ''}`;
}

/** Whether an applied record reached the target: by its proposal at the applied commit, else by the record. */
function touches(
  proposal: ProposalFacts | undefined,
  record: EvidenceRecord,
  target: DetectedTarget,
): boolean {
  if (proposal) return targetsTarget(proposal, target);
  if (target.kind !== 'ansible') return false;
  return (record.proposal.targets?.devices ?? []).some((device) => matchesHost(device, target.target));
}

/** True when a proposal declares or reaches the target: a device by name, glob or step limit; a stack by dir. */
export function targetsTarget(proposal: ProposalFacts, target: DetectedTarget): boolean {
  if (target.kind === 'terraform') {
    const wanted = normaliseStack(target.target);
    return proposal.stacks.some((stack) => normaliseStack(stack) === wanted);
  }
  return (
    proposal.devices.some((device) => matchesHost(device, target.target)) ||
    proposal.limits.some((limit) => limitReaches(limit, target.target))
  );
}

const matchers = new Map<string, (host: string) => boolean>();

// why: compiled once per pattern; attribution asks every record's patterns about every drifted host.
function matchesHost(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  let matcher = matchers.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern);
    matchers.set(pattern, matcher);
  }
  return matcher(host);
}

/**
 * Whether an Ansible `--limit` names the host: its parts (`:` or `,` separated) by name, glob or
 * `~regex`; `!part` excludes, `&part` must also match. Group names are not resolved (that needs the
 * inventory); `all` and `*` reach every host.
 */
export function limitReaches(limit: string, host: string): boolean {
  const parts = limit
    .split(/[:,]/)
    .map((part) => part.trim())
    .filter(Boolean);
  const matches = (part: string): boolean => {
    if (part === 'all') return true;
    if (part.startsWith('~')) {
      try {
        return new RegExp(part.slice(1)).test(host);
      } catch {
        return false;
      }
    }
    return matchesHost(part, host);
  };
  const included = parts.filter((part) => !part.startsWith('!') && !part.startsWith('&'));
  const required = parts.filter((part) => part.startsWith('&')).map((part) => part.slice(1));
  const excluded = parts.filter((part) => part.startsWith('!')).map((part) => part.slice(1));
  return included.some(matches) && required.every(matches) && !excluded.some((part) => matches(part));
}

/** `./terraform/sdwan/` and `terraform/sdwan@default` name the same stack as `terraform/sdwan`. */
function normaliseStack(stack: string): string {
  const at = stack.lastIndexOf('@');
  const dir = (at < 0 ? stack : stack.slice(0, at)).replace(/^\.\//, '').replace(/\/+$/, '');
  const workspace = at < 0 ? 'default' : stack.slice(at + 1) || 'default';
  return `${dir}@${workspace}`;
}

/** Reads what attribution needs from a proposal file; undefined for a file that is not a readable proposal. */
export function proposalFacts(file: GitFile, defaultTimezone?: string): ProposalFacts | undefined {
  const value = parseYaml(file.file, file.text).value;
  if (!isObject(value) || value.kind !== 'ChangeProposal' || typeof value.id !== 'string') return undefined;
  const limits: string[] = [];
  const stacks: string[] = [];
  const rollback = isObject(value.rollback) ? [value.rollback] : [];
  for (const step of [...list(value.execution), ...list(value.verification), ...rollback]) {
    if (!isObject(step)) continue;
    if (isObject(step.ansible) && typeof step.ansible.limit === 'string') limits.push(step.ansible.limit);
    if (isObject(step.terraform) && typeof step.terraform.dir === 'string') {
      const workspace = step.terraform.workspace;
      stacks.push(`${step.terraform.dir}${typeof workspace === 'string' ? `@${workspace}` : ''}`);
    }
  }
  const devices = isObject(value.targets) ? list(value.targets.devices) : [];
  const slot = slotOf(value, file.file, defaultTimezone);
  return {
    id: value.id,
    file: file.file,
    blob: file.blob,
    ...(typeof value.title === 'string' ? { title: value.title } : {}),
    devices: devices.filter((device): device is string => typeof device === 'string'),
    limits,
    stacks,
    ...(slot ? { slot } : {}),
  };
}

/**
 * The schedule's start and end as RFC 3339 UTC instants (an end given as a duration resolved).
 * why: a start may be written as a local time (`2026-12-07T01:00` with a timezone), which is not an
 * instant: readers would parse it in their own zone, and slots would not sort by time.
 */
function slotOf(
  proposal: Record<string, unknown>,
  file: string,
  defaultTimezone: string | undefined,
): { start: string; end: string } | undefined {
  const schedule = proposal.schedule;
  if (!isObject(schedule) || typeof schedule.start !== 'string') return undefined;
  const asWritten =
    typeof schedule.end === 'string' ? { start: schedule.start, end: schedule.end } : undefined;
  try {
    const { schedule: resolved } = resolveSchedule(
      proposal as unknown as Parameters<typeof resolveSchedule>[0],
      () => ({ line: 1, column: 1 }),
      file,
      defaultTimezone,
    );
    return resolved
      ? { start: toRfc3339Utc(resolved.startMs), end: toRfc3339Utc(resolved.endMs) }
      : asWritten;
  } catch {
    // why: an unresolvable schedule is validate's finding to report; attribution names the proposal anyway.
    return asWritten;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
