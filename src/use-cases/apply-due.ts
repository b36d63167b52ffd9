/**
 * `netchange apply --due`, for a scheduled workflow: every merged and approved proposal whose
 * scheduled interval contains now and that was not applied yet, in waves (docs/scale.md, "Shards and
 * waves"), one after another, each through the same use-case as `apply PATH --pr N`.
 */
import path from 'node:path';
import { type ConflictRules, NO_CONFLICT_RULES } from '../conflicts/find.js';
import { orderWaves, type Shard, selectShard, shardKeys } from '../conflicts/shard.js';
import { NetchangeError } from '../core/errors.js';
import type { ChangeSubject } from '../core/model.js';
import { type DueApplication, findDueApplications } from '../github/apply-gate.js';
import { loadChangeSubjects } from '../pipeline/load-proposals.js';
import type { Workspace } from '../pipeline/workspace.js';
import type { PreviousApply } from '../runs/index.js';
import {
  type ApplyContext,
  type ApplyRequest,
  type ApplyRun,
  applyChange,
  previousApplies,
} from './apply.js';
import { openRequestedWorkspace } from './workspace.js';

/** A proposal that is due, as the run announces it. */
export interface DueChange {
  id: string;
  pullNumber: number;
  /** The proposal file, relative to the context's `cwd`. */
  path: string;
  /** Its wave, 1-based: the members of one redundancy group go one per wave. */
  wave: number;
  /** How many waves this run has. */
  waves: number;
}

/**
 * How one due proposal ended: it ran (whatever its outcome), it was refused or failed before, or it
 * was skipped (`skipped` says why): an earlier member of its redundancy group did not apply, or the
 * evidence shows it ran at this commit already without applying (`earlier` is that record).
 */
export type DueOutcome =
  | { change: DueChange; run: ApplyRun; error?: undefined; skipped?: undefined }
  | { change: DueChange; run?: undefined; error: NetchangeError; skipped?: undefined }
  | { change: DueChange; run?: undefined; error?: undefined; skipped: string; earlier?: PreviousApply };

/** What the caller shows while the run goes on. */
export interface DueEvents {
  /** A proposal is about to run (not called for a skipped one). */
  onStart(change: DueChange): void;
  /** Awaited before the next proposal starts, so what the caller prints stays in order. */
  onFinished(outcome: DueOutcome): void | Promise<void>;
}

/** why: a single runner is shard 1 of 1, so it applies in the same waves as one shard of many. */
const WHOLE_SELECTION: Shard = { index: 1, count: 1 };

/** A due proposal with its place in the run. */
interface ScheduledDue {
  application: DueApplication;
  /** 1-based. */
  wave: number;
  /** Its redundancy group (the unit's smallest group name), when it is in one. */
  group?: string;
}

