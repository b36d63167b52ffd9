/**
 * The installed CLI is one CommonJS bundle, compiled through V8 with a code cache: a run starts from
 * the bytecode an earlier run of the same command compiled, instead of parsing and compiling the
 * bundle's functions again. Node 20 has no compile cache of its own (Node 22's
 * `module.enableCompileCache` is the same idea). Measured on 5,000 proposals, 2 cores, against the
 * bundle split into ES module chunks: a full `validate` median 1,603 → 1,457 ms (six interleaved
 * runs); `validate --since` with one changed, median 359 → 312 ms (twelve).
 *
 * why trust matters here: a code cache is code. It is read only from a directory the user alone owns
 * and can write, only from a regular file the user owns that no one else can write, opened without
 * following a symbolic link; V8 itself refuses a cache made for other source, another V8 or other
 * flags. Any problem means no cache: the bundle compiles exactly as it would without one.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { makeDirectory } from '../documents/write-paths.js';

/** What a run did with the cache: none (off or unsafe), absent, used, or rejected by V8. */
export type CodeCacheState = 'off' | 'absent' | 'used' | 'rejected';

export interface BundleRun {
  state: CodeCacheState;
  /** Writes the cache when the run had none or V8 refused it; never throws. Call at exit. */
  save(): void;
}

export interface BundleOptions {
  /** Absolute path of the CommonJS bundle. */
  file: string;
  /** The bundle's sha256, computed when it was built. */
  digest: string;
  /** Where caches live; undefined: no cache. */
  cacheDirectory: string | undefined;
  /** The command: each keeps the functions its own runs compiled. */
  purpose: string;
}

/** why: a cache larger than this is not one netchange wrote (the bundle's is about 2 MB). */
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
const SUFFIX = '.v8cache';

/**
 * `NETCHANGE_CODE_CACHE`: `off` (or `0`) for none, or a directory; default
 * `$XDG_CACHE_HOME/netchange/v8` or `~/.cache/netchange/v8`. None where ownership cannot be checked.
 */
export function codeCacheDirectory(
  env: Readonly<Record<string, string | undefined>>,
  home: string = os.homedir(),
): string | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  const setting = env.NETCHANGE_CODE_CACHE;
  if (setting === 'off' || setting === '0') return undefined;
  if (setting) return path.resolve(setting);
  const base =
    env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)
      ? env.XDG_CACHE_HOME
      : path.join(home, '.cache');
  return path.join(base, 'netchange', 'v8');
}

/** The cache's name for a command: its first argument when it looks like one, else `cli`. */
export function purposeOf(argv: readonly string[]): string {
  const first = argv[0] ?? '';
  return /^[a-z][a-z0-9-]{0,31}$/.test(first) ? first : 'cli';
}

/** Compiles and runs the bundle as a CommonJS module, from the code cache when a safe one fits. */
export function runBundle(options: BundleOptions): BundleRun {
  const text = readFileSync(options.file, 'utf8');
  // why: the entry's `#!` line is valid only at the very start of a file, not inside the wrapper.
  const source = text.startsWith('#!') ? `//${text.slice(2)}` : text;
  const bundle = statSafely(options.file);
  const directory = options.cacheDirectory;
  // why: the digest names the content; size and modification time catch a bundle rebuilt or edited
  // after the entry that names its digest.
  // why: everything before the command names the build; caches of any other build are never read.
  const build =
    directory && bundle
      ? `${options.digest.slice(0, 32)}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}-${process.version}-${process.arch}-`
      : undefined;
  const name = build ? `${build}${options.purpose}${SUFFIX}` : undefined;
  const cached = directory && name ? readPrivateFile(directory, name) : undefined;
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: options.file,
    ...(cached ? { cachedData: cached } : {}),
    // why: the bundle still imports a few Node built-ins dynamically.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const state: CodeCacheState =
    !directory || !name ? 'off' : !cached ? 'absent' : script.cachedDataRejected ? 'rejected' : 'used';
  const module = { exports: {} };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(options.file),
    module,
    options.file,
    path.dirname(options.file),
  );
  let saved = false;
  return {
    state,
    save() {
      if (saved || !directory || !name || !build || state === 'used' || state === 'off') return;
      saved = true;
      try {
        writePrivateFile(directory, name, script.createCachedData());
        removeOtherBundles(directory, build);
      } catch {
        // why: the cache only saves time; a read-only home or a full disk must not fail the command.
      }
    },
  };
}

function statSafely(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

/** Owned by this user, and no one else may write it. */
function isPrivate(info: Stats): boolean {
  return info.uid === process.getuid?.() && (info.mode & 0o022) === 0;
}

function isPrivateDirectory(directory: string): boolean {
  const info = statSafely(directory);
  return info?.isDirectory() === true && isPrivate(info);
}

function readPrivateFile(directory: string, name: string): Buffer | undefined {
  if (!isPrivateDirectory(directory)) return undefined;
  let descriptor: number | undefined;
  try {
    descriptor = openSync(path.join(directory, name), constants.O_RDONLY | constants.O_NOFOLLOW);
    const info = fstatSync(descriptor);
    if (!info.isFile() || !isPrivate(info) || info.nlink !== 1 || info.size > MAX_CACHE_BYTES)
      return undefined;
    return readFileSync(descriptor);
  } catch {
    return undefined;
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

/** Written beside its final name and renamed into place, so a reader never sees half a cache. */
function writePrivateFile(directory: string, name: string, data: Buffer): void {
  // why: one level at a time; NETCHANGE_CODE_CACHE=/proc/x made the recursive mkdir spin forever at exit.
  makeDirectory(directory, { what: 'the code cache', hint: 'Set NETCHANGE_CODE_CACHE=off.', mode: 0o700 });
  if (!isPrivateDirectory(directory)) return;
  const temporary = path.join(directory, `${name}.${process.pid}.tmp`);
  writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, path.join(directory, name));
}

/**
 * Caches of other builds are never read again: another bundle, the same bundle rebuilt (a new
 * modification time), another Node version or architecture.
 */
function removeOtherBundles(directory: string, current: string): void {
  for (const entry of readdirSync(directory)) {
    if (entry.startsWith(current) || !(entry.endsWith(SUFFIX) || entry.includes(`${SUFFIX}.`))) continue;
    try {
      unlinkSync(path.join(directory, entry));
    } catch {
      // why: another run may have removed it first.
    }
  }
}
