/**
 * The run half of `netchange apply`: gate, re-plan and compare with the reviewed digest, run the
 * steps for real, verify, roll back on failure when the proposal says so, and write result.json.
 * The GitHub apply gate reuses `applyProposal` with its own gate (pull-request approvals, locks).
 */
import { NetchangeError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import type { ChangeSubject, Step } from '../core/model.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc, toRfc3339Utc } from '../core/time.js';
import { planHash } from '../executors/plan-hash.js';
import { skippedStep, stepLabel } from '../executors/run-step.js';
import type { StepResult } from '../executors/types.js';
import { inheritStepDefaults } from '../proposals/references.js';
import type { ApplyWatch, HoldRecord, WatchStop } from './apply-watch.js';
import { type ExecutionOptions, executeStep, type PlanTarget, rollbackSteps } from './plan-proposals.js';
import { silentProgress } from './progress.js';

/** What the gate says right now: validation with approvals required, at the current instant. */
export interface GateVerdict {
  ok: boolean;
  /** Why it refuses, one sentence each. */
  reasons: string[];
  /** The findings behind the refusal (with file and line). */
  findings: Finding[];
}

export type ApplyOutcome =
  | 'applied'
  | 'failed'
  | 'rolled-back'
  | 'rollback-failed'
  | 'refused'
  | 'cancelled'
  | 'error'
  /** Written to result.json before the first step runs; a run that ends normally replaces it. */
  | 'interrupted';

/** result.json: everything an evidence record needs about one apply, redacted. */
export interface ApplyResult {
  schemaVersion: 1;
  kind: 'NetchangeApplyResult';
  tool: { name: 'netchange'; version: string };
  proposal: {
    file: string;
    id: string;
    title: string;
    type: string;
    risk: string;
    domain: string;
    blob?: string;
  };
  /** The commit applied, when known. */
  commit?: string;
  /** Who ran apply (GitHub login or local user), when known. */
  actor?: string;
  outcome: ApplyOutcome;
  /** One line for a person. */
  message: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Digest of the plan made just before applying. */
  plannedDigest?: string;
  /** Digest of the reviewed plan (`--reviewed-plan`), when given. */
  reviewedDigest?: string;
  /** The check-mode plan made just before applying. */
  plan: StepResult[];
  /** The execution steps, run for real. */
  steps: StepResult[];
  verification: StepResult[];
  rollback: StepResult[];
  /** Live holds while it ran: maintenance silences, alerts before and after, a stop between steps. */
  holds?: HoldRecord;
}

export interface ApplyOptions extends ExecutionOptions {
  /** The gate; refuses with reasons. The CLI passes validation at `now` with approvals required. */
  gate: () => Promise<GateVerdict>;
  /** The clock (the window must be open at this instant). */
  now: () => Date;
  /** The plan hash the reviewers approved (the reviewed plan.json's `digest`). */
  reviewedPlanHash?: string;
  actor?: string;
  /**
   * Called once the gate passed and the plan matched, right before the first real step: the CLI
   * records the `apply-started` evidence here. A throw stops the apply before any device changes.
   */
  onStart?: (result: ApplyResult) => Promise<void>;
  /**
   * Watches the run from outside (live holds): started after `onStart`, asked before every step
   * after the first whether to stop, finished before result.json is written.
   */
  watch?: ApplyWatch;
}

/**
 * Applies one proposal. Throws E_GATE when the gate refuses, the window is not open now or the plan
 * differs from the reviewed one (result.json is written first), E_EXECUTOR when planning fails in the
 * tool, E_CANCELLED on Ctrl-C. Otherwise returns the result (also written to result.json).
 */
export async function applyProposal(subject: ChangeSubject, options: ApplyOptions): Promise<ApplyResult> {
  const started = options.now();
  const startedMs = performance.now();
  const progress = options.progress ?? silentProgress();
  const target: PlanTarget = { file: subject.file, proposal: subject.proposal };
  const result: ApplyResult = {
    schemaVersion: 1,
    kind: 'NetchangeApplyResult',
    tool: { name: 'netchange', version: options.version },
    proposal: {
      file: subject.file,
      id: subject.proposal.id,
      title: subject.proposal.title,
      type: subject.proposal.type,
      risk: subject.proposal.risk,
      domain: subject.proposal.domain,
      ...(subject.blob ? { blob: subject.blob } : {}),
    },
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.actor ? { actor: options.actor } : {}),
    outcome: 'refused',
    message: '',
    startedAt: toRfc3339Utc(started.getTime()),
    finishedAt: toRfc3339Utc(started.getTime()),
    durationMs: 0,
    ...(options.reviewedPlanHash ? { reviewedDigest: options.reviewedPlanHash } : {}),
    plan: [],
    steps: [],
    verification: [],
    rollback: [],
  };
  const finish = async (outcome: ApplyOutcome, message: string): Promise<ApplyResult> => {
    result.outcome = outcome;
    result.message = message;
    result.finishedAt = toRfc3339Utc(options.now().getTime());
    result.durationMs = performance.now() - startedMs;
    await options.runDirectory.writeJson('result.json', result);
    return result;
  };

  // 1. The gate: validation now, approvals satisfied, the window open now.
  const verdict = await options.gate();
  const reasons = [...verdict.reasons];
  const slot = slotReason(subject, started.getTime());
  if (slot) reasons.push(slot);
  if (!verdict.ok || reasons.length > 0) {
    await finish('refused', `apply refused: ${reasons.join('; ')}`);
    throw new NetchangeError('E_GATE', `apply refused for ${subject.proposal.id}: ${reasons.join('; ')}`, {
      findings: verdict.findings,
      hint: refusalHint(subject, reasons),
    });
  }

  // 2. Re-plan and compare with what was reviewed.
  for (const [index, step] of subject.proposal.execution.entries()) {
    result.plan.push(await executeStep(target, step, 'execution', index, 'check', options, progress));
  }
  result.plannedDigest = planHash(result.plan.map((step) => step.digest));
  const planFailure = result.plan.find((step) => step.status !== 'planned');
  if (planFailure) {
    const message = `the plan before applying did not succeed: step ${planFailure.index + 1} ${planFailure.status}${planFailure.message ? `: ${planFailure.message}` : ''}`;
    await finish(planFailure.status === 'cancelled' ? 'cancelled' : 'refused', message);
    throw new NetchangeError(
      planFailure.status === 'cancelled'
        ? 'E_CANCELLED'
        : planFailure.status === 'error'
          ? 'E_EXECUTOR'
          : 'E_GATE',
      message,
      planFailure.hint ? { hint: planFailure.hint } : {},
    );
  }
  if (options.reviewedPlanHash && options.reviewedPlanHash !== result.plannedDigest) {
    const message = `the plan changed since it was reviewed (reviewed ${options.reviewedPlanHash}, now ${result.plannedDigest}); nothing was applied`;
    await finish('refused', message);
    throw new NetchangeError('E_GATE', message, {
      hint: 'Run netchange plan again and have the new plan reviewed.',
    });
  }

  // 3. Leave a trace first: a run killed from here on still says it started (result.json, evidence).
  result.outcome = 'interrupted';
  result.message = `${subject.proposal.id} started at ${formatLocalAndUtc(Date.parse(result.startedAt), subject.timezone)} and has no result: the run was interrupted; check the devices`;
  await options.runDirectory.writeJson('result.json', result);
  await options.onStart?.(result);

  // 4. Run the steps for real, in order, stopping at the first that does not succeed (or that a new
  // hold stops before it runs); roll back when the proposal (or the hold policy) asks for it.
  const watch = options.watch;
  await watch?.start();
  let stop: WatchStop | undefined;
  let ended: [ApplyOutcome, string];
  try {
    ended = await runSteps();
  } catch (error) {
    await watch?.finish(false);
    result.holds = watch?.record();
    throw error;
  }
  await watch?.finish(ended[0] === 'applied');
  if (watch) result.holds = watch.record();
  return finish(...ended);

  async function runSteps(): Promise<[ApplyOutcome, string]> {
    let failure = await runPhase(
      subject.proposal.execution,
      'execution',
      result.steps,
      (index) => result.plan[index]?.digest,
    );
    if (!failure) {
      failure = await runPhase(subject.proposal.verification ?? [], 'verification', result.verification);
    }
    if (!failure) {
      // why: "verified" only when verification steps ran; otherwise the reader would trust a check that never happened.
      const verified = result.verification.length;
      return [
        'applied',
        verified > 0
          ? `${subject.proposal.id} applied and verified (${verified} verification step${verified === 1 ? '' : 's'} passed)`
          : `${subject.proposal.id} applied; not verified: the proposal has no verification steps`,
      ];
    }
    if (failure.status === 'cancelled')
      return ['cancelled', `${subject.proposal.id} cancelled during ${failure.phase}`];

    // 5. Roll back when the proposal asks for it (or, after a hold stopped the run, when the policy does).
    const what = stop
      ? `stopped before ${failure.phase} step ${failure.index + 1} (${failure.name}): ${stop.reason}`
      : `${failure.phase} step ${failure.index + 1} (${failure.name}) ${failure.status}${failure.message ? `: ${failure.message}` : ''}`;
    const rollback = rollbackSteps(subject.proposal);
    const wanted = stop ? stop.rollback : subject.proposal.rollback?.auto === true;
    if (!wanted || rollback.length === 0) {
      const why = stop?.rollback
        ? 'the proposal has no rollback steps'
        : stop
          ? 'not rolled back (holds.duringApply.onAlert is stop)'
          : 'no automatic rollback';
      return [failure.status === 'error' ? 'error' : 'failed', `${what}; ${why}`];
    }
    const rollbackFailure = await runPhase(rollback, 'rollback', result.rollback);
    return rollbackFailure
      ? [
          'rollback-failed',
          `${what}; the rollback failed too: ${rollbackFailure.message ?? rollbackFailure.status}`,
        ]
      : ['rolled-back', `${what}; rolled back`];
  }

  async function runPhase(
    steps: readonly Step[],
    phase: 'execution' | 'verification' | 'rollback',
    into: StepResult[],
    expectedDigest: (index: number) => string | undefined = () => undefined,
  ): Promise<StepResult | undefined> {
    let failed: StepResult | undefined;
    for (const [index, step] of steps.entries()) {
      if (failed) {
        into.push(
          skippedStep(
            step,
            { phase, index },
            'apply',
            `not run: step ${failed.index + 1} ${failed.status}`,
            options.now,
          ),
        );
        continue;
      }
      // why: the first step runs right after the gate judged the holds; every later one looks again.
      const first = phase === 'execution' && index === 0;
      if (watch && phase !== 'rollback' && !first) {
        stop = await watch.beforeStep({ phase, index, name: stepLabel(step) });
        if (stop) {
          failed = skippedStep(step, { phase, index }, 'apply', `not run: held: ${stop.reason}`, options.now);
          into.push(failed);
          continue;
        }
      }
      const run = phase === 'execution' ? step : withDefaults(step, subject);
      const done = await executeStep(
        target,
        run,
        phase,
        index,
        'apply',
        options,
        progress,
        expectedDigest(index),
      );
      into.push(done);
      if (done.status !== 'applied') failed = done;
    }
    return failed;
  }
}

