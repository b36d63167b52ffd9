/**
 * `netchange apply --due`, for a scheduled workflow: every merged and approved proposal whose
 * scheduled interval contains now and that was not applied yet, one after another, each through
 * the same use-case as `apply PATH --pr N`.
 */
import path from 'node:path';
import { NO_CONFLICT_RULES } from '../conflicts/find.js';
import { orderWaves, type Shard, selectShard } from '../conflicts/shard.js';
import { NetchangeError } from '../core/errors.js';
import type { ChangeSubject } from '../core/model.js';
import { findDueApplications } from '../github/apply-gate.js';
import { loadChangeSubjects } from '../pipeline/load-proposals.js';
import type { Workspace } from '../pipeline/workspace.js';
import { type ApplyContext, type ApplyRequest, type ApplyRun, applyChange } from './apply.js';
import { openRequestedWorkspace } from './workspace.js';

/** A proposal that is due, as the run announces it. */
export interface DueChange {
  id: string;
  pullNumber: number;
  /** The proposal file, relative to the context's `cwd`. */
  path: string;
}

/** How one due proposal ended: it ran (whatever its outcome), or it was refused or failed before. */
export type DueOutcome =
  | { change: DueChange; run: ApplyRun; error?: undefined }
  | { change: DueChange; run?: undefined; error: NetchangeError };

/** What the caller shows while the run goes on. */
export interface DueEvents {
  onStart(change: DueChange): void;
  /** Awaited before the next proposal starts, so what the caller prints stays in order. */
  onFinished(outcome: DueOutcome): void | Promise<void>;
}

/** This runner's part of the proposals, split by the policy's redundancy groups. */
async function shardOf(
  workspace: Workspace,
  subjects: readonly ChangeSubject[],
  shard: Shard,
): Promise<ChangeSubject[]> {
  const { compileConflictRules } = await import('../control/conflict-rules.js');
  const rules =
    (workspace.changeControlDocument && compileConflictRules(workspace.changeControlDocument).rules) ||
    NO_CONFLICT_RULES;
  return selectShard(subjects, shard, rules);
}

/** Applies every due proposal; returns each one's outcome (none: nothing was due). */
export async function applyDueChanges(
  request: Omit<ApplyRequest, 'proposalPath' | 'pullNumber'> & { shard?: Shard },
  context: ApplyContext,
  events: DueEvents,
): Promise<DueOutcome[]> {
  const workspace = await openRequestedWorkspace(request, context);
  const loaded = await loadChangeSubjects(workspace, {});
  // why: a redundancy unit stays in one shard, and this runner applies its due members one after
  // another (in waves, by start then id), so two members of one group never change at once.
  const subjects = request.shard
    ? orderWaves(await shardOf(workspace, loaded.subjects, request.shard)).flat()
    : loaded.subjects;
  const due = await findDueApplications({
    workspace,
    subjects,
    env: context.env,
    now: context.clock.now(),
    warn: context.warn,
  });
  const outcomes: DueOutcome[] = [];
  for (const application of due) {
    const change: DueChange = {
      id: application.id,
      pullNumber: application.pullNumber,
      path: path.relative(context.cwd, path.join(workspace.root, application.file)),
    };
    events.onStart(change);
    let outcome: DueOutcome;
    try {
      const run = await applyChange(
        { ...request, proposalPath: change.path, pullNumber: change.pullNumber },
        context,
      );
      outcome = { change, run };
    } catch (error) {
      if (!(error instanceof NetchangeError)) throw error;
      // why: one refused or failed proposal must not stop the others that are due.
      outcome = { change, error };
    }
    await events.onFinished(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}
