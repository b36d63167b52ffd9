/**
 * plan.json and result.json: versioned, redacted, and shaped so a PR comment, the apply gate and an
 * evidence record can take them as they are.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import type { StepResult, StepStatus } from '../executors/types.js';

/**
 * How a proposal's (or the whole run's) plan ended, worst step first. `held`: the run planned
 * nothing because the pull request's changed code awaits a code review (`held` says why); only a
 * whole run is held, never one proposal.
 */
export type PlanStatus = 'planned' | 'held' | 'failed' | 'error' | 'cancelled';

export interface ProposalPlan {
  /** Repository-relative proposal file. */
  file: string;
  id: string;
  title?: string;
  status: PlanStatus;
  /** True when any step would change something. */
  changed: boolean;
  /**
   * The plan hash: sha256 over the steps' plan hashes in order, what `apply --reviewed-plan`
   * compares. why: named `digest` in plan.json since its first version; the name is kept.
   */
  digest: string;
  steps: StepResult[];
}

export interface PlanDocument {
  schemaVersion: 1;
  kind: 'NetchangePlan';
  tool: { name: 'netchange'; version: string };
  /** When the plan was made (RFC 3339 UTC). */
  createdAt: string;
  /** The commit planned, when the repository is a git repository. */
  commit?: string;
  /**
   * `plan --since REF`'s base, resolved to a commit: the plan covers the proposals changed from it.
   * why: `comment --from` reports the same selection (a pull request's changes, not every proposal
   * of the repository), as `plan --since REF --github` would have.
   */
  since?: string;
  status: PlanStatus;
  proposals: ProposalPlan[];
  /** Set when plan ran nothing: the pull request changes code no code reviewer has approved yet. */
  held?: HeldPlan;
  /** Set by `plan --shard K/N`: which part of the selection this run planned. */
  shard?: PlanShard;
  /**
   * Set by `comment --from DIR...` on the merged plan: why the shards do not add up (a shard
   * missing or given twice, a proposal planned by none or by two). Any makes the status `error`.
   */
  problems?: string[];
  summary: {
    proposals: number;
    planned: number;
    failed: number;
    errors: number;
    cancelled: number;
    changed: number;
  };
}

/** One shard's part of a plan, so `comment --from DIR...` can check the shards add up. */
export interface PlanShard {
  /** K of `--shard K/N`, 1-based. */
  index: number;
  /** N of `--shard K/N`. */
  count: number;
  /**
   * Every proposal file the whole selection held before it was split (sorted).
   * why: each shard lists it, so a merge names a proposal no shard planned, not only counts it.
   */
  selected: string[];
  /**
   * The files of `selected` that fell to this shard (sorted), planned or not (one with errors is
   * reported, not planned). why: a merge missing a shard then names only that shard's files as
   * planned by nobody. Absent in plans written before it was recorded.
   */
  part?: string[];
}

/** Why a plan ran no step: the pull request's changed code is not trusted yet. */
export interface HeldPlan {
  /** One line: "code changes in playbooks/… need a review before they run". */
  reason: string;
  /** The changed files that can change what runs. */
  files: string[];
  /** Teams whose members' approval of the head commit lets plan run them. */
  reviewers: string[];
}

// why: held ranks below failed: a merge of shards where one change failed reports the failure,
// which no review will fix, before the wait for a code review.
const SEVERITY: Record<StepStatus | PlanStatus, number> = {
  planned: 0,
  applied: 0,
  skipped: 0,
  held: 1,
  failed: 2,
  error: 3,
  cancelled: 4,
};

/** The worst status among steps and plans: cancelled > error > failed > held > planned. */
export function worstStatus(statuses: readonly (StepStatus | PlanStatus)[]): PlanStatus {
  let worst: PlanStatus = 'planned';
  for (const status of statuses) {
    if (SEVERITY[status] <= SEVERITY[worst]) continue;
    if (status !== 'planned' && status !== 'applied' && status !== 'skipped') worst = status;
  }
  return worst;
}

/** Whether a plan that ended so failed (the check fails): not when it planned, nor while it is held. */
export function planFailed(status: PlanStatus): boolean {
  return status === 'failed' || status === 'error' || status === 'cancelled';
}