/** Applies every due proposal, wave after wave; returns each one's outcome (none: nothing was due). */
export async function applyDueChanges(
  request: Omit<ApplyRequest, 'proposalPath' | 'pullNumber'> & { shard?: Shard },
  context: ApplyContext,
  events: DueEvents,
): Promise<DueOutcome[]> {
  const workspace = await openRequestedWorkspace(request, context);
  const loaded = await loadChangeSubjects(workspace, {});
  const rules = await conflictRulesOf(workspace);
  // why: a redundancy unit stays in one shard, so this runner alone orders its members.
  const mine = selectShard(loaded.subjects, request.shard ?? WHOLE_SELECTION, rules);
  const due = await findDueApplications({
    workspace,
    subjects: mine,
    env: context.env,
    now: context.clock.now(),
    warn: context.warn,
  });
  const scheduled = inWaves(mine, due, rules);
  const waves = scheduled.at(-1)?.wave ?? 0;
  // why: a group whose member did not apply keeps its later waves back (see skipReason).
  const stoppedGroups = new Map<string, string>();
  const outcomes: DueOutcome[] = [];
  const earlierRun = earlierRunFinder(workspace, context.warn);
  for (const entry of scheduled) {
    const change = dueChange(entry, waves, workspace, context);
    const stopped = entry.group !== undefined ? stoppedGroups.get(entry.group) : undefined;
    const earlier = stopped ? undefined : await earlierRun(change, entry.application.headSha);
    const outcome: DueOutcome = stopped
      ? { change, skipped: stopped }
      : earlier
        ? { change, skipped: ranBeforeReason(change, earlier), earlier }
        : await applyOne(change, request, context, events);
    if (!stopped && entry.group !== undefined && !applied(outcome))
      stoppedGroups.set(entry.group, skipReason(entry, outcome));
    await events.onFinished(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

/** The change-control policy's redundancy groups (none without a policy that compiles). */
async function conflictRulesOf(workspace: Workspace): Promise<ConflictRules> {
  const { compileConflictRules } = await import('../control/conflict-rules.js');
  return (
    (workspace.changeControlDocument && compileConflictRules(workspace.changeControlDocument).rules) ||
    NO_CONFLICT_RULES
  );
}

/**
 * The due proposals in the order they run: wave by wave, a redundancy group's members one per wave
 * by start then id, proposals of different units sharing a wave.
 * why: the waves are made of the due proposals only: a member that is not due this run (applied
 * already, or not in its window) must not push its partner into a later wave.
 */
function inWaves(
  subjects: readonly ChangeSubject[],
  due: readonly DueApplication[],
  rules: ConflictRules,
): ScheduledDue[] {
  const byFile = new Map(due.map((application) => [application.file, application]));
  const dueSubjects = subjects.filter((subject) => byFile.has(subject.file));
  const keys = shardKeys(dueSubjects, rules);
  return orderWaves(dueSubjects, rules).flatMap((members, index) =>
    members.map((subject) => {
      const key = keys.get(subject.file) ?? '';
      return {
        application: byFile.get(subject.file) as DueApplication,
        wave: index + 1,
        ...(key.startsWith('group:') ? { group: key.slice('group:'.length) } : {}),
      };
    }),
  );
}

function dueChange(
  entry: ScheduledDue,
  waves: number,
  workspace: Workspace,
  context: ApplyContext,
): DueChange {
  const { application } = entry;
  return {
    id: application.id,
    pullNumber: application.pullNumber,
    path: path.relative(context.cwd, path.join(workspace.root, application.file)),
    wave: entry.wave,
    waves,
  };
}

/**
 * Finds the last evidence record of a due proposal at the commits its apply stands for (HEAD and its
 * pull request's approved head), when that run did not end applied (failed, rolled back, or started
 * with no result).
 * why: `apply --due` runs on every tick of a schedule; re-running a change that failed on production
 * devices on each tick, unattended, could make things worse each time. Such a change waits for an
 * operator (`--reapply REASON`), and `checkNotAppliedYet` would refuse it anyway.
 */
function earlierRunFinder(
  workspace: Workspace,
  warn: ApplyContext['warn'],
): (change: DueChange, pullHead: string) => Promise<PreviousApply | undefined> {
  let head: Promise<string | undefined> | undefined;
  return async (change, pullHead) => {
    head ??= workspace.git ? workspace.git.resolveRef('HEAD') : Promise.resolve(undefined);
    const commits = [...new Set([await head, pullHead].filter((commit) => commit !== undefined))];
    const last = (await previousApplies(workspace.root, change.id, commits, warn)).at(-1);
    // why: a record that says applied is what the applied marker is for; apply refuses that itself.
    return last && last.outcome !== 'succeeded' ? last : undefined;
  };
}

/** Why a due proposal that ran before without applying is skipped, and how an operator runs it again. */
function ranBeforeReason(change: DueChange, earlier: PreviousApply): string {
  const ended = earlier.outcome === 'started' ? 'started with no result' : earlier.outcome;
  return (
    `${ended} at commit ${earlier.commit.slice(0, 12)} (evidence record #${earlier.sequence}); ` +
    `an operator re-runs it with: netchange apply ${change.path} --pr ${change.pullNumber} --reapply "REASON"`
  );
}

/** Runs one due proposal through `apply PATH --pr N`. */
async function applyOne(
  change: DueChange,
  request: Omit<ApplyRequest, 'proposalPath' | 'pullNumber'>,
  context: ApplyContext,
  events: DueEvents,
): Promise<DueOutcome> {
  events.onStart(change);
  try {
    const run = await applyChange(
      { ...request, proposalPath: change.path, pullNumber: change.pullNumber },
      context,
    );
    return { change, run };
  } catch (error) {
    if (!(error instanceof NetchangeError)) throw error;
    // why: one refused or failed proposal must not stop the other due proposals; only its own
    // redundancy group's later waves wait (see skipReason).
    return { change, error };
  }
}

function applied(outcome: DueOutcome): boolean {
  return outcome.run?.result.outcome === 'applied';
}

/**
 * Why a group's later members are skipped in this run.
 * why: a member that did not end `applied` may have left its devices broken (failed, rolled back,
 * cancelled), or be unreachable (a refusal can be a plan that could not reach it); applying another
 * member now could take down both sides of the redundant pair. Nothing is marked applied, so the
 * next run comes back to the group from its first wave: a member refused or in error before it ran
 * is tried again; one that ran and did not apply is skipped (see earlierRunFinder) and keeps the
 * group back until an operator re-runs it with `--reapply` or its window closes.
 */
function skipReason(entry: ScheduledDue, outcome: DueOutcome): string {
  if (outcome.skipped !== undefined && outcome.earlier) {
    return (
      `${entry.application.id} of redundancy group ${entry.group} ${outcome.skipped}; ` +
      'its devices may be down, so no other member of the group is changed until it applies'
    );
  }
  const ended = outcome.run
    ? outcome.run.result.outcome
    : outcome.error?.code === 'E_GATE'
      ? 'refused'
      : 'error';
  return (
    `${entry.application.id} of redundancy group ${entry.group} did not apply in wave ${entry.wave} (${ended}); ` +
    'its devices may be down, so no other member of the group is changed in this run'
  );
}
