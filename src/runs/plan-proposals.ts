/**
 * `netchange plan` as a stage: every execution step of every selected proposal in check+diff mode,
 * at most `concurrency` at once (across proposals and steps), artifacts written as they finish.
 */
import pLimit from 'p-limit';
import type { ChangeProposal, Step } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { clockOf, type StepContext } from '../executors/context.js';
import { planHash } from '../executors/plan-hash.js';
import { EXECUTOR_KINDS, stepOf } from '../executors/registry.js';
import { type ExecutedStep, runStep, skippedStep, stepLabel } from '../executors/run-step.js';
import type { StepPhase, StepResult } from '../executors/types.js';
import type { Redactor } from '../redact/index.js';
import { saveBackups } from './backups.js';
import {
  type PlanDocument,
  type PlanShard,
  type ProposalPlan,
  summarise,
  worstStatus,
} from './plan-document.js';
import { type ProgressReporter, silentProgress } from './progress.js';
import { renderPlanMarkdown } from './render-plan.js';
import { type RunDirectory, safeName } from './run-directory.js';

/** A proposal to plan: its file and content (a ChangeSubject fits). */
export interface PlanTarget {
  file: string;
  proposal: ChangeProposal;
}

/** How steps run; shared by plan and apply. */
export interface ExecutionOptions {
  repoRoot: string;
  redactor: Redactor;
  /** Steps running at once (plan); apply runs one at a time. */
  concurrency: number;
  timeoutMs: number;
  killGraceMs: number;
  commands: StepContext['commands'];
  signal?: AbortSignal;
  runDirectory: RunDirectory;
  progress?: ProgressReporter;
  env?: Record<string, string | undefined>;
  /** The clock steps are timed by; the CLI passes the system clock (or `--at`'s). */
  now?: () => Date;
  version: string;
  commit?: string;
  /** `--since REF`'s base commit: recorded in plan.json (PlanDocument.since). */
  since?: string;
  /** `--shard K/N`: recorded in plan.json. */
  shard?: PlanShard;
}

/** Plans every target and writes plan.json and plan.md into the run directory. */
export async function planProposals(
  targets: readonly PlanTarget[],
  options: ExecutionOptions,
): Promise<PlanDocument> {
  const createdAt = toRfc3339Utc(clockOf(options)().getTime());
  const limit = pLimit(Math.max(1, options.concurrency));
  const progress = options.progress ?? silentProgress();
  const proposals = await Promise.all(
    targets.map(async (target): Promise<ProposalPlan> => {
      const steps = await Promise.all(
        target.proposal.execution.map((step, index) =>
          limit(() => executeStep(target, step, 'execution', index, 'check', options, progress)),
        ),
      );
      return proposalPlan(target, steps);
    }),
  );
  const plan: PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: options.version },
    createdAt,
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.since ? { since: options.since } : {}),
    status: worstStatus(proposals.map((proposal) => proposal.status)),
    proposals,
    ...(options.shard ? { shard: options.shard } : {}),
    summary: summarise(proposals),
  };
  await options.runDirectory.writeJson('plan.json', plan);
  await options.runDirectory.writeText(
    'plan.md',
    renderPlanMarkdown(plan, { artifacts: options.runDirectory.path, limit: Number.POSITIVE_INFINITY }),
  );
  return plan;
}

export function proposalPlan(target: PlanTarget, steps: StepResult[]): ProposalPlan {
  return {
    file: target.file,
    id: target.proposal.id,
    title: target.proposal.title,
    status: worstStatus(steps.map((step) => step.status)),
    changed: steps.some((step) => step.changed),
    digest: planHash(steps.map((step) => step.digest)),
    steps,
  };
}

/**
 * Runs one step with progress and its log written to `logs/<id>/<phase>-<n>-<kind>.log`; a real
 * run's device configurations, when the executor read them, go to `backups/` (see backups.ts).
 * A step whose turn comes after cancellation is reported cancelled without running.
 */
export async function executeStep(
  target: PlanTarget,
  step: Step,
  phase: StepPhase,
  index: number,
  mode: 'check' | 'apply',
  options: ExecutionOptions,
  progress: ProgressReporter,
  expectedDigest?: string,
): Promise<StepResult> {
  if (options.signal?.aborted) {
    return {
      ...skippedStep(step, { phase, index }, mode, 'cancelled before it started', clockOf(options)),
      status: 'cancelled',
    };
  }
  const key = `${target.file}#${phase}${index}`;
  const verb = mode === 'check' ? 'plan' : phase === 'execution' ? 'apply' : phase;
  const label = `${target.proposal.id} ${verb} ${index + 1}/${phaseLength(target, phase)} ${stepLabel(step)}`;
  progress.started(key, label);
  const context: StepContext = {
    repoRoot: options.repoRoot,
    mode,
    redactor: options.redactor,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    commands: options.commands,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(expectedDigest !== undefined ? { expectedDigest } : {}),
    ...(options.now ? { now: options.now } : {}),
  };
  const executed: ExecutedStep = await runStep(step, { phase, index }, context);
  const logName = `logs/${safeName(target.proposal.id)}/${mode === 'check' ? 'plan' : 'apply'}-${phase}-${index + 1}-${executed.result.kind}.log`;
  executed.result.log = await options.runDirectory.writeText(logName, executed.logText);
  // why: only a real run's: check mode changes nothing, so there is nothing to back up.
  if (mode === 'apply' && executed.configurations.length > 0) {
    executed.result.backups = await saveBackups(
      options.runDirectory,
      { phase, index },
      executed.configurations,
    );
  }
  const ok = executed.result.status === 'planned' || executed.result.status === 'applied';
  progress.finished(key, label, executed.result.status, ok, executed.result.durationMs);
  return executed.result;
}

function phaseLength(target: PlanTarget, phase: StepPhase): number {
  if (phase === 'execution') return target.proposal.execution.length;
  if (phase === 'verification') return target.proposal.verification?.length ?? 0;
  return rollbackSteps(target.proposal).length;
}

/** The rollback section as steps: one per executor it names (an Ansible and a Terraform step). */
export function rollbackSteps(proposal: ChangeProposal): Step[] {
  const rollback = proposal.rollback;
  if (!rollback) return [];
  return EXECUTOR_KINDS.flatMap((kind) =>
    rollback[kind] ? [stepOf(kind, rollback[kind], `rollback (${kind})`)] : [],
  );
}
