import type { Step } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { clockOf, type StepContext } from './context.js';
import { executorOf, type StepResult, type StepRun, stepKind } from './registry.js';
import type { DeviceConfiguration, StepPhase } from './step-result.js';

/** Where a step sits in its proposal. */
export interface StepPosition {
  phase: StepPhase;
  index: number;
}

/**
 * A step's result, its redacted log text and the devices' running configurations the executor read
 * (the run directory decides where the log and the backups go).
 */
export interface ExecutedStep {
  result: StepResult;
  logText: string;
  /** Before and after a real run, per device, redacted; empty when the executor read none. */
  configurations: DeviceConfiguration[];
}

/** The label a step is shown with: its name, or what it runs. */
export function stepLabel(step: Step): string {
  return step.name ?? executorOf(step).label(step);
}

/** Runs one step of a proposal with its executor and computes its plan hash. */
export async function runStep(
  step: Step,
  position: StepPosition,
  context: StepContext,
): Promise<ExecutedStep> {
  const startedAt = toRfc3339Utc(clockOf(context)().getTime());
  const executor = executorOf(step);
  // why: before the tool runs, so the redactor knows the inventory's and variables' secrets before
  // any output, diff or log exists (not only those the tool's output happens to label).
  const refused = await executor.learnSecrets(step, context);
  const run: StepRun = refused ? { ...refused, startedAt } : await executor.run(step, context);
  const { logText, configurations = [], ...rest } = run;
  // why: `rest` carries the run of `step`'s own kind, which TypeScript cannot relate to stepKind.
  const result = {
    phase: position.phase,
    index: position.index,
    name: stepLabel(step),
    kind: stepKind(step),
    mode: context.mode,
    ...rest,
    digest: executor.planHash(rest),
  } as StepResult;
  return { result, logText, configurations };
}

/** A step that was not run (an earlier step failed, or the run was cancelled). */
export function skippedStep(
  step: Step,
  position: StepPosition,
  mode: 'check' | 'apply',
  reason: string,
  now: () => Date = clockOf({}),
): StepResult {
  return {
    phase: position.phase,
    index: position.index,
    name: stepLabel(step),
    kind: stepKind(step),
    mode,
    status: 'skipped',
    changed: false,
    message: reason,
    digest: '',
    startedAt: toRfc3339Utc(now().getTime()),
    durationMs: 0,
  };
}
