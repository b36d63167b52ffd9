/**
 * What running a proposal's automation produces: plain, redacted data. plan.json, plan.md,
 * result.json and PR comments are all renderings of these shapes. The part every executor shares
 * lives here; each executor adds its own run under its `kind` (see registry.ts for the union).
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

/** The fields of a step's result that do not depend on which executor ran it. */
export interface StepOutcome {
  phase: StepPhase;
  /** Position within its phase, from 0. */
  index: number;
  /** The step's label: its `name`, or the playbook / Terraform directory. */
  name: string;
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
  /**
   * The devices' running configurations saved around a real run (apply only, when the executor
   * could read them): one entry per device, files relative to the run directory.
   */
  backups?: DeviceBackup[];
}

/**
 * A device's running configuration around a real run, as its executor read it: the text before the
 * step changed anything and after it. Redacted by the executor; apply saves it as the device's backup.
 */
export interface DeviceConfiguration {
  /** The device, as the executor names it (the Ansible inventory host). */
  device: string;
  /** Before the step changed anything. */
  before?: string;
  /** After the step; absent when the step failed before it could read it again. */
  after?: string;
}

/** One saved configuration in the run directory. */
export interface SavedConfiguration {
  /** Relative to the run directory, e.g. `backups/r1/execution-1-before.conf`. */
  path: string;
  /** sha256 (hex) of the file as written, redacted: what `sha256sum` prints for it. */
  sha256: string;
}

/** A device's backups from one step: its running configuration before and after, as saved. */
export interface DeviceBackup {
  device: string;
  before?: SavedConfiguration;
  after?: SavedConfiguration;
}

/**
 * A step's result from the executor `Kind`: the shared fields, `kind`, and the executor's own run
 * under a field of the same name (`ansible: {...}`, `terraform: {...}`), absent when the tool
 * produced nothing to show (skipped, refused, crashed before output).
 */
export type StepResultOf<Kind extends string, Run> = StepOutcome & { kind: Kind } & { [P in Kind]?: Run };

/** What an executor's `run` returns; the runner adds phase, index, name, kind, mode, digest and the log file. */
export type StepRunOf<Kind extends string, Run> = Pick<
  StepOutcome,
  'status' | 'changed' | 'message' | 'hint' | 'exitCode' | 'argv' | 'startedAt' | 'durationMs'
> & { [P in Kind]?: Run } & {
  /** The step's full log (commands, stderr, stdout), already redacted. */
  logText: string;
  /**
   * The devices' running configurations before and after a real run, already redacted, when the
   * executor can read them (the runner saves them as files, never in result.json itself).
   */
  configurations?: DeviceConfiguration[];
};

/** A run that ended before its tool started: the step is reported with this and never runs. */
export type RefusedRun = Omit<StepRunOf<never, never>, 'startedAt'>;
