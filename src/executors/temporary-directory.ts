/**
 * netchange's temporary files. Every file netchange (or a tool it runs) writes to the temp
 * directory lives under one private directory per process, `netchange-run-<pid>-XXXXXX` (mode 0700),
 * removed on every way out: after each step, on exit, on SIGINT/SIGTERM/SIGHUP. What a `kill -9`
 * leaves behind is removed by the next run, once the process named in the directory is gone.
 */
import { rmSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

const ROOT_PREFIX = 'netchange-run-';
const ROOT_NAME = /^netchange-run-(\d+)-[A-Za-z0-9]+$/;
const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** A private directory for one use (a step's extra-vars file, a saved Terraform plan). */
export interface TemporaryDirectory {
  /** Absolute path; mode 0700, in this process's private directory. */
  path: string;
  /** Removes the directory and everything in it; never throws. */
  remove(): Promise<void>;
}

let processRoot: Promise<string> | undefined;

/**
 * This process's private directory in the temp directory, created on first use. Creating it first
 * removes the directories of netchange processes that were killed before they could clean up.
 */
export function processTemporaryRoot(): Promise<string> {
  processRoot ??= (async () => {
    await removeStaleTemporaryDirectories(os.tmpdir());
    const root = await mkdtemp(path.join(os.tmpdir(), `${ROOT_PREFIX}${process.pid}-`));
    await chmod(root, 0o700);
    removeOnExit(root);
    return root;
  })();
  return processRoot;
}

/** A new private directory (0700) for one use, inside this process's private directory. */
export async function createTemporaryDirectory(purpose: string): Promise<TemporaryDirectory> {
  const directory = await mkdtemp(path.join(await processTemporaryRoot(), `${purpose}-`));
  await chmod(directory, 0o700);
  return {
    path: directory,
    remove: () => rm(directory, { recursive: true, force: true }).catch(() => undefined),
  };
}

/**
 * Removes `netchange-run-<pid>-*` directories in `temporaryDirectory` that belong to this user,
 * are older than this process, and whose process no longer runs. A live run's directory (this
 * one's or a parallel run's) is never touched. Returns the paths removed.
 */
export async function removeStaleTemporaryDirectories(temporaryDirectory: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(temporaryDirectory);
  } catch {
    return [];
  }
  const startedAt = performance.timeOrigin;
  const removed: string[] = [];
  for (const name of names) {
    const owner = ROOT_NAME.exec(name)?.[1];
    if (owner === undefined || Number(owner) === process.pid || processRuns(Number(owner))) continue;
    const directory = path.join(temporaryDirectory, name);
    try {
      const entry = await lstat(directory);
      const uid = process.getuid?.();
      if (!entry.isDirectory() || (uid !== undefined && entry.uid !== uid)) continue;
      if (entry.mtimeMs >= startedAt) continue;
      await rm(directory, { recursive: true, force: true });
      removed.push(directory);
    } catch {
      // why: another run may be removing the same directory at the same moment; either way it goes.
    }
  }
  return removed;
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // why: EPERM means the process exists but belongs to someone else: alive, keep its directory.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How many runs handle SIGINT/SIGTERM themselves right now (see `deferSignals`). */
let signalHandlers = 0;

/**
 * Says that a run handles SIGINT/SIGTERM itself (it ends its steps and writes its results, then
 * leaves): until the returned function is called, those signals do not end the process here.
 * SIGHUP (the terminal went away) always does.
 */
export function deferSignals(): () => void {
  signalHandlers += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    signalHandlers -= 1;
  };
}

/**
 * Removes the root when the process ends: on exit (also after `process.exit`), and on a signal no
 * run handles, after which the process exits as the signal would have ended it.
 */
function removeOnExit(root: string): void {
  process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  for (const signal of HANDLED_SIGNALS) {
    process.on(signal, () => {
      // why: counted, not read from process.listenerCount: libraries (execa's cleanup) listen too.
      if (signalHandlers > 0 && signal !== 'SIGHUP') return;
      // why: exit rather than raising the signal again, so every exit handler runs (this one, and
      // the one that ends the process groups of tools still running); 128 + n as shells report it.
      process.exit(128 + os.constants.signals[signal]);
    });
  }
}
