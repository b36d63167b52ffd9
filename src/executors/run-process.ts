/**
 * The one place netchange starts a child process. Never through a shell: the command and each
 * argument go to the kernel as they are, so shell metacharacters in proposals are inert.
 */
import { execa } from 'execa';

export interface ProcessRequest {
  /** Executable name (looked up on PATH) or path. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** Variables added to (or overriding) the inherited environment. */
  env?: Record<string, string | undefined>;
  /** Time limit in milliseconds; then SIGTERM, then SIGKILL after `killGraceMs`. */
  timeoutMs: number;
  killGraceMs: number;
  /** Aborting ends the child the same way a timeout does. */
  signal?: AbortSignal;
}

export interface ProcessResult {
  /** Exit code, when the process exited on its own. */
  exitCode?: number;
  /** The signal that ended it, when one did. */
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  cancelled: boolean;
  /** The process could not start at all (e.g. the command is not installed). */
  spawnError?: string;
  durationMs: number;
}

/** Runs a command to completion and reports how it ended; never throws for the child's failures. */
export async function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const started = performance.now();
  let timedOut = false;
  let cancelled = false;
  const child = execa(request.command, [...request.args], {
    cwd: request.cwd,
    env: request.env ?? {},
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    // why: its own process group, so ending it also ends the workers it forked (Ansible forks one per
    // host), and a Ctrl-C in the terminal reaches netchange only, which then ends children in order.
    detached: true,
    cleanup: true,
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
  });

  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (killTimer || child.pid === undefined) return;
    signalGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    }, request.killGraceMs);
    killTimer.unref();
  };
  const timeout = setTimeout(() => {
    timedOut = true;
    terminate();
  }, request.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    terminate();
  };
  if (request.signal?.aborted) onAbort();
  else request.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const result = await child;
    const spawnError =
      result.exitCode === undefined && result.signal === undefined && result.failed
        ? (result.originalMessage ?? result.shortMessage)
        : undefined;
    return {
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(result.signal !== undefined ? { signal: result.signal } : {}),
      stdout: asText(result.stdout),
      stderr: asText(result.stderr),
      timedOut,
      cancelled,
      ...(spawnError !== undefined ? { spawnError } : {}),
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // why: the group may already be gone; fall back to the process itself.
    try {
      process.kill(pid, signal);
    } catch {
      // already exited
    }
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : String(value);
}