export function summarise(proposals: readonly ProposalPlan[]): PlanDocument['summary'] {
  return {
    proposals: proposals.length,
    planned: proposals.filter((plan) => plan.status === 'planned').length,
    failed: proposals.filter((plan) => plan.status === 'failed').length,
    errors: proposals.filter((plan) => plan.status === 'error').length,
    cancelled: proposals.filter((plan) => plan.status === 'cancelled').length,
    changed: proposals.filter((plan) => plan.changed).length,
  };
}

/**
 * Reads a plan.json (`netchange plan` wrote it, or a reviewer downloaded it): the one reader, so every
 * command that takes a plan checks the same shape. Not a plan: a usage error naming the file.
 */
export async function readPlanDocument(absolute: string, shown: string): Promise<PlanDocument> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(absolute, 'utf8'));
  } catch {
    throw usageError(`${shown} is not a readable plan.json`, 'Pass the plan.json netchange plan wrote.');
  }
  if (!isPlanDocument(document)) {
    throw usageError(`${shown} is not a netchange plan.json`, 'Pass the plan.json netchange plan wrote.');
  }
  return document;
}

/** The plan.json and plan.md of a run directory, each when it is there. */
export async function readRunPlan(
  directory: string,
): Promise<{ plan?: PlanDocument; planMarkdown?: string }> {
  const jsonFile = path.join(directory, 'plan.json');
  const markdownFile = path.join(directory, 'plan.md');
  return {
    ...(existsSync(jsonFile) ? { plan: await readPlanDocument(jsonFile, jsonFile) } : {}),
    ...(existsSync(markdownFile) ? { planMarkdown: await readFile(markdownFile, 'utf8') } : {}),
  };
}

/** The plan hash the reviewers approved for one proposal, from `--reviewed-plan FILE`. */
export async function readReviewedPlanHash(
  absolute: string,
  shown: string,
  subject: { file: string; proposal: { id: string } },
): Promise<string> {
  let plan: PlanDocument;
  try {
    plan = await readPlanDocument(absolute, shown);
  } catch {
    throw usageError(
      `--reviewed-plan ${shown} is not a readable plan.json`,
      'Pass the plan.json netchange plan wrote.',
    );
  }
  const entry = plan.proposals.find(
    (proposal) => proposal.id === subject.proposal.id || proposal.file === subject.file,
  );
  if (!entry || typeof entry.digest !== 'string') {
    throw usageError(
      `--reviewed-plan ${shown} holds no plan for ${subject.proposal.id}`,
      'Plan this proposal and pass that plan.json.',
    );
  }
  return entry.digest;
}

// why: a plan.json may come from a reviewer's download; its shape is checked before any field is trusted.
function isPlanDocument(value: unknown): value is PlanDocument {
  if (value === null || typeof value !== 'object') return false;
  const document = value as Partial<Record<keyof PlanDocument, unknown>>;
  return (
    (document.shard === undefined || isPlanShard(document.shard)) &&
    (document.since === undefined ||
      (typeof document.since === 'string' && /^[0-9a-f]{40,64}$/.test(document.since))) &&
    Array.isArray(document.proposals) &&
    document.proposals.every(
      (proposal: unknown) =>
        proposal !== null &&
        typeof proposal === 'object' &&
        typeof (proposal as { file?: unknown }).file === 'string' &&
        Array.isArray((proposal as { steps?: unknown }).steps),
    )
  );
}

/** `shard` as plan writes it; a merge reads every field, so a hand-edited one must not pass half. */
function isPlanShard(value: unknown): value is PlanShard {
  if (value === null || typeof value !== 'object') return false;
  const shard = value as Partial<Record<keyof PlanShard, unknown>>;
  const isFileList = (list: unknown) =>
    Array.isArray(list) && list.every((file: unknown) => typeof file === 'string');
  return (
    Number.isInteger(shard.count) &&
    Number.isInteger(shard.index) &&
    (shard.index as number) >= 1 &&
    (shard.index as number) <= (shard.count as number) &&
    isFileList(shard.selected) &&
    (shard.part === undefined || isFileList(shard.part))
  );
}
