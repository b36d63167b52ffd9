/**
 * The one place netchange starts a child process other than git (src/git/simple-git.ts starts
 * those). Never through a shell: the command and each argument go to the kernel as they are, so
 * shell metacharacters in proposals are inert.
 */
export interface ProcessRequest {
  /** Executable name (looked up on PATH) or path. */
  command: string;
  args: readonly string[];
  cwd: string;
  /** Variables added to (or overriding) the inherited environment. */
  env?: Record<string, string | undefined>;
  /** False: the child sees only `env`, nothing of netchange's own environment. Default true. */
  inheritEnvironment?: boolean;
  /**
   * Written to the child's standard input, which is then closed. A promise is written when it
   * settles, so a slow-starting child (a Python importing Ansible) can start before its input is
   * known. Without it the child's standard input is closed from the start.
   */
  input?: string | Promise<string>;
  /**
   * Time limit in milliseconds (none when left out); then SIGTERM to the child's process group,
   * then SIGKILL to the group after `killGraceMs`, whether or not the child itself has ended.
   */
  timeoutMs?: number;
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
  /** The system's code for why it could not start: ENOENT when the command is not installed. */
  spawnErrorCode?: string;
  durationMs: number;
}

// why: loaded on the first child process; a validate whose caches answer starts none, and execa
// is a quarter of a megabyte of code to compile.
let processRunner: typeof import('execa') | undefined;

/**
 * Loads what starts child processes. Once it has loaded, runProcess starts its child before it
 * returns, within the caller's own turn: a caller busy in a long synchronous loop (validate reading
 * 5,000 proposals) gets its child running meanwhile, not after the loop.
 */
export async function loadProcessRunner(): Promise<void> {
  await importProcessRunner();
}

async function importProcessRunner(): Promise<typeof import('execa')> {
  processRunner ??= await import('execa');
  return processRunner;
}

/** Runs a command to completion and reports how it ended; never throws for the child's failures. */
export async function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const { execa } = processRunner ?? (await importProcessRunner());
  const started = performance.now();
  let timedOut = false;
  let cancelled = false;
  const child = execa(request.command, [...request.args], {
    cwd: request.cwd,
    env: request.env ?? {},
    extendEnv: request.inheritEnvironment ?? true,
    reject: false,
    stdin: request.input === undefined ? 'ignore' : 'pipe',
    // why: its own process group, so ending it also ends the workers it forked (Ansible forks one per
    // host), and a Ctrl-C in the terminal reaches netchange only, which then ends children in order.
    detached: true,
    cleanup: true,
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
  });

  if (request.input !== undefined) {
    // why: a child that failed to start, or ended before reading, has closed its input; how it
    // ended is reported from its exit, not from the failed write.
    child.stdin?.on('error', () => undefined);
    void Promise.resolve(request.input).then(
      (text) => child.stdin?.end(text),
      () => child.stdin?.end(),
    );
  }

  const group = child.pid;
  if (group !== undefined) liveGroups.add(group);
  let terminatedAt: number | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const terminate = () => {
    if (terminatedAt !== undefined || group === undefined) return;
    terminatedAt = performance.now();
    signalGroup(group, 'SIGTERM');
    // why: not cancelled when the direct child ends on SIGTERM: what it started (an Ansible worker,
    // a task's shell that ignores SIGTERM) is still in the group and may hold its output open.
    killTimer = setTimeout(() => signalGroup(group, 'SIGKILL'), request.killGraceMs);
  };
  const timeout =
    request.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
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
    if (terminatedAt !== undefined && group !== undefined) {
      await endGroup(group, terminatedAt + request.killGraceMs);
    }
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
      ...(spawnError !== undefined && typeof result.code === 'string' ? { spawnErrorCode: result.code } : {}),
      durationMs: performance.now() - started,
    };
  } finally {
    if (timeout) clearTimeout(timeout);
    if (killTimer) clearTimeout(killTimer);
    if (group !== undefined) liveGroups.delete(group);
    request.signal?.removeEventListener('abort', onAbort);
  }
}

/** How often a terminated group is checked for leftovers. */
const KILL_CHECK_MS = 100;

/** How long to wait for a killed group to disappear. */
const KILL_SETTLE_MS = 1_000;

/** Process groups of tools still running; killed outright if netchange exits before they end. */
const liveGroups = new Set<number>();

process.on('exit', () => {
  // why: `process.exit` (a second Ctrl-C, an unhandled signal) skips every pending timer, so the
  // groups that would have been killed after their grace period are killed now.
  for (const group of liveGroups) signalGroup(group, 'SIGKILL');
});

/**
 * Waits until no process of the group is left, or until `killAt` (on the performance clock);
 * then kills whatever remains.
 */
async function endGroup(group: number, killAt: number): Promise<void> {
  await waitForGroup(group, killAt);
  if (!groupExists(group)) return;
  signalGroup(group, 'SIGKILL');
  // why: SIGKILL is delivered asynchronously; a short wait lets the step end with its tree gone. Bounded,
  // because a zombie nobody reaps (a container without an init) keeps the group alive.
  await waitForGroup(group, performance.now() + KILL_SETTLE_MS);
}

async function waitForGroup(group: number, until: number): Promise<void> {
  while (groupExists(group) && performance.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, KILL_CHECK_MS));
  }
}

function groupExists(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
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
