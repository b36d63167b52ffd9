/**
 * What attribution asks git (over src/git/simple-git.ts): the default branch's tip, whether a commit
 * is on it, the proposals it holds, and proposal files as they were at applied commits. Each question
 * is one or two git processes, however many records or proposals there are.
 */
import { NetchangeError } from '../core/errors.js';
import { openGit } from '../git/simple-git.js';

/** A file read from git. */
export interface GitFile {
  /** Repository-relative path. */
  file: string;
  /** Its blob sha. */
  blob: string;
  text: string;
}

/** The git questions attribution asks, in the network repository at `root`. */
export interface AttributionGit {
  /** The commit `ref` names; a usage error when it names none. */
  resolveCommit(ref: string): Promise<string>;
  /** True when `ancestor` is on `descendant`'s history; false too when git does not know `ancestor`. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** The YAML files under `directory` at `commit`, with their blobs and text. */
  yamlFilesAt(commit: string, directory: string): Promise<GitFile[]>;
  /** Each `{commit, file}` as it was at that commit; undefined where git has no such file. */
  filesAt(wanted: readonly { commit: string; file: string }[]): Promise<(GitFile | undefined)[]>;
}

// why: one `git show` per this many blobs keeps the command line short on huge histories.
const BLOBS_PER_CALL = 500;

/** The git adapter for attribution, in the repository (or subdirectory of one) at `root`. */
export function createAttributionGit(root: string): AttributionGit {
  const git = openGit(root);
  const failed = (what: string, error: unknown) =>
    new NetchangeError('E_GIT', `${what}: ${error instanceof Error ? error.message.trim() : String(error)}`, {
      hint: 'Check that the repository is intact (git fsck) and readable.',
      cause: error,
    });

  async function readBlobs(entries: readonly { blob: string; size: number }[]): Promise<string[]> {
    try {
      const contents = await git.showBlobs(entries, BLOBS_PER_CALL);
      return contents.map((content) => content.toString('utf8'));
    } catch (error) {
      throw failed('git show of proposal files failed', error);
    }
  }

  return {
    async resolveCommit(ref) {
      let sha = '';
      try {
        sha = (await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      } catch {
        // why: an unknown ref; reported below like the silent empty answer of --quiet.
      }
      if (!/^[0-9a-f]{40,64}$/.test(sha)) {
        throw new NetchangeError('E_USAGE', `the default branch '${ref}' does not exist in ${root}`, {
          hint: 'Name the branch that holds the intended state; in CI, fetch it first (actions/checkout with fetch-depth: 0).',
        });
      }
      return sha;
    },
    async isAncestor(ancestor, descendant) {
      // why: simple-git resolves a non-zero exit without stderr, so `merge-base --is-ancestor` cannot
      // answer through its exit code; counting the commits only `ancestor` has can.
      try {
        return (await git.run(['rev-list', '--count', `${descendant}..${ancestor}`])).trim() === '0';
      } catch {
        return false;
      }
    },
    async yamlFilesAt(commit, directory) {
      let output: string;
      try {
        // why: pathspecs and the names printed are relative to `root`, also when it is a subdirectory.
        output = await git.run(['ls-tree', '-r', '-l', '-z', commit, '--', `${directory}/`]);
      } catch (error) {
        throw failed(`git ls-tree ${commit} ${directory} failed`, error);
      }
      const entries: { file: string; blob: string; size: number }[] = [];
      for (const line of output.split('\0')) {
        const tab = line.indexOf('\t');
        if (tab < 0) continue;
        const [, type, blob, size] = line.slice(0, tab).split(/\s+/);
        const file = line.slice(tab + 1);
        if (type === 'blob' && blob && /\.ya?ml$/i.test(file))
          entries.push({ file, blob, size: Number(size) });
      }
      const texts = await readBlobs(entries);
      return entries.map((entry, index) => ({
        file: entry.file,
        blob: entry.blob,
        text: texts[index] ?? '',
      }));
    },
    async filesAt(wanted) {
      if (wanted.length === 0) return [];
      let prefix: string;
      let checked: string;
      try {
        // why: `<commit>:<path>` names a path from the top of the work tree, and `root` may be below it.
        prefix = (await git.run(['rev-parse', '--show-prefix'])).trim();
        checked = await git.runWithInput(
          ['cat-file', '--batch-check=%(objectname) %(objecttype) %(objectsize)'],
          wanted.map((entry) => `${entry.commit}:${prefix}${entry.file}\n`).join(''),
        );
      } catch (error) {
        throw failed('git cat-file of applied proposal files failed', error);
      }
      const lines = checked.split('\n');
      const found = wanted.map((entry, index) => {
        const [blob, type, size] = (lines[index] ?? '').split(' ');
        return type === 'blob' && blob ? { file: entry.file, blob, size: Number(size) } : undefined;
      });
      const unique = [...new Map(found.flatMap((entry) => (entry ? [[entry.blob, entry]] : []))).values()];
      const texts = await readBlobs(unique);
      const byBlob = new Map(unique.map((entry, index) => [entry.blob, texts[index] ?? '']));
      return found.map((entry) =>
        entry ? { file: entry.file, blob: entry.blob, text: byBlob.get(entry.blob) ?? '' } : undefined,
      );
    },
  };
}
