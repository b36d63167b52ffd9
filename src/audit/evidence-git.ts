/**
 * The one choke point between evidence and git (through src/git/simple-git.ts). Records are written with plumbing
 * (hash-object, a private index, write-tree, commit-tree) so appending never touches the user's
 * working tree, index or HEAD, and the ref moves only by compare-and-swap.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NetchangeError } from '../core/errors.js';
import { type GitCommands, openGit } from '../git/simple-git.js';

/** One file under records/ at some commit. */
export interface RecordEntry {
  /** Path inside the tree, e.g. records/0000000001.json. */
  path: string;
  /** Blob sha. */
  blob: string;
  /** Size in bytes. */
  size: number;
}

export type PushResult = 'pushed' | 'rejected';

/**
 * How evidence commits are signed: with an SSH private key file, or with the signing key git's
 * configuration names (`gpg.format ssh` and `user.signingkey`).
 */
export type EvidenceSigning = { key: string } | 'git-config';

/** One file a commit added, changed or removed, against its first parent. */
export interface CommitChange {
  /** git's status letter: A added, M modified, D deleted, T type changed. */
  status: string;
  /** Path inside the tree. */
  path: string;
  /** Blob sha after the commit (all zeros when deleted). */
  blob: string;
}

/** One commit of the evidence history with the sizes of its trees: enough to see its shape without diffing. */
export interface EvidenceCommitShape {
  /** Commit sha. */
  commit: string;
  /** The sequence the commit's `Evidence-Sequence` trailer announces, when it has exactly one. */
  sequence?: number;
  /** The hash the commit's `Evidence-Hash` trailer announces, when it has exactly one. */
  hash?: string;
  /** Size in bytes of the commit's root tree object. */
  rootTreeSize: number;
  /** Size in bytes of its `records` tree object; undefined when `records` is missing or not a tree. */
  recordsTreeSize?: number;
}

/** One commit of the evidence history, on the first-parent line. */
export interface EvidenceCommit {
  /** Commit sha. */
  commit: string;
  /** The sequence the commit's `Evidence-Sequence` trailer announces, when it has exactly one. */
  sequence?: number;
  /** The hash the commit's `Evidence-Hash` trailer announces, when it has exactly one. */
  hash?: string;
  /** What the commit changed against its first parent (the root commit: against the empty tree). */
  changes: CommitChange[];
}

export interface EvidenceGit {
  readonly root: string;
  /** Commit sha a ref points at, or undefined when the ref does not exist. */
  resolve(ref: string): Promise<string | undefined>;
  /** Files under records/ at a commit, sorted by path. */
  listRecords(commit: string): Promise<RecordEntry[]>;
  /** Contents of blobs, in the order given. */
  readBlobs(entries: readonly RecordEntry[]): Promise<Buffer[]>;
  /**
   * The first-parent history ending at `commit`, oldest first, with the sizes of each commit's trees
   * (two git processes, no tree is read in full: 10,000 commits in a fraction of a second).
   */
  shapes(commit: string): Promise<EvidenceCommitShape[]>;
  /**
   * The first-parent history ending at `commit`, oldest first, with each commit's changes (one git
   * process; it reads every tree in full, so it is slow on long chains: only to name a culprit).
   */
  history(commit: string): Promise<EvidenceCommit[]>;
  /**
   * Writes one file on top of `parent`'s tree and returns the new commit (no ref moves), signed with
   * git's SSH signing when `signing` says so.
   */
  commitFile(
    parent: string | undefined,
    file: { path: string; content: string },
    message: string,
    signing?: EvidenceSigning,
  ): Promise<string>;
  /** True when git's configuration signs with SSH (`gpg.format ssh` and a `user.signingkey`). */
  sshSigningConfigured(): Promise<boolean>;
  /** Each first-parent commit ending at `commit`, oldest first, with git's signature verdict (`%G?`). */
  signatures(commit: string, allowedSignersFile: string): Promise<{ commit: string; status: string }[]>;
  /** Moves `ref` to `next` only if it still points at `expected` (undefined: must not exist). */
  compareAndSwap(ref: string, next: string, expected: string | undefined): Promise<boolean>;
  /** True when a remote with this name is configured. */
  hasRemote(name: string): Promise<boolean>;
  /**
   * Fetches `ref` from `remote` into `into` (forced); returns its sha, or undefined when the remote
   * lacks it (and then removes `into`, so it always mirrors what the remote holds).
   */
  fetchRef(remote: string, ref: string, into: string): Promise<string | undefined>;
  /** Pushes `commit` to `ref` on `remote` without force; 'rejected' when the remote moved meanwhile. */
  push(remote: string, commit: string, ref: string): Promise<PushResult>;
  /** True when `ancestor` is reachable from `descendant`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** The best common ancestor, or undefined when the histories are unrelated. */
  mergeBase(a: string, b: string): Promise<string | undefined>;
}

