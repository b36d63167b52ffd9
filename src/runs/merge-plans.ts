/**
 * `comment --from DIR...`: the plans of the shards of one run, merged into the plan the unsharded
 * run would have written, with every way the shards fail to add up named.
 * why: a missing shard, a proposal no shard planned or one planned twice must fail the check, not
 * pass it with part of the change unreviewed.
 */
import { type PlanDocument, type ProposalPlan, summarise, worstStatus } from './plan-document.js';

/** One shard's run directory as read: its plan, if it wrote one. */
export interface ShardRun {
  /** The directory as the user named it (shown in problems). */
  directory: string;
  plan?: PlanDocument;
}

export interface MergedPlan {
  plan: PlanDocument;
  /** One line each: why the shards do not add up; any problem makes the merged status `error`. */
  problems: string[];
}

/** Merges the shards' plans; `version` names the tool in the merged document. */
export function mergeShardPlans(runs: readonly ShardRun[], version: string): MergedPlan {
  const problems: string[] = [];
  const plans: PlanDocument[] = [];
  for (const run of runs) {
    if (run.plan) plans.push(run.plan);
    else problems.push(`${run.directory} holds no plan.json: that shard failed before it planned`);
  }
  const counts = new Set(plans.flatMap((plan) => (plan.shard ? [plan.shard.count] : [])));
  if (counts.size > 1) problems.push(`the shards were split different ways (N = ${[...counts].join(', ')})`);
  const count = [...counts][0];
  if (count !== undefined) {
    const seen = new Map<number, number>();
    for (const plan of plans)
      if (plan.shard) seen.set(plan.shard.index, (seen.get(plan.shard.index) ?? 0) + 1);
    for (let index = 1; index <= count; index += 1) {
      const times = seen.get(index) ?? 0;
      if (times === 0) problems.push(`shard ${index}/${count} is missing`);
      if (times > 1) problems.push(`shard ${index}/${count} was given ${times} times`);
    }
  }
  const commits = new Set(plans.flatMap((plan) => (plan.commit ? [plan.commit] : [])));
  if (commits.size > 1) problems.push(`the shards planned different commits (${[...commits].join(', ')})`);

  const byFile = new Map<string, ProposalPlan>();
  for (const plan of plans) {
    for (const proposal of plan.proposals) {
      if (byFile.has(proposal.file)) problems.push(`${proposal.file} was planned by more than one shard`);
      else byFile.set(proposal.file, proposal);
    }
  }
  const selected = new Set(plans.flatMap((plan) => plan.shard?.selected ?? []));
  // why: a proposal with errors is not planned by design (its shard reports it and fails); a
  // proposal is missing only when the shard that holds it left no plan at all.
  const missing = [...selected].filter((file) => !byFile.has(file));
  if (problems.some((problem) => problem.includes('holds no plan.json') || problem.includes('is missing'))) {
    for (const file of missing) problems.push(`${file} was planned by no shard`);
  }

  const proposals = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const held = plans.find((plan) => plan.held)?.held;
  const createdAt = plans.map((plan) => plan.createdAt).sort()[0];
  const status = worstStatus([
    ...plans.map((plan) => plan.status),
    ...(problems.length > 0 ? (['error'] as const) : []),
  ]);
  const plan: PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version },
    createdAt: createdAt ?? '1970-01-01T00:00:00Z',
    ...(commits.size === 1 ? { commit: [...commits][0] as string } : {}),
    status,
    proposals,
    ...(held ? { held } : {}),
    ...(problems.length > 0 ? { problems } : {}),
    summary: summarise(proposals),
  };
  return { plan, problems };
}
