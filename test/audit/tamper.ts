import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { serialiseRecord } from '../../src/audit/chain.js';
import { EVIDENCE_REF, type EvidenceRecord, hashRecord } from '../../src/audit/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';

/** The evidence files of a work tree checked out from the ref, by path → text. */
export type EvidenceFiles = Map<string, string>;

/**
 * A copy of `template` (appending is the slow part: each test gets a copy of one repository built
 * once), registered in `repositories` for removal.
 */
export async function copyRepository(
  template: TestRepository,
  repositories: TestRepository[],
): Promise<TestRepository> {
  const repository = await createRepository();
  repositories.push(repository);
  await rm(repository.root, { recursive: true, force: true });
  await cp(template.root, repository.root, { recursive: true });
  return repository;
}

const MALLORY = ['-c', 'user.name=mallory', '-c', 'user.email=mallory@example.invalid'];

/** Checks the evidence branch out in a separate work tree, runs `work` there, removes the work tree. */
async function inWorktree<T>(root: string, work: (worktree: string) => Promise<T>): Promise<T> {
  const worktree = await mkdtemp(path.join(os.tmpdir(), 'netchange-tamper-'));
  const git = simpleGit({ baseDir: root });
  await git.raw(['worktree', 'add', '--detach', worktree, EVIDENCE_REF]);
  try {
    return await work(worktree);
  } finally {
    await git.raw(['worktree', 'remove', '--force', worktree]);
  }
}

async function readRecords(worktree: string): Promise<EvidenceFiles> {
  const directory = path.join(worktree, 'records');
  const files: EvidenceFiles = new Map();
  for (const name of (await readdir(directory)).sort())
    files.set(`records/${name}`, await readFile(path.join(directory, name), 'utf8'));
  return files;
}

function trailers(sequence: number, hash: string): string {
  return `\n\nEvidence-Sequence: ${sequence}\nEvidence-Hash: ${hash}\n`;
}

/**
 * Tampers with evidence the way a person with push access would: edits files in a work tree and
 * fast-forwards the branch. `reannounce` repeats netchange's trailers for every record whose hash
 * changed: on the edit commit for the first, then one empty commit per further record (git reads
 * one announcement per commit). Without `reannounce`, `announce` puts netchange's trailers for that
 * record on the edit commit, as the commit that appends it would carry them. Returns the edit commit.
 */
export async function tamperByHand(
  root: string,
  edit: (files: EvidenceFiles) => void,
  options: { reannounce?: boolean; announce?: { sequence: number; hash: string } } = {},
): Promise<string> {
  const git = simpleGit({ baseDir: root });
  return inWorktree(root, async (worktree) => {
    const files = await readRecords(worktree);
    const before = new Map(files);
    edit(files);
    for (const file of before.keys()) if (!files.has(file)) await rm(path.join(worktree, file));
    for (const [file, text] of files) await writeFile(path.join(worktree, file), text);
    const tree = simpleGit({ baseDir: worktree });
    await tree.raw(['add', '-A']);
    const announcements = [...files]
      .filter(([file, text]) => options.reannounce && before.get(file) !== text)
      .map(([file, text]) =>
        trailers(Number(/(\d+)\.json$/.exec(file)?.[1]), (JSON.parse(text) as EvidenceRecord).hash),
      );
    const [
      first = options.announce ? trailers(options.announce.sequence, options.announce.hash) : '',
      ...further
    ] = announcements;
    await tree.raw([...MALLORY, 'commit', '-q', '-m', `tidy up${first}`]);
    const commit = (await tree.revparse(['HEAD'])).trim();
    for (const announcement of further)
      await tree.raw([...MALLORY, 'commit', '-q', '--allow-empty', '-m', `tidy up${announcement}`]);
    await git.raw(['update-ref', EVIDENCE_REF, (await tree.revparse(['HEAD'])).trim()]);
    return commit;
  });
}

/**
 * Rewrites the whole history the way a person with force-push access would: a new root, one commit
 * per record (as netchange writes them) holding the edited files, and the branch moved onto it.
 * `trailers: 'original'` copies the hashes netchange announced; `'recomputed'` announces what each
 * edited file states (a consistent forgery).
 */
export async function rebuildHistory(
  root: string,
  edit: (files: EvidenceFiles) => void,
  options: { trailers: 'original' | 'recomputed' },
): Promise<void> {
  const git = simpleGit({ baseDir: root });
  await inWorktree(root, async (worktree) => {
    const files = await readRecords(worktree);
    const original = new Map(
      [...files].map(([file, text]) => [file, (JSON.parse(text) as EvidenceRecord).hash]),
    );
    edit(files);
    const tree = simpleGit({ baseDir: worktree });
    await tree.raw(['checkout', '-q', '--orphan', `rewrite-${path.basename(worktree)}`]);
    await tree.raw(['rm', '-rq', '--cached', '.']);
    await rm(path.join(worktree, 'records'), { recursive: true, force: true });
    await mkdir(path.join(worktree, 'records'));
    for (const [file, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await writeFile(path.join(worktree, file), text);
      await tree.raw(['add', file]);
      const sequence = Number(/(\d+)\.json$/.exec(file)?.[1]);
      let hash = original.get(file) ?? '';
      if (options.trailers === 'recomputed') {
        try {
          hash = (JSON.parse(text) as EvidenceRecord).hash;
        } catch {
          // a file that is not JSON keeps the original announcement
        }
      }
      await tree.raw([...MALLORY, 'commit', '-q', '-m', `evidence #${sequence}${trailers(sequence, hash)}`]);
    }
    const commit = (await tree.revparse(['HEAD'])).trim();
    await git.raw(['update-ref', EVIDENCE_REF, commit]);
  });
}

/**
 * Re-chains every record from #1 on (new previousHash and hash), after `change` edited #1, and
 * writes each as netchange would (canonical JSON): a consistent forgery.
 */
export function forgeChain(files: EvidenceFiles, change: (first: EvidenceRecord) => void): void {
  let previous: string | null = null;
  for (const file of [...files.keys()].sort()) {
    const record = JSON.parse(files.get(file) ?? '') as EvidenceRecord;
    if (record.sequence === 1) change(record);
    record.previousHash = previous;
    record.hash = hashRecord(record);
    previous = record.hash;
    files.set(file, serialiseRecord(record));
  }
}
