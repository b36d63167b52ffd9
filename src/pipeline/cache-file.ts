/**
 * The files netchange keeps in `<git dir>/netchange/` to save time between runs (conflict facts,
 * holiday calendars, the hosts each Ansible step reaches). why the git directory: a pull request can
 * commit files into the work tree, never into `.git/`, so nothing it plants is read as a remembered
 * answer.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Workspace } from './workspace.js';

/** The path of a cache file (or folder) in the workspace's git directory; undefined without git. */
export async function cacheFilePath(workspace: Workspace, name: string): Promise<string | undefined> {
  try {
    const gitDirectory = await workspace.git?.gitDirectory();
    return gitDirectory ? path.join(gitDirectory, 'netchange', name) : undefined;
  } catch {
    return undefined;
  }
}

/** The parsed JSON of a cache file; undefined when it is missing or unreadable (a miss, never an error). */
export async function readCacheJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Writes a cache file for this user only. Never throws: the cache only saves time. */
export async function writeCacheJson(file: string, content: unknown): Promise<void> {
  // why: write then rename, so a run killed halfway or a concurrent reader never sees half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(temporary, JSON.stringify(content), { mode: 0o600 });
    await rename(temporary, file);
  } catch {
    // why: a read-only clone still validates.
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
