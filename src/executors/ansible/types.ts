/** What an Ansible step produces: per-host, per-task results with their diffs (redacted). */

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
