import { durationMs } from '../executors/duration.js';
import { type ExecutorCommands, executorCommands } from '../executors/registry.js';
import { deferSignals } from '../executors/temporary-directory.js';
import type { ResolvedConfig } from '../pipeline/workspace.js';
import { createConfigRedactor, type Redactor } from '../redact/index.js';

/** How executors run, from netchange.yaml with its defaults applied. */
export interface ExecutionSettings {
  redactor: Redactor;
  concurrency: number;
  timeoutMs: number;
  killGraceMs: number;
  /** Each executor's command, by its netchange.yaml key. */
  commands: ExecutorCommands;
}

/**
 * Reads the executor and secret settings; a bad duration is a configuration error (exit 2). The
 * redactor knows every secret the configuration names: `secrets.env` and the webhook URLs.
 */
export function executionSettings(config: ResolvedConfig, env: NodeJS.ProcessEnv): ExecutionSettings {
  return {
    redactor: createConfigRedactor(config, env),
    concurrency: config.executors.concurrency,
    timeoutMs: durationMs(config.executors.stepTimeout, 'executors.stepTimeout'),
    killGraceMs: durationMs(config.executors.killGrace, 'executors.killGrace'),
    commands: executorCommands(config.executors),
  };
}

/**
 * An AbortSignal that fires on the first Ctrl-C (or SIGTERM): steps end their tools' process groups
 * (SIGTERM, then SIGKILL after killGrace) and results so far are written. A second Ctrl-C leaves at
 * once; the exit handlers of src/executors still kill the groups left and remove the temp files.
 */
export function cancelOnInterrupt(onSecond: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) onSecond();
    else controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const release = deferSignals();
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      release();
    },
  };
}
