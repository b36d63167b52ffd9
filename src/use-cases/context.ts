/**
 * What every use-case needs from the process that runs it, passed in so the use-cases read no
 * global state: the CLI builds one from `process` and the system clock; tests can build their own.
 */
import type { Clock } from '../core/ports.js';
import type { ProgressReporter } from '../runs/progress.js';

export interface UseCaseContext {
  /** The directory paths on the command line are relative to. */
  cwd: string;
  /** The environment (secrets to redact, GitHub settings, the acting user). */
  env: NodeJS.ProcessEnv;
  /** The only clock a use-case reads. */
  clock: Clock;
  /** A warning for the person running the command (the CLI prints it on stderr). */
  warn(message: string): void;
  /** Something worth knowing that is not a problem (the CLI prints it as a note on stderr). */
  notice(message: string): void;
  /** netchange's version, for the documents a run writes. */
  version: string;
}

/** A use-case that runs steps: progress to show, and Ctrl-C to honour. */
export interface RunContext extends UseCaseContext {
  progress: ProgressReporter;
  /** Fires on Ctrl-C: the steps end their tools and the results so far are written. */
  signal: AbortSignal;
}
