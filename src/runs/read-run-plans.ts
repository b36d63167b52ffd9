/**
 * `comment --from DIR...`: what each run directory holds, and the one decision whether a report shows
 * one directory's plan as it is or merges them (`mergeShardPlans`). A directory that holds no plan
 * it can read is data here, never an error: the report names it and the check fails.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { NetchangeError } from '../core/errors.js';
import type { ShardRun } from './merge-plans.js';
import { type PlanDocument, readPlanDocument } from './plan-document.js';

/** One `--from` directory as read: its plan and plan.md, or why it holds no plan. */
export interface RunPlan extends ShardRun {
  planMarkdown?: string;
}

export interface ReadRunPlansOptions {
  /** What relative directories are relative to. */
  cwd: string;
  /**
   * The pull request comes from a fork, so its plan job never ran: a missing directory says so
   * instead of suggesting the plan failed.
   */
  fromFork?: boolean;
}

/** Reads every directory's plan.json and plan.md, in the order given. */
export function readRunPlans(
  directories: readonly string[],
  options: ReadRunPlansOptions,
): Promise<RunPlan[]> {
  return Promise.all(directories.map((directory) => readRunPlanOf(directory, options)));
}

/**
 * True when the directories hold one whole plan, which the report shows as it is; anything else is
 * merged, and the merge names what does not add up.
 * why: one path decides for one directory and for several. A lone directory of `plan --shard K/N`
 * with N > 1 is part of a plan (the merge names the shards missing); a lone directory without a
 * readable plan is a plan that failed or never ran (the merge reports it failed).
 */
export function isOneWholePlan(runs: readonly RunPlan[]): runs is [RunPlan & { plan: PlanDocument }] {
  const [only] = runs;
  return runs.length === 1 && only?.plan !== undefined && (only.plan.shard?.count ?? 1) === 1;
}

async function readRunPlanOf(directory: string, options: ReadRunPlansOptions): Promise<RunPlan> {
  const absolute = path.resolve(options.cwd, directory);
  if (!existsSync(absolute)) return { directory, noPlan: describeMissing(directory, options.fromFork) };
  const planFile = path.join(absolute, 'plan.json');
  if (!existsSync(planFile))
    return { directory, noPlan: `${directory} holds no plan.json: its plan failed before it planned` };
  const markdownFile = path.join(absolute, 'plan.md');
  const planMarkdown = existsSync(markdownFile) ? await readFile(markdownFile, 'utf8') : undefined;
  try {
    const plan = await readPlanDocument(planFile, path.join(directory, 'plan.json'));
    return { directory, plan, ...(planMarkdown !== undefined ? { planMarkdown } : {}) };
  } catch (error) {
    // why: a plan.json cut short (a runner killed mid-write, a broken artifact) is a failed shard,
    // reported with the others; only the plan reader's own refusal is taken as that.
    if (error instanceof NetchangeError && error.code === 'E_USAGE')
      return { directory, noPlan: `${error.message}: that plan is counted as failed` };
    throw error;
  }
}

function describeMissing(directory: string, fromFork: boolean | undefined): string {
  if (fromFork)
    return (
      `${directory} does not exist: this pull request comes from a fork, and a fork's code is never planned ` +
      'on the runner that reaches the devices; a maintainer brings the change into a branch of this repository to plan it'
    );
  return `${directory} does not exist: the plan job failed before it wrote its run directory, or did not run`;
}
