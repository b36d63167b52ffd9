import { posix } from 'node:path';
import { NetchangeError } from '../core/errors.js';
import type { ChangedFile, GitRepository } from '../core/ports.js';
import { toRfc3339Utc } from '../core/time.js';
import { openGit } from '../git/simple-git.js';

/**
 * Returns a GitRepository for the work tree around `directory`, or undefined when the directory is
 * not inside a git work tree (netchange then works on the files alone). With `asRoot`, `directory`
 * itself is the network repository's root even when it sits inside a larger work tree (a monorepo,
 * or the examples of this project); paths are then relative to it. Otherwise `chooseRoot` picks the
 * root from the work tree's top level (default: the top level itself).
 */
export async function openGitRepository(
  directory: string,
  asRoot: boolean,
  chooseRoot: (topLevel: string) => string = (topLevel) => topLevel,
): Promise<GitRepository | undefined> {
  let answer: string[];
  try {
    // why: one process for both answers; every cache of the run asks for the git directory.
    answer = (await openGit(directory).run(['rev-parse', '--show-toplevel', '--absolute-git-dir']))
      .trim()
      .split('\n');
  } catch {
    return undefined;
  }
  const [topLevel, gitDirectory] = answer;
  if (!topLevel || !gitDirectory) return undefined;
  return createSimpleGitRepository(asRoot ? directory : chooseRoot(topLevel), gitDirectory);
}

/**
 * The git adapter for proposals (over src/git/simple-git.ts). `knownGitDirectory`, when the caller
 * already asked git for it, saves asking again.
 */