/** Commits written by netchange carry these trailers, so the tip of the chain is known without reading records. */
export const SEQUENCE_TRAILER = 'Evidence-Sequence';
export const HASH_TRAILER = 'Evidence-Hash';

// why: a fixed identity, so appending works on CI runners without user.name/user.email; the actor is in the record.
const IDENTITY = {
  GIT_AUTHOR_NAME: 'netchange',
  GIT_AUTHOR_EMAIL: 'netchange@users.noreply.github.com',
  GIT_COMMITTER_NAME: 'netchange',
  GIT_COMMITTER_EMAIL: 'netchange@users.noreply.github.com',
};

// why: two values joined by a separator that cannot be in a trailer value, so a commit carrying the
// trailer twice is seen (and then announces nothing).
const TRAILER_FORMAT = `%(trailers:key=${SEQUENCE_TRAILER},valueonly,separator=%x1c)%x1d%(trailers:key=${HASH_TRAILER},valueonly,separator=%x1c)`;

/** Blobs per `git show` call: keeps the command line far below the OS argument limit. */
const BLOBS_PER_CALL = 5000;

export function createSimpleGitEvidence(root: string): EvidenceGit {
  const git = openGit(root);
  const failed = (what: string, error: unknown) =>
    new NetchangeError('E_GIT', `${what}: ${firstLine(error)}`, { cause: error });

  function withEnvironment(extra: Record<string, string>): GitCommands {
    return openGit(root, { environment: { ...IDENTITY, ...extra } });
  }

  async function resolve(ref: string): Promise<string | undefined> {
    try {
      const sha = (await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      return sha || undefined;
    } catch {
      return undefined;
    }
  }

  /** The first-parent history ending at `commit`, oldest first, in `format` (one git process). */
  async function firstParentLog(commit: string, format: string, extra: readonly string[]): Promise<string> {
    try {
      return await git.run([
        'log',
        '--first-parent',
        '--reverse',
        ...extra,
        `--format=${format}`,
        commit,
        '--',
      ]);
    } catch (error) {
      throw failed('git log of the evidence history failed', error);
    }
  }

  return {
    root,
    resolve,
    async listRecords(commit) {
      let output: string;
      try {
        output = await git.run(['ls-tree', '-r', '-l', '-z', commit, '--', 'records/']);
      } catch (error) {
        throw failed(`git ls-tree ${commit} failed`, error);
      }
      const entries: RecordEntry[] = [];
      for (const line of output.split('\0')) {
        const tab = line.indexOf('\t');
        if (tab < 0) continue;
        const [, type, blob, size] = line.slice(0, tab).split(/\s+/);
        if (type !== 'blob' || !blob) continue;
        entries.push({ path: line.slice(tab + 1), blob, size: Number(size) });
      }
      return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    async readBlobs(entries) {
      try {
        return await git.showBlobs(entries, BLOBS_PER_CALL);
      } catch (error) {
        throw failed('git show of evidence records failed', error);
      }
    },
    async shapes(commit) {
      const log = await firstParentLog(commit, `%x1e%H%x1f%T%x1f${TRAILER_FORMAT}`, []);
      const commits = log
        .split('\x1e')
        .filter((chunk) => chunk.trim().length > 0)
        .map((chunk) => {
          const [sha = '', tree = '', ...trailers] = chunk.split('\x1f');
          return { ...announcement(trailers.join('\x1f')), commit: sha.trim(), tree: tree.trim() };
        });
      let sizes: string;
      try {
        // why: `%(objectsize)` comes from the object's header (or the delta's), so no tree is inflated.
        sizes = await git.runWithInput(
          ['cat-file', '--batch-check=%(objecttype) %(objectsize)'],
          commits.map((entry) => `${entry.tree}\n${entry.tree}:records\n`).join(''),
        );
      } catch (error) {
        throw failed('git cat-file of the evidence trees failed', error);
      }
      const lines = sizes.split('\n');
      return commits.map((entry, index): EvidenceCommitShape => {
        const rootTree = (lines[index * 2] ?? '').split(' ');
        const records = (lines[index * 2 + 1] ?? '').split(' ');
        return {
          commit: entry.commit,
          ...(entry.sequence !== undefined ? { sequence: entry.sequence, hash: entry.hash as string } : {}),
          rootTreeSize: Number(rootTree[1] ?? Number.NaN),
          ...(records[0] === 'tree' ? { recordsTreeSize: Number(records[1]) } : {}),
        };
      });
    },
    async history(commit) {
      // why: each commit's raw diff against its first parent, NUL-separated; this reads every tree in
      // full, which is why it only runs to name the commit that broke the history.
      const output = await firstParentLog(commit, `%x1e%H%x1f${TRAILER_FORMAT}`, [
        '--root',
        '--diff-merges=first-parent',
        '--raw',
        '--no-renames',
        '--no-abbrev',
        '-z',
      ]);
      return parseHistory(output);
    },
    async commitFile(parent, file, message, signing) {
      const scratch = await mkdtemp(path.join(os.tmpdir(), 'netchange-evidence-'));
      try {
        const blobFile = path.join(scratch, 'record.json');
        await writeFile(blobFile, file.content, { mode: 0o600 });
        // why: a private index per append, so concurrent appends (and the user's own index) never collide.
        const plumbing = withEnvironment({ GIT_INDEX_FILE: path.join(scratch, 'index') });
        const blob = (await plumbing.run(['hash-object', '-w', '--no-filters', blobFile])).trim();
        if (parent) await plumbing.run(['read-tree', parent]);
        else await plumbing.run(['read-tree', '--empty']);
        await plumbing.run(['update-index', '--add', '--cacheinfo', `100644,${blob},${file.path}`]);
        const tree = (await plumbing.run(['write-tree'])).trim();
        const keyConfig =
          signing !== undefined && signing !== 'git-config'
            ? ['-c', 'gpg.format=ssh', '-c', `user.signingkey=${signing.key}`]
            : [];
        const args = [
          ...keyConfig,
          'commit-tree',
          tree,
          ...(parent ? ['-p', parent] : []),
          ...(signing === undefined ? [] : ['-S']),
          '-m',
          message,
        ];
        return (await plumbing.run(args)).trim();
      } catch (error) {
        throw failed('writing an evidence commit failed', error);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    },
    async sshSigningConfigured() {
      const value = async (name: string) => {
        try {
          return (await git.run(['config', '--get', name])).trim();
        } catch {
          return '';
        }
      };
      return (await value('gpg.format')) === 'ssh' && (await value('user.signingkey')) !== '';
    },
    async signatures(commit, allowedSignersFile) {
      let text: string;
      try {
        // why: git checks each SSH signature with ssh-keygen against the allowed signers (one
        // ssh-keygen per commit: only when signatures are asked for).
        text = await git.run([
          '-c',
          `gpg.ssh.allowedSignersFile=${allowedSignersFile}`,
          'log',
          '--first-parent',
          '--reverse',
          '--format=%H %G?',
          commit,
          '--',
        ]);
      } catch (error) {
        throw failed('git log of the evidence signatures failed', error);
      }
      return text
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => {
          const [sha = '', status = ''] = line.trim().split(' ');
          return { commit: sha, status };
        });
    },
    async compareAndSwap(ref, next, expected) {
      try {
        // why: the zero id makes update-ref refuse when the ref already exists (someone else created it first).
        await git.run(['update-ref', '-m', 'netchange evidence', ref, next, expected ?? '0'.repeat(40)]);
        return true;
      } catch {
        return false;
      }
    },
    async hasRemote(name) {
      try {
        const remotes = (await git.run(['remote'])).split('\n').map((line) => line.trim());
        return remotes.includes(name);
      } catch {
        return false;
      }
    },
    async fetchRef(remote, ref, into) {
      try {
        const advertised = await git.run(['ls-remote', '--refs', remote, ref]);
        if (!advertised.trim()) {
          // why: a copy of a ref the remote deleted would pass for what it holds now.
          await git.run(['update-ref', '-d', into]);
          return undefined;
        }
        await git.run(['fetch', '--quiet', '--no-tags', remote, `+${ref}:${into}`]);
      } catch (error) {
        throw failed(`git fetch ${remote} ${ref} failed`, error);
      }
      return resolve(into);
    },
    async push(remote, commit, ref) {
      try {
        await git.run(['push', '--quiet', '--no-verify', remote, `${commit}:${ref}`]);
        return 'pushed';
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        // why: a non-fast-forward or a lost lock race on the remote means another runner appended first.
        // A hook declining the push ([remote rejected] with another reason) is a real failure.
        const race =
          /\[rejected\]|non-fast-forward|fetch first|failed to update ref|cannot lock ref|failed to lock|stale info/i;
        if (race.test(text)) return 'rejected';
        throw failed(`git push ${remote} ${ref} failed`, error);
      }
    },
    async isAncestor(ancestor, descendant) {
      // why: simple-git resolves a non-zero exit without stderr, so `merge-base --is-ancestor` cannot
      // signal through its exit code here; counting the commits only `ancestor` has can.
      try {
        const count = (await git.run(['rev-list', '--count', `${descendant}..${ancestor}`])).trim();
        return count === '0';
      } catch {
        return false;
      }
    },
    async mergeBase(a, b) {
      try {
        return (await git.run(['merge-base', a, b])).trim() || undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** Parses `git log --raw -z` output in the format `history` asks for. */
export function parseHistory(output: string): EvidenceCommit[] {
  const commits: EvidenceCommit[] = [];
  for (const chunk of output.split('\x1e')) {
    if (chunk.length === 0) continue;
    const headerEnd = chunk.indexOf('\0');
    const header = headerEnd < 0 ? chunk : chunk.slice(0, headerEnd);
    const [sha, trailers] = splitOnce(header, '\x1f');
    const entry: EvidenceCommit = { ...announcement(trailers), commit: sha.trim(), changes: [] };
    const fields = headerEnd < 0 ? [] : chunk.slice(headerEnd + 1).split('\0');
    for (let index = 0; index + 1 < fields.length; index += 2) {
      const meta = (fields[index] ?? '').replace(/^\n/, '');
      if (!meta.startsWith(':')) continue;
      const parts = meta.slice(1).split(' ');
      entry.changes.push({
        status: (parts[4] ?? '').charAt(0),
        blob: parts[3] ?? '',
        path: fields[index + 1] ?? '',
      });
    }
    commits.push(entry);
  }
  return commits;
}

/** The sequence and hash a commit's trailers announce, when each is there exactly once. */
function announcement(trailers: string): { sequence?: number; hash?: string } {
  const [sequenceText, hashText] = splitOnce(trailers, '\x1d');
  const sequence = sequenceText.trim();
  const hash = hashText.trim();
  return /^\d+$/.test(sequence) && /^[0-9a-f]{64}$/.test(hash) ? { sequence: Number(sequence), hash } : {};
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] ?? text;
}
