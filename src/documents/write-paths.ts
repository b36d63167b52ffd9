/**
 * Where netchange writes: making directories without Node's recursive mkdir, and proving that a path
 * in the repository stays in it once symlinks are followed. The counterpart of read-file.ts.
 */
import { lstatSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { isInside } from './read-file.js';

export interface MakeDirectoryOptions {
  /** What the directory is, for the message: `the run directory`, `the code cache`. */
  what: string;
  /** What the user can do when it cannot be made. */
  hint: string;
  /** Mode of each directory created (default 0o777 less the umask). */
  mode?: number;
}

/**
 * Makes `directory` and its missing parents one level at a time; an existing directory is fine.
 * why not mkdir's `recursive`: Node 20 retries it forever where mkdir fails with ENOENT under a
 * parent that exists (`/proc`, `/sys`): a command that never ends at 100% CPU; and what it throws
 * names no option. A path that cannot be a directory (a file on the way, a symlink to nothing, a
 * place no one may create) is a usage error (exit 2) naming the path. Synchronous, so the code
 * cache can use it in its exit handler; it is a handful of system calls.
 */
export function makeDirectory(directory: string, options: MakeDirectoryOptions): void {
  const absolute = path.resolve(directory);
  const refuse = (entry: string, reason: string) => {
    // why: `…: EACCES` where the directory itself failed, `…: /a/b: EACCES` or `…: /a is a file` above it.
    const isCode = /^E[A-Z]+$/.test(reason);
    const where = entry === absolute ? (isCode ? '' : 'it ') : isCode ? `${entry}: ` : `${entry} `;
    return usageError(`cannot create ${options.what} ${absolute}: ${where}${reason}`, options.hint);
  };
  const missing: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    const found = statOrUndefined(current, (code) => refuse(current, code));
    if (found?.isDirectory()) break;
    if (found) throw refuse(current, 'is a file, not a directory');
    missing.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const entry of missing) {
    try {
      mkdirSync(entry, options.mode === undefined ? undefined : { mode: options.mode });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      if (code !== 'EEXIST') throw refuse(entry, code);
      // why: EEXIST where stat saw nothing is a symlink to nothing (or a race lost to a file).
      const found = statOrUndefined(entry, (reason) => refuse(entry, reason));
      if (!found) throw refuse(entry, 'is a symlink to nothing');
      if (!found.isDirectory()) throw refuse(entry, 'is a file, not a directory');
    }
  }
}

/** stat, with a missing entry as undefined and any other failure thrown as `refuse(code)`. */
function statOrUndefined(
  entry: string,
  refuse: (code: string) => Error,
): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(entry);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw refuse(code);
  }
}

/**
 * Why writing `absolute` (a path under `root`, which may not exist yet) would land outside the
 * repository once symlinks are followed; undefined when it stays inside. why: a pull request can
 * commit `.netchange -> /somewhere` (git add -f), and a plan or a freeze would then write into
 * whatever that names on the runner or the operator's machine.
 */
export function whyOutsideRepository(root: string, absolute: string): string | undefined {
  let realRoot: string;
  try {
    realRoot = realpathSync.native(root);
  } catch {
    return `the repository ${root} cannot be resolved`;
  }
  const rest: string[] = [];
  for (let current = absolute; ; current = path.dirname(current)) {
    let real: string | undefined;
    try {
      real = realpathSync.native(current);
    } catch {
      // why: a symlink whose target is missing would be followed by the write that creates it.
      if (isSymbolicLink(current)) return `${current} is a symlink to nothing`;
    }
    if (real !== undefined) {
      return isInside(realRoot, path.join(real, ...rest))
        ? undefined
        : `${current} leads through a symlink to ${real}, outside the repository`;
    }
    if (path.dirname(current) === current) return undefined;
    rest.unshift(path.basename(current));
  }
}

/**
 * Why writing `absolute` would leave, through a symlink, the first of `folders` it lies in (the
 * repository, the working directory: a checkout); undefined when it stays inside, or lies in none.
 * why: an operator's `--out-dir` or `--output` inside a checkout names a path that a pull request
 * can commit as a symlink (`git add -f .netchange/pr-run`, linked to a folder of the runner's); a
 * path outside every checkout is the operator's alone.
 */
export function whyLeavesCheckout(absolute: string, folders: readonly string[]): string | undefined {
  const folder = folders.find((candidate) => isInside(path.resolve(candidate), absolute));
  return folder === undefined ? undefined : whyOutsideRepository(folder, absolute);
}

function isSymbolicLink(entry: string): boolean {
  try {
    return lstatSync(entry).isSymbolicLink();
  } catch {
    return false;
  }
}