export function createSimpleGitRepository(root: string, knownGitDirectory?: string): GitRepository {
  const git = openGit(root);
  let gitDirectory: Promise<string> | undefined =
    knownGitDirectory === undefined ? undefined : Promise.resolve(knownGitDirectory);
  const failed = (what: string, error: unknown, hint?: string) =>
    new NetchangeError('E_GIT', `${what}: ${firstLine(error)}`, { hint, cause: error });
  let naming: Promise<(file: string) => string> | undefined;
  /** Names a path git gives from the top of the work tree from the root instead (asked once). */
  const namer = () => {
    naming ??= git.run(['rev-parse', '--show-prefix']).then((output) => {
      const prefix = output.trim();
      return (file: string) =>
        file.startsWith(prefix) ? file.slice(prefix.length) : posix.relative(prefix, file);
    });
    return naming;
  };
  /** `git status --porcelain` with `args`: the changed files, named from the root. */
  const statusOf = async (args: readonly string[]): Promise<string[]> => {
    let output: string;
    let fromRoot: (file: string) => string;
    try {
      [output, fromRoot] = await Promise.all([git.run(['status', '--porcelain=v1', '-z', ...args]), namer()]);
    } catch (error) {
      throw failed('git status failed', error);
    }
    const changed: string[] = [];
    const entries = output.split('\0');
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index] ?? '';
      if (entry.length < 4) continue;
      changed.push(fromRoot(entry.slice(3)));
      // why: a rename or copy is followed by its source path, which is not a separate change.
      if (entry[0] === 'R' || entry[0] === 'C') index++;
    }
    return changed;
  };

  return {
    root,
    async resolveRef(ref) {
      let sha = '';
      try {
        sha = (await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      } catch {
        // why: an unknown ref; reported below like the silent empty answer of --quiet.
      }
      if (!/^[0-9a-f]{40,64}$/.test(sha)) {
        throw new NetchangeError('E_USAGE', `git ref '${ref}' does not exist in ${root}`, {
          hint: 'Name a branch, tag or commit that exists here; in CI, fetch it first (actions/checkout with fetch-depth: 0).',
        });
      }
      return sha;
    },
    async changedFiles(base) {
      let output: string;
      let fromRoot: (file: string) => string;
      try {
        // why: the whole work tree, not --relative: a playbook or module may reach past the root
        // (`../../shared/mod`), and its change is the pull request's too. Every submodule's commit
        // counts, whatever `ignore` the repository's .gitmodules sets.
        [output, fromRoot] = await Promise.all([
          git.run(['diff', '--raw', '-M', '-z', '--no-relative', '--ignore-submodules=none', base, 'HEAD']),
          namer(),
        ]);
      } catch (error) {
        throw failed(`git diff ${base} HEAD failed`, error);
      }
      return parseRawDiff(output, fromRoot);
    },
    async isAncestor(commit, of) {
      try {
        // why: not --is-ancestor, whose silent exit 1 the git runner does not report as a failure.
        const [ours, base] = await Promise.all(
          [commit, of].map(async (ref) =>
            (await git.run(['rev-parse', '--verify', `${ref}^{commit}`])).trim(),
          ),
        );
        return (await git.run(['merge-base', ours as string, base as string])).trim() === ours;
      } catch {
        // why: an unknown commit is no ancestor.
        return false;
      }
    },
    async blobShas(paths) {
      if (paths.length === 0) return new Map();
      let output: string;
      try {
        output = await git.run(['ls-files', '-s', '-z']);
      } catch (error) {
        throw failed('git ls-files failed', error);
      }
      const wanted = new Set(paths);
      const shas = new Map<string, string>();
      for (const entry of output.split('\0')) {
        const tab = entry.indexOf('\t');
        if (tab < 0) continue;
        const file = entry.slice(tab + 1);
        if (wanted.has(file)) shas.set(file, entry.split(' ')[1] ?? '');
      }
      return shas;
    },
    async workTreeState() {
      let output: string;
      try {
        // why: one call; -t tags each entry: H in the index and unchanged, C modified or deleted,
        // ? untracked, M unmerged, S skip-worktree. Only an H entry's blob is the working copy.
        output = await git.run(['ls-files', '-t', '-s', '-c', '-m', '-o', '--exclude-standard', '-z']);
      } catch (error) {
        throw failed('git ls-files failed', error);
      }
      const blobs = new Map<string, string>();
      const changed = new Set<string>();
      for (const entry of output.split('\0')) {
        if (entry.length < 3) continue;
        const rest = entry.slice(2);
        const tab = rest.indexOf('\t');
        const file = tab < 0 ? rest : rest.slice(tab + 1);
        const [, blob = '', stage] = rest.slice(0, tab).split(' ');
        if (entry[0] === 'H' && tab >= 0 && stage === '0') blobs.set(file, blob);
        else changed.add(file);
      }
      return { blobs, changed };
    },
    gitDirectory() {
      // why: asked by each cache of a run; the answer does not change.
      gitDirectory ??= git.run(['rev-parse', '--absolute-git-dir']).then(
        (output) => output.trim(),
        (error: unknown) => {
          throw failed('git rev-parse --absolute-git-dir failed', error);
        },
      );
      return gitDirectory;
    },
    async commitsOf(path) {
      let output: string;
      try {
        // why: no --follow: it would take the history of a similar older file (a copied proposal) as this one's.
        output = await git.run(['log', '--format=%H %cI', '--', path]);
      } catch {
        return [];
      }
      return output
        .split('\n')
        .map((line) => line.split(' '))
        .filter((parts): parts is [string, string] => parts.length === 2 && parts[1] !== '')
        .map(([commit, at]) => ({ commit, at: new Date(at) }));
    },
    async lastCommitted(paths, options = {}) {
      if (paths.length === 0) return undefined;
      let output: string;
      try {
        // why: glob magic, so `playbooks/firewall/**` means what it says; a plain path still
        // matches the file or everything under the directory (without its trailing slash, which
        // glob magic would take literally). First parents: a branch's own commits carry the dates
        // their author chose (GIT_COMMITTER_DATE), the merge commit the date it was merged.
        output = await git.run([
          'log',
          '-1',
          '--first-parent',
          ...(options.before ? [`--before=${toRfc3339Utc(options.before.getTime())}`] : []),
          '--format=%H %cI',
          '--',
          ...paths.map((entry) => `:(glob)${entry.replace(/\/+$/, '')}`),
        ]);
      } catch {
        return undefined;
      }
      const [commit, at] = output.trim().split(' ');
      return commit && at ? { commit, at: new Date(at) } : undefined;
    },
    async revisions(directory) {
      const counts = new Map<string, number>();
      let output: string;
      try {
        // why: --relative names the files from the root, as the callers ask, in a monorepo too.
        output = await git.run(['log', '--format=', '--name-only', '--relative', '-z', '--', directory]);
      } catch {
        return counts;
      }
      for (const file of output.split(/[\0\n]/)) {
        if (file) counts.set(file, (counts.get(file) ?? 0) + 1);
      }
      return counts;
    },
    async uncommittedChanges(paths) {
      if (paths.length === 0) return [];
      return statusOf(['--untracked-files=all', '--', ...paths]);
    },
    async changedTrackedFiles() {
      // why: from the top of the work tree, whatever folder the root is.
      return statusOf(['--untracked-files=no', '--', ':/']);
    },
    async ignoredFiles(paths) {
      if (paths.length === 0) return [];
      let output: string;
      try {
        output = await git.run([
          'ls-files',
          '--others',
          '--ignored',
          '--exclude-standard',
          '-z',
          '--',
          ...paths,
        ]);
      } catch (error) {
        throw failed('git ls-files failed', error);
      }
      return output.split('\0').filter((file) => file !== '');
    },
    async fileAt(ref, path) {
      try {
        return await git.run(['show', `${ref}:./${path}`]);
      } catch {
        return undefined;
      }
    },
  };
}

/** The git file modes that are not files: a symbolic link, a submodule's commit (a gitlink). */
const MODE_KINDS: Record<string, ChangedFile['kind']> = { '120000': 'symlink', '160000': 'submodule' };

/**
 * `git diff --raw -z` (`:<mode> <mode> <sha> <sha> <status>`, then one path, or two for a rename or
 * copy), each path named from the root by `fromRoot`.
 */
function parseRawDiff(output: string, fromRoot: (file: string) => string): ChangedFile[] {
  const parts = output.split('\0').filter((part) => part !== '');
  const files: ChangedFile[] = [];
  for (let index = 0; index < parts.length; ) {
    const [, headMode = '', , , status = ''] = (parts[index++] ?? '').split(' ');
    const kind = MODE_KINDS[headMode];
    const shape = kind ? { kind } : {};
    if (status.startsWith('R') || status.startsWith('C')) {
      const previousPath = fromRoot(parts[index++] ?? '');
      const path = fromRoot(parts[index++] ?? '');
      files.push({ status: status.startsWith('R') ? 'renamed' : 'added', path, previousPath, ...shape });
    } else {
      const path = fromRoot(parts[index++] ?? '');
      const named = status === 'D' ? 'deleted' : status === 'A' ? 'added' : 'modified';
      files.push({ status: named, path, ...shape });
    }
  }
  return files;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] ?? text;
}
