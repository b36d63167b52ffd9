import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleTemporaryDirectories } from './temporary-directory.js';

let temporary: string;

beforeEach(async () => {
  temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-sweep-'));
});

afterEach(async () => {
  await rm(temporary, { recursive: true, force: true });
});

/** A directory `name` with an entry, last changed `ageMs` before this process started. */
async function runDirectory(name: string, ageMs: number): Promise<string> {
  const directory = path.join(temporary, name);
  await mkdir(path.join(directory, 'ansible-x1'), { recursive: true });
  const when = new Date(performance.timeOrigin - ageMs);
  await utimes(directory, when, when);
  return directory;
}

async function exitedPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid ?? 0;
}

describe('removeStaleTemporaryDirectories', () => {
  it('removes an older directory whose process is gone, and keeps the rest', async () => {
    const dead = await exitedPid();
    const stale = await runDirectory(`netchange-run-${dead}-AbC123`, 60_000);
    const live = await runDirectory(`netchange-run-${process.ppid}-AbC123`, 60_000);
    const own = await runDirectory(`netchange-run-${process.pid}-AbC123`, 60_000);
    const newer = await runDirectory(`netchange-run-${dead}-XyZ789`, -60_000);
    const other = await runDirectory(`netchange-test-${dead}-AbC123`, 60_000);

    const removed = await removeStaleTemporaryDirectories(temporary);

    expect(removed).toEqual([stale]);
    expect(existsSync(stale)).toBe(false);
    for (const kept of [live, own, newer, other]) expect(existsSync(kept)).toBe(true);
  });

  it('returns nothing for a temp directory that does not exist', async () => {
    expect(await removeStaleTemporaryDirectories(path.join(temporary, 'missing'))).toEqual([]);
  });
});
