/**
 * What an executor (ansible, terraform, ...) brings: everything the rest of netchange needs to
 * know about one kind of step. Each lives in its own folder and is registered once in registry.ts;
 * apart from Ansible inventory questions in validation (docs/executors.md), nothing else branches on it.
 *
 * why: the methods take the step (or its result) whole and read their own field (`step.ansible`),
 * rather than the bare settings: a caller holding a `Step` or `StepResult` union can then call the
 * registry's executor for its kind without narrowing first (see registry.ts).
 */
import type { StepContext } from './context.js';
import type { RefusedRun, StepOutcome, StepRunOf } from './step-result.js';

/** A step as written, or its result, carrying the executor's own part under its kind. */
export type Carrying<Kind extends string, Value> = { readonly [P in Kind]?: Value };

/** A document path inside a step's settings, e.g. `['playbook']` or `['varFiles', 0]`. */
export type SettingPath = (string | number)[];

/** A repository path a step names; validation checks that it exists before anything runs. */
export interface StepReference {
  /** Where in the step's settings it is written. */
  at: SettingPath;
  /** Repository-relative path. */
  path: string;
  type: 'file' | 'directory';
  /** What the executor calls it (`playbook`, `inventory`); validation looks some up by role. */
  role: string;
  /** Checked only when this one exists, so a missing directory is not reported once per file in it. */
  inside?: StepReference[];
}

/** A setting that would reach the tool as something other than plain data. */
export interface ArgumentProblem {
  /** Where in the step's settings; the finding's message starts with this path. */
  at: SettingPath;
  /** When set, the finding points at this key (a reserved variable name) instead of `at`'s value. */
  keyAt?: SettingPath;
  /** The rest of the message, after the path. */
  message: string;
  hint: string;
}

/** Something a step's plan destroys or removes, named in the pull-request comment's banner. */
export interface Removal {
  /** What happens to it, as a verb phrase before the target: `delete`, `replace`, `remove 2 configuration lines from`. */
  what: string;
  /** What goes: a Terraform resource address, or a host. */
  target: string;
  /** The file on the target the lines are removed from. */
  file?: string;
  /** The first removed lines, as an excerpt. */
  lines?: string[];
}

/** The terminal's colours, as picocolors gives them (identity functions without colour). */
export interface TextColors {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  cyan(text: string): string;
}

/** A step's result as an executor's renderers see it: the shared fields and its own run. */
export type ResultOf<Kind extends string, Run> = StepOutcome & Carrying<Kind, Run>;

/**
 * One kind of step. `Kind` is the field the step is written under in a proposal (`ansible:`), the
 * result's `kind`, and the evidence's `tool`; `Spec` its settings; `Run` what a run produces.
 */
export interface Executor<Kind extends string, Spec, Run, Command extends string = string> {
  /** The field its steps are written under, its results' `kind`, its evidence `tool`. */
  readonly kind: Kind;
  /** Commands it runs, keyed as in netchange.yaml's `executors`, with their defaults. */
  readonly commands: Readonly<Record<Command, string>>;
  /** Repository files and folders its tool reads by itself, whatever the step names (apply checks they are committed). */
  readonly rootPaths: readonly string[];
  /**
   * True when what a step runs can load any file of the work tree by a relative path (an Ansible
   * playbook's `import_tasks: ../../../shared/x.yaml`): apply then finds every tracked file of the
   * work tree committed, not only the paths the step names.
   */
  readonly loadsAnyFile?: boolean;
  /** Files its tool writes into the repository, which are not reviewed content. */
  readonly toolOutput?: RegExp;
  /**
   * Files its tool loads from what a step runs even when git ignores them (Terraform's `*.tf`,
   * `*.tfvars`): apply refuses them there, since nobody reviewed them.
   */
  readonly loadsIgnored?: RegExp;
  /** Settings whose values reach a YAML 1.1 reader (the YAML 1.1 lint looks there). */
  readonly yaml11Settings: readonly string[];

  // Validation (pure).
  /** What the step is shown as when it has no name: the playbook, the Terraform directory. */
  label(step: Carrying<Kind, Spec>): string;
  /** Repository paths the step names, in the order findings about them are reported. */
  references(step: Carrying<Kind, Spec>): StepReference[];
  /** Settings that would reach the tool as an option or a reserved name. */
  argumentProblems(step: Carrying<Kind, Spec>): ArgumentProblem[];
  /** Repository paths a run of the step reads (apply checks they are committed). */
  pathsRun(step: Carrying<Kind, Spec>): string[];
  /** Shared state it changes that two applies must not change at once, as lock-name parts. */
  lockParts(step: Carrying<Kind, Spec>): string[][];
  /**
   * Repository paths a run also loads that only the step's own files name (Terraform's local
   * modules), read from the working tree; `outside`: such sources that leave the repository, as
   * written, which apply refuses. Apply checks `inside` like `pathsRun`.
   */
  pathsLoaded?(
    step: Carrying<Kind, Spec>,
    repoRoot: string,
  ): Promise<{ inside: string[]; outside: string[] }>;

  // Running.
  /** Learns the step's secrets before the tool runs; a refusal when the step must not start. */
  learnSecrets(step: Carrying<Kind, Spec>, context: StepContext): Promise<RefusedRun | undefined>;
  /** Builds the argv, runs the tool (check or for real), parses its output. Never throws for the tool's failures. */
  run(step: Carrying<Kind, Spec>, context: StepContext): Promise<StepRunOf<Kind, Run>>;
  /**
   * The step's plan hash (plan.json's `digest`): the planned changes of its run (an empty run when it
   * has none), which apply compares with the reviewed plan.
   */
  planHash(step: Carrying<Kind, Run>): string;

  // Rendering (pure, over redacted data).
  /** One line after the status for a planned or applied step; undefined without a run. */
  summary(step: ResultOf<Kind, Run>): string | undefined;
  /**
   * A few words for the comment's summary table: `2 hosts change`, `+3 ~1 −2`; undefined when the
   * step changes nothing (or has no run).
   */
  changeLine(step: ResultOf<Kind, Run>): string | undefined;
  /** What the step destroys or removes, for the comment's banner; empty when nothing goes. */
  removals(step: ResultOf<Kind, Run>): Removal[];
  /** The step's plan section in plan.md and the PR comment; `details: false` drops per-device diffs. */
  markdown(step: ResultOf<Kind, Run>, details: boolean): string[];
  /** The step's plan section on the terminal. */
  text(step: ResultOf<Kind, Run>, colors: TextColors): string[];
  /** Per-device counts for the report's compact plan summary. */
  counts(step: ResultOf<Kind, Run>): string[];
  /** The last `tailLines` lines of each diff, for the report when the full plan does not fit. */
  diffTails(step: ResultOf<Kind, Run>, tailLines: number): string[];
  /** What the apply comment shows under the step's line. */
  applyDetails(step: ResultOf<Kind, Run>): string[];
  /** One line and the diff text of what the step changed, for the evidence; undefined without a run. */
  evidence(step: ResultOf<Kind, Run>): { summary: string; diff?: string } | undefined;
}

/** The executor's own settings of a step; a step of another kind here is a bug in netchange. */
export function settingsOf<Kind extends string, Spec>(kind: Kind, step: Carrying<Kind, Spec>): Spec {
  const spec = step[kind];
  if (spec === undefined) throw new Error(`internal: a step without '${kind}' reached the ${kind} executor`);
  return spec;
}
