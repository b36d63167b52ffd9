/**
 * `comment --from DIR...`: the plans of the shards of one run, merged into the plan the unsharded
 * run would have written, with every way the shards fail to add up named.
 * why: a missing shard, a proposal no shard planned or one planned twice must fail the check, not
 * pass it with part of the change unreviewed.
 */
import { type PlanDocument, type ProposalPlan, summarise, worstStatus } from './plan-document.js';

/** One shard's run directory as read: its plan, or why it holds none. */
export interface ShardRun {
  /** The directory as the user named it (shown in problems). */
  directory: string;
  plan?: PlanDocument;
  /**
   * Why there is no plan to merge (the directory is missing, holds no plan.json, or its plan.json
   * cannot be read); the merge reports it as a failed shard. Default: "holds no plan.json".
   */
  noPlan?: string;
}

export interface MergedPlan {
  plan: PlanDocument;
  /** One line each: why the shards do not add up; any problem makes the merged status `error`. */
  problems: string[];
}

/** Problems found by one check, and whether they mean part of the selection went unplanned. */
interface Findings {
  problems: string[];
  /** True when a part of the selection may have been planned by nobody (list what is unplanned). */
  lost: boolean;
}

/** Merges the shards' plans; `version` names the tool in the merged document. */
export function mergeShardPlans(runs: readonly ShardRun[], version: string): MergedPlan {
  const plans = runs.flatMap((run) => (run.plan ? [run.plan] : []));
  const { proposals, doubled } = proposalsByFile(plans);
  const findings = [
    runsWithoutPlan(runs),
    shardCoverage(runs),
    selectionDifferences(runs),
    commitDifferences(plans),
    baseDifferences(plans),
    { problems: doubled.map((file) => `${file} was planned by more than one shard`), lost: false },
  ];
  const problems = findings.flatMap((found) => found.problems);
  // why: a proposal with errors is not planned by design (its shard reports it and fails); a
  // proposal is missing only when part of the selection was lost: a shard without a plan, or
  // shards that split different selections.
  if (findings.some((found) => found.lost)) problems.push(...unplannedFiles(plans, proposals));

  const held = plans.find((plan) => plan.held)?.held;
  const commits = new Set(plans.flatMap((plan) => (plan.commit ? [plan.commit] : [])));
  const bases = new Set(plans.map((plan) => plan.since));
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
    ...(bases.size === 1 && [...bases][0] ? { since: [...bases][0] as string } : {}),
    status,
    proposals,
    ...(held ? { held } : {}),
    ...(problems.length > 0 ? { problems } : {}),
    summary: summarise(proposals),
  };
  return { plan, problems };
}

/**
 * True for a merged plan that planned nothing and says why (every directory missing, empty or
 * unreadable): the report then says no plan was made, not that shards are missing a part.
 */
export function noPlanWasMade(plan: PlanDocument): boolean {
  return (plan.problems?.length ?? 0) > 0 && plan.proposals.length === 0;
}

