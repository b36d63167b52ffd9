/**
 * What watches an apply from outside while it runs: live holds (src/gate/stages/holds/watch.ts)
 * create a maintenance silence when the change starts, look again before every later step, and
 * expire the silence when it ends. The run knows only this interface; the caller supplies it.
 */

/** An alert as the record keeps it. */
export interface WatchedAlert {
  labels: Record<string, string>;
  startsAt: string;
  state?: string;
  silencedBy?: string[];
}

/** One maintenance silence, as created (and later expired or shortened). */
export interface WatchedSilence {
  id: string;
  matchers: string[];
  startsAt: string;
  endsAt: string;
  expiredAt?: string;
  replaces?: string;
}

/** What the watch saw and did, for result.json and the evidence record. */
export interface HoldRecord {
  alertmanager?: string;
  silences: WatchedSilence[];
  alertsBefore: WatchedAlert[];
  alertsAfter: WatchedAlert[];
  stoppedBy?: string;
  warnings: string[];
}

/** Why the run stops before its next step. */
export interface WatchStop {
  /** One line, e.g. "1 critical alert firing at plant-a: CoreSwitchDown sw-2 since 02:14:07". */
  reason: string;
  /** Run the proposal's rollback steps (the policy's `duringApply.onAlert: rollback`). */
  rollback: boolean;
}

export interface ApplyWatch {
  /** Once, right before the first real step. Never throws: what fails becomes a warning. */
  start(): Promise<void>;
  /** Before every step after the first: a reason to stop, or undefined to go on. */
  beforeStep(next: {
    phase: 'execution' | 'verification';
    index: number;
    name: string;
  }): Promise<WatchStop | undefined>;
  /** Once, after the last step ran (or the run stopped), with whether the change succeeded. */
  finish(succeeded: boolean): Promise<void>;
  /** What it saw and did so far. */
  record(): HoldRecord;
}
