/**
 * What the CLI hands every use-case: the process's directory, environment and clock (the only place
 * netchange reads the system clock), warnings on stderr, and for runs the progress and Ctrl-C.
 */

import { neutralizeControlCharacters } from '../core/control-characters.js';
import type { Clock } from '../core/ports.js';
import type { ProgressReporter } from '../runs/index.js';
import type { UseCaseContext } from '../use-cases/context.js';
import { progressOptions } from './options.js';
import { VERSION } from './version.js';

/** The system clock. */
export const systemClock: Clock = { now: () => new Date() };

export function cliContext(): UseCaseContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    clock: systemClock,
    // why: warnings name files and values from the pull request; see core/control-characters.ts.
    warn: (message) => process.stderr.write(`warning: ${neutralizeControlCharacters(message)}\n`),
    notice: (message) => process.stderr.write(`note: ${neutralizeControlCharacters(message)}\n`),
    version: VERSION,
  };
}

/**
 * Runs `run` with live progress on stderr and Ctrl-C wired to its signal (a second Ctrl-C leaves at
 * once with 130); both are released however it ends.
 */
export async function withRunControls<T>(
  run: (controls: { progress: ProgressReporter; signal: AbortSignal }) => Promise<T>,
): Promise<T> {
  // why: loaded on use: every command imports this module, and only plan and apply run steps.
  const { cancelOnInterrupt, createProgressReporter } = await import('../runs/index.js');
  const progress = createProgressReporter(progressOptions());
  const interrupt = cancelOnInterrupt(() => process.exit(130));
  try {
    return await run({ progress, signal: interrupt.signal });
  } finally {
    progress.close();
    interrupt.dispose();
  }
}
