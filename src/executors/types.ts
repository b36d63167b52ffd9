/**
 * What running a proposal's automation produces: plain, redacted data. plan.json, plan.md,
 * result.json and PR comments are all renderings of these shapes.
 */

/** Check+diff (plan) or for real (apply). */
export type ExecutionMode = 'check' | 'apply';

/** Which list of the proposal a step comes from. */
export type StepPhase = 'execution' | 'verification' | 'rollback';

/**
 * How a step ended.
 * - `planned`: check mode ran to the end (with or without changes);
 * - `applied`: a real run ended without failures;
 * - `failed`: the change itself failed (a failed task, an unreachable host, a limit matching no host);
 * - `error`: the tool failed (crash, syntax error, configuration error, missing provider, timeout);
 * - `cancelled`: stopped by the user;
 * - `skipped`: not run because an earlier step failed or the run was cancelled.
 */
export type StepStatus = 'planned' | 'applied' | 'failed' | 'error' | 'cancelled' | 'skipped';

/** One file's change as Ansible reported it. */
export interface FileDiff {
  /**
   * The file that changes (the diff's before header, else the task's dest/path, else its after
   * header), repository-relative when inside it; temporary paths replaced by a placeholder.
   */
  path?: string;
  /** Unified diff of before → after, already redacted. */
  unified?: string;
  /** Modules that describe their change in prose (`prepared`), kept as is (redacted). */
  prepared?: string;
}

export type AnsibleTaskStatus = 'ok' | 'changed' | 'failed' | 'unreachable' | 'skipped';

/** One loop item of a task. */
export interface AnsibleItemResult {
  /** The item's label (`loop_control.label` or the item itself). */
  label: string;
  status: AnsibleTaskStatus;
  /** True when the task uses no_log: nothing about the item is shown. */
  hidden: boolean;
  message?: string;
  diffs: FileDiff[];
}

/** One task's result on one host. */
export interface AnsibleTaskResult {
  play: string;
  task: string;
  status: AnsibleTaskStatus;
  /** True when the task uses no_log: its content, message and diff are never shown. */
  hidden: boolean;
  /** True when a failure was ignored by `ignore_errors`. */
  ignored?: boolean;
  /** The module's message (failures, assertions), redacted. */
  message?: string;
  diffs: FileDiff[];
  /** Loop results, in order. */
  items?: AnsibleItemResult[];
}

/** Everything that happened on one host. */
export interface AnsibleHostResult {
  host: string;
  /** Counters from the play recap. */
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  skipped: number;
  tasks: AnsibleTaskResult[];
}

export interface AnsibleRun {
  /** Hosts in name order. */
  hosts: AnsibleHostResult[];
  /** True when the run reached its recap (a crash leaves it false). */
  completed: boolean;
}

export type ResourceAction = 'create' | 'update' | 'delete' | 'replace' | 'read' | 'no-op';

/** One attribute that differs between before and after (sensitive values already masked). */
export interface AttributeChange {
  /** Dotted path, e.g. `input.wan_ip`. */
  path: string;
  before?: unknown;
  after?: unknown;
  /** True when the value is only known after apply. */
  unknownAfter?: boolean;
}

/** One resource in a Terraform plan. */
export interface ResourceChange {
  address: string;
  type: string;
  /** `managed` resource or `data` source. */
  mode: string;
  action: ResourceAction;
  /** Terraform's reason for the action (e.g. `replace_because_cannot_update`). */
  reason?: string;
  /** Attributes that force a replacement, as dotted paths. */
  replacePaths?: string[];
  /** The resource's address before a `moved` block moved it. */
  movedFrom?: string;
  /** True when the plan imports the resource. */
  importing?: boolean;
  attributes: AttributeChange[];
}

export interface OutputChange {
  name: string;
  action: ResourceAction;
  before?: unknown;
  after?: unknown;
  sensitive: boolean;
}

export interface TerraformRun {
  /** Resources whose plan does something (no-op resources that are neither moved nor imported are left out). */
  resources: ResourceChange[];
  outputs: OutputChange[];
  /** From the plan JSON, not the exit code. */
  hasChanges: boolean;
  /** For apply: Terraform's summary line (`Apply complete! Resources: …`). */
  summary?: string;
}

/** The result of one step. */
export interface StepResult {
  phase: StepPhase;
  /** Position within its phase, from 0. */
  index: number;
  /** The step's label: its `name`, or the playbook / Terraform directory. */
  name: string;
  kind: 'ansible' | 'terraform';
  mode: ExecutionMode;
  status: StepStatus;
  /** Exit code of the last command run, when it exited. */
  exitCode?: number;
  /**
   * The step's main command line as run (ansible-playbook …, terraform plan/apply …), with
   * repository paths relative and temporary files by name; redacted.
   */
  argv?: string[];
  /** True when the step would change something (check) or changed something (apply). */
  changed: boolean;
  /** One line for a person when the step did not simply succeed. */
  message?: string;
  hint?: string;
  /** sha256 of the normalised, redacted planned changes (see digest.ts). */
  digest: string;
  startedAt: string;
  durationMs: number;
  /** Per-step log file, relative to the run directory (redacted). */
  log?: string;
  ansible?: AnsibleRun;
  terraform?: TerraformRun;
}
