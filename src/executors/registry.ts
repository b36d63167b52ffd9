/**
 * The executors netchange knows, by the field a step is written under. Adding one means a folder
 * beside ansible/ and terraform/ that exports an `Executor`, and one line here (plus the step's
 * shape in the change-proposal schema and its command keys in the netchange.yaml schema, which
 * are the user's contract).
 */
import { STEP_KINDS, type StepKind } from '../core/steps.js';
import { ansibleExecutor } from './ansible/index.js';
import type { Executor } from './executor.js';
import type { StepResultOf, StepRunOf } from './step-result.js';
import { terraformExecutor } from './terraform/index.js';

// why: stepOf lives in core, where pure code (control) lists a proposal's steps with it.
export { stepOf } from '../core/steps.js';

/** Every executor, by kind, in the order a rollback section lists its steps. */
export const EXECUTORS = {
  ansible: ansibleExecutor,
  terraform: terraformExecutor,
  // why: pure code lists a proposal's steps by core's STEP_KINDS; a kind missing on either side fails here.
} as const satisfies Record<StepKind, unknown>;

/** The kinds of step: `ansible`, `terraform`. */
export type ExecutorKind = keyof typeof EXECUTORS;

/** The kinds in the order a rollback section lists its steps. */
export const EXECUTOR_KINDS: readonly ExecutorKind[] = STEP_KINDS;

/** The settings a step of `Kind` is written with. */
export type SettingsOf<Kind extends ExecutorKind> =
  (typeof EXECUTORS)[Kind] extends Executor<Kind, infer Spec, infer _Run, infer _Command> ? Spec : never;

/** What a step of `Kind` produces when it runs. */
export type RunOf<Kind extends ExecutorKind> =
  (typeof EXECUTORS)[Kind] extends Executor<Kind, infer _Spec, infer Run, infer _Command> ? Run : never;

/**
 * The result of one step: a union narrowed by `kind`. Each member carries its own run under its
 * kind (`step.kind === 'ansible'` gives `step.ansible`).
 */
export type StepResult = {
  [Kind in ExecutorKind]: StepResultOf<Kind, RunOf<Kind>> & {
    [Other in Exclude<ExecutorKind, Kind>]?: never;
  };
}[ExecutorKind];

/** What an executor's run returns, for any executor. */
export type StepRun = {
  [Kind in ExecutorKind]: StepRunOf<Kind, RunOf<Kind>> & { [Other in Exclude<ExecutorKind, Kind>]?: never };
}[ExecutorKind];

/** The command keys of netchange.yaml's `executors` (`ansiblePlaybook`, `terraform`, ...). */
export type CommandName = {
  [Kind in ExecutorKind]: keyof (typeof EXECUTORS)[Kind]['commands'];
}[ExecutorKind];

/** Every command an executor runs, by its netchange.yaml key. */
export type ExecutorCommands = Record<CommandName, string>;

/** Anything that carries a step's settings (or results) under its kind: a `Step`, a `StepResult`. */
export type KindCarrier = { readonly [Kind in ExecutorKind]?: unknown };

/**
 * The kind of a step: the one executor field it carries. A step with none is a bug (the schema
 * requires exactly one).
 */
export function stepKind(step: KindCarrier): ExecutorKind {
  const kind = EXECUTOR_KINDS.find((candidate) => step[candidate] !== undefined);
  if (!kind) throw new Error('internal: a step without an executor field');
  return kind;
}

/** The executor of a step as written in a proposal. */
export function executorOf(step: KindCarrier): (typeof EXECUTORS)[ExecutorKind] {
  return EXECUTORS[stepKind(step)];
}

/** The executor that produced a result. */
export function executorOfResult(result: StepResult): (typeof EXECUTORS)[ExecutorKind] {
  return EXECUTORS[result.kind];
}

/**
 * Every executor's commands (netchange.yaml's `executors.ansiblePlaybook`, `executors.terraform`...):
 * the configured value, else the executor's default.
 */
export function executorCommands(configured: Partial<Record<CommandName, string>> = {}): ExecutorCommands {
  const commands: Partial<ExecutorCommands> = {};
  for (const executor of Object.values(EXECUTORS)) {
    for (const [name, command] of Object.entries(executor.commands) as [CommandName, string][])
      commands[name] = configured[name] ?? command;
  }
  return commands as ExecutorCommands;
}