/** Every proposal once, by file; the files more than one shard planned. */
function proposalsByFile(plans: readonly PlanDocument[]): { proposals: ProposalPlan[]; doubled: string[] } {
  const byFile = new Map<string, ProposalPlan>();
  const doubled: string[] = [];
  for (const plan of plans) {
    for (const proposal of plan.proposals) {
      if (byFile.has(proposal.file)) doubled.push(proposal.file);
      else byFile.set(proposal.file, proposal);
    }
  }
  const proposals = [...byFile.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { proposals, doubled };
}

/** A directory without a readable plan is a shard that failed before it planned. */
function runsWithoutPlan(runs: readonly ShardRun[]): Findings {
  const problems = runs
    .filter((run) => !run.plan)
    .map((run) => run.noPlan ?? `${run.directory} holds no plan.json: that shard failed before it planned`);
  return { problems, lost: problems.length > 0 };
}

/** Every shard K of N exactly once, all split the same way. */
function shardCoverage(runs: readonly ShardRun[]): Findings {
  const sharded = runs.flatMap((run) =>
    run.plan?.shard ? [{ directory: run.directory, ...run.plan.shard }] : [],
  );
  const counts = new Set(sharded.map((shard) => shard.count));
  // why: shards of different splits cover parts of different wholes, so counting K against any one N
  // names shards missing or doubled that are neither; the split is the one problem to report.
  if (counts.size > 1) {
    const named = sharded.map((shard) => `${shard.directory} is shard ${shard.index}/${shard.count}`);
    return {
      problems: [`the shards were split different ways (${named.join(', ')})`],
      lost: true,
    };
  }
  const count = [...counts][0];
  const problems: string[] = [];
  let lost = false;
  if (count !== undefined) {
    const seen = new Map<number, number>();
    for (const shard of sharded) seen.set(shard.index, (seen.get(shard.index) ?? 0) + 1);
    for (let index = 1; index <= count; index += 1) {
      const times = seen.get(index) ?? 0;
      if (times === 0) problems.push(`shard ${index}/${count} is missing`);
      if (times > 1) problems.push(`shard ${index}/${count} was given ${times} times`);
      lost ||= times === 0;
    }
  }
  return { problems, lost };
}

/**
 * Shards must have split one selection. why: each shard plans its part of the selection it made
 * itself; shards run over different paths or `--since` refs each cover a part of a different whole,
 * so the proposals between those parts are planned by nobody, and no shard is missing to say so.
 */
function selectionDifferences(runs: readonly ShardRun[]): Findings {
  const bySelection = new Map<string, { shards: string[]; selected: readonly string[] }>();
  for (const run of runs) {
    const shard = run.plan?.shard;
    if (!shard) continue;
    const key = JSON.stringify([...shard.selected].sort());
    const group = bySelection.get(key) ?? { shards: [], selected: shard.selected };
    group.shards.push(`${run.directory} (shard ${shard.index}/${shard.count})`);
    bySelection.set(key, group);
  }
  if (bySelection.size <= 1) return { problems: [], lost: false };
  const groups = [...bySelection.values()];
  const described = groups
    .map((group) => `${group.shards.join(', ')} selected ${describeCount(group.selected.length)}`)
    .join('; ');
  const differing = [...new Set(groups.flatMap((group) => group.selected))]
    .filter((file) => !groups.every((group) => group.selected.includes(file)))
    .sort();
  return {
    problems: [
      `the shards planned different selections of proposals (${described}); ` +
        `not in every selection: ${describeFiles(differing)}. ` +
        'Plan every shard with the same paths and --since, at the same commit.',
    ],
    lost: true,
  };
}

function commitDifferences(plans: readonly PlanDocument[]): Findings {
  const commits = new Set(plans.flatMap((plan) => (plan.commit ? [plan.commit] : [])));
  return {
    problems: commits.size > 1 ? [`the shards planned different commits (${[...commits].join(', ')})`] : [],
    lost: false,
  };
}

/** Shards planned from different --since bases (or some with one and some without). */
function baseDifferences(plans: readonly PlanDocument[]): Findings {
  const bases = new Set(plans.map((plan) => plan.since));
  if (bases.size <= 1) return { problems: [], lost: false };
  const named = [...bases].map((base) => base ?? 'no --since').join(', ');
  return {
    problems: [`the shards planned from different bases (${named}); plan every shard with the same --since`],
    lost: false,
  };
}

/**
 * Each file of any shard's selection that no shard planned and no shard took as its part (a shard
 * reports the files of its part it could not plan, such as a proposal with errors).
 */
function unplannedFiles(plans: readonly PlanDocument[], proposals: readonly ProposalPlan[]): string[] {
  const answered = new Set([
    ...proposals.map((proposal) => proposal.file),
    ...plans.flatMap((plan) => plan.shard?.part ?? []),
  ]);
  const selected = new Set(plans.flatMap((plan) => plan.shard?.selected ?? []));
  return [...selected].filter((file) => !answered.has(file)).map((file) => `${file} was planned by no shard`);
}

function describeCount(files: number): string {
  return `${files} proposal file${files === 1 ? '' : 's'}`;
}

/** Up to ten files by name, then how many more. */
function describeFiles(files: readonly string[]): string {
  const shown = files.slice(0, 10).join(', ');
  return files.length > 10 ? `${shown} and ${files.length - 10} more` : shown;
}
