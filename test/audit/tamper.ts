import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';

/** The evidence files of a work tree checked out from the ref, by path → text. */
export type EvidenceFiles = Map<string, string>;

/**
 * Tampers with evidence the way a person would: checks the ref out in a separate work tree, edits
 * files there, commits by hand and moves the ref to that commit.
 */
export async function tamperByHand(root: string, edit: (files: EvidenceFiles) => void): Promise<void> {
  const worktree = await mkdtemp(path.join(os.tmpdir(), 'netchange-tamper-'));
  const git = simpleGit({ baseDir: root });
  await git.raw(['worktree', 'add', '--detach', worktree, 'refs/netchange/evidence']);
  try {
    const directory = path.join(worktree, 'records');
    const files: EvidenceFiles = new Map();
    for (const name of await readdir(directory))
      files.set(`records/${name}`, await readFile(path.join(directory, name), 'utf8'));
    const before = new Set(files.keys());
    edit(files);
    for (const file of before) if (!files.has(file)) await rm(path.join(worktree, file));
    for (const [file, text] of files) await writeFile(path.join(worktree, file), text);
    const tree = simpleGit({ baseDir: worktree });
    await tree.raw(['add', '-A']);
    await tree.raw([
      '-c',
      'user.name=mallory',
      '-c',
      'user.email=mallory@example.invalid',
      'commit',
      '-q',
      '-m',
      'tidy up',
    ]);
    const commit = (await tree.revparse(['HEAD'])).trim();
    await git.raw(['update-ref', 'refs/netchange/evidence', commit]);
  } finally {
    await git.raw(['worktree', 'remove', '--force', worktree]);
  }
}