/**
 * Verification and rollback steps often name only a playbook; they run against the same inventory
 * and limit, with the same extra variables, as the proposal's first Ansible step (their own values
 * win). The rule lives with the proposal's references, where validate resolves the hosts it reaches.
 */
export function withDefaults(step: Step, subject: ChangeSubject): Step {
  return inheritStepDefaults(step, subject.proposal);
}

/**
 * Why `nowMs` is outside the proposal's own slot, in plain words with local times; undefined inside
 * it. Apply runs a change only within the start and end its proposal gives.
 */
export function slotReason(subject: ChangeSubject, nowMs: number): string | undefined {
  if (nowMs >= subject.startMs && nowMs < subject.endMs) return undefined;
  const slot = formatSpanLocalAndUtc(subject.startMs, subject.endMs, subject.timezone);
  return nowMs < subject.startMs ? `its slot has not started: ${slot}` : `its slot is over: ${slot}`;
}

/**
 * The locks a rehearsal found held (`lock NAME is held by ...`).
 * why: a rehearsal reads the local repository's locks only, so they are released with `--local`.
 */
function heldLocks(reasons: readonly string[]): string[] {
  return reasons.flatMap((reason) => /^lock (\S+) is held by /.exec(reason)?.[1] ?? []);
}

/** What to do about a refusal, for the causes it actually has (never a flag that was not the cause). */
export function refusalHint(subject: ChangeSubject, reasons: readonly string[]): string {
  const hints: string[] = [];
  const has = (text: string) => reasons.some((reason) => reason.includes(text));
  if (has('approvals missing') || has('older commit') || has('another commit'))
    hints.push('collect the approvals for the head commit on the pull request');
  // why: a lock's reason says "lock NAME is held by" too; only the review hold starts with "held by".
  if (reasons.some((reason) => reason.startsWith('held by ')))
    hints.push('whoever held it lifts the hold with a later review');
  const locks = heldLocks(reasons);
  if (locks.length > 0)
    hints.push(
      `wait for the run holding ${locks.length === 1 ? 'the lock' : 'the locks'} to finish or its lease to end; ` +
        `if that run died, release ${locks.length === 1 ? 'it' : 'them'} with: ${locks.map((name) => `netchange unlock ${name} --local`).join(', ')}`,
    );
  if (has('window opens') || has('no allowed slot'))
    hints.push(
      'move the proposal to an allowed slot (netchange next shows them), or get the override approvals',
    );
  else if (has('slot'))
    hints.push(
      `apply runs inside the proposal's slot; rehearse it with \`netchange apply --dry-run --at <time>\` (the slot starts ${formatLocalAndUtc(subject.startMs, subject.timezone)})`,
    );
  if (hints.length === 0) hints.push('fix what netchange validate reports for this proposal');
  const text = hints.join('; ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}
