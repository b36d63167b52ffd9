/**
 * Lock refs in the local repository, so two applies on one machine never overlap: the same
 * `refs/netchange/locks/<name>` refs and lease tags as on GitHub, written with git's plumbing.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetchangeError } from '../core/errors.js';
import type { Clock } from '../core/ports.js';
import { systemClock } from '../core/system-clock.js';
import { createTemporaryDirectory } from '../executors/temporary-directory.js';
import { openGit } from '../git/simple-git.js';
import type { LockRef, LockRefs } from './locks.js';

const ZERO = '0'.repeat(40);

/** The lock store of the repository at `root`; `clock` dates the lease tags (default: the system clock). */
export function createGitLockRefs(root: string, clock: Clock = systemClock): LockRefs {
  const git = openGit(root);

  async function getRef(ref: string): Promise<LockRef | undefined> {
    let sha: string;
    try {
      sha = (await git.run(['rev-parse', '--verify', '--quiet', ref])).trim();
    } catch {
      return undefined;
    }
    if (!sha) return undefined;
    const type = (await git.run(['cat-file', '-t', sha])).trim();
    return { sha, type };
  }

  return {
    async createRef(ref, sha) {
      try {
        // why: the zero old value makes update-ref refuse when the ref exists: creation is the atomic step.
        await git.run(['update-ref', '-m', 'netchange lock', ref, sha, ZERO]);
        return 'created';
      } catch (error) {
        if (await getRef(ref)) return 'exists';
        throw new NetchangeError('E_GIT', `could not create the lock ${ref}`, {
          hint: error instanceof Error ? error.message.split('\n')[0] : String(error),
        });
      }
    },
    getRef,
    async deleteRef(ref) {
      const current = await getRef(ref);
      if (!current) return false;
      try {
        // why: delete only what we read, so a lock another run took meanwhile is not removed.
        await git.run(['update-ref', '-d', ref, current.sha]);
        return true;
      } catch {
        return false;
      }
    },
    async createTagObject(tag) {
      const type = (await git.run(['cat-file', '-t', tag.object])).trim();
      const seconds = Math.floor(clock.now().getTime() / 1000);
      const body = [
        `object ${tag.object}`,
        `type ${type}`,
        `tag ${tag.name}`,
        `tagger netchange <netchange@localhost> ${seconds} +0000`,
        '',
        tag.message,
        '',
      ].join('\n');
      // why: simple-git has no stdin; a private temp file keeps the lease out of the work tree.
      const directory = await createTemporaryDirectory('lock');
      try {
        const file = path.join(directory.path, 'tag');
        await writeFile(file, body, { mode: 0o600 });
        return (await git.run(['hash-object', '-t', 'tag', '-w', file])).trim();
      } finally {
        await directory.remove();
      }
    },
    async getTagMessage(sha) {
      try {
        const text = await git.run(['cat-file', 'tag', sha]);
        const blank = text.indexOf('\n\n');
        return blank === -1 ? '' : text.slice(blank + 2).trimEnd();
      } catch {
        return undefined;
      }
    },
  };
}
