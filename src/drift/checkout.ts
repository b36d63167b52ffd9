/**
 * The intended state lives on the default branch, whatever branch the working copy is on: drift
 * resolves that branch's commit and checks it out into a private temporary directory (a temporary
 * index, so neither the working copy, its index nor its list of worktrees is touched). Runtime state
 * git ignores — Terraform's local state, devices simulated in files — is copied in from the working copy.
 */
import { existsSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { NetchangeError } from '../core/errors.js';
import { createTemporaryDirectory } from '../executors/temporary-directory.js';
import { openGit } from '../git/simple-git.js';

/** A checkout of the intended commit; `remove` deletes it and never throws. */
export interface IntendedCheckout {
  /** Absolute path of the checkout: the repository root at the intended commit. */
  root: string;
  remove(): Promise<void>;
}

/** The commit holding the intended state, and the ref it was read from. */
export interface IntendedCommit {
  /** `origin/main` when the remote branch exists, else `main`. */
  ref: string;
  commit: string;
}

/**
 * Resolves the default branch: `origin/<branch>` when that remote-tracking branch exists (what was
 * merged, as last fetched), else the local `<branch>`. Neither: a usage error (exit 2).
 */
export async function resolveIntendedCommit(root: string, branch: string): Promise<IntendedCommit> {
  const git = openGit(root);
  for (const ref of [`origin/${branch}`, branch]) {
    try {
      const commit = (await git.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
      if (/^[0-9a-f]{40,64}$/.test(commit)) return { ref, commit };
    } catch {
      // why: an unknown ref; the next candidate, then the error below.
    }
  }
  throw new NetchangeError('E_USAGE', `the default branch '${branch}' does not exist in ${root}`, {
    hint: 'Name the branch that holds the intended state with --branch or drift.branch in netchange.yaml; in CI, fetch it (actions/checkout with fetch-depth: 0).',
  });
}

/**
 * Writes the repository's files at `commit` into a new private directory and copies the listed
 * ignored paths (relative to the repository root) from the working copy into it.
 */
export async function checkoutIntendedState(
  root: string,
  commit: string,
  workingState: readonly string[],
): Promise<IntendedCheckout> {
  const temporary = await createTemporaryDirectory('drift');
  const checkout = path.join(temporary.path, 'repository');
  try {
    const prefix = (await openGit(root).run(['rev-parse', '--show-prefix'])).trim();
    // why: a temporary index, so the working copy's own index is never read or written.
    const git = openGit(root, { environment: { GIT_INDEX_FILE: path.join(temporary.path, 'index') } });
    await git.run(['read-tree', prefix ? `${commit}:${prefix.replace(/\/$/, '')}` : commit]);
    await git.run(['checkout-index', '--all', `--prefix=${checkout}${path.sep}`]);
    for (const relative of workingState) {
      const source = path.join(root, relative);
      if (existsSync(source))
        await cp(source, path.join(checkout, relative), { recursive: true, force: true });
    }
  } catch (error) {
    await temporary.remove();
    throw new NetchangeError(
      'E_GIT',
      `could not check out ${commit.slice(0, 12)} for drift: ${firstLine(error)}`,
      {
        hint: 'The repository must be readable and the commit present (git fetch).',
        cause: error,
      },
    );
  }
  return { root: checkout, remove: () => temporary.remove() };
}

/**
 * Earlier intended states of `paths`: the parents of the newest `count` commits reachable from
 * `commit` that changed them (proposals under `changesDirectory` excluded), newest first. A root
 * commit has no earlier state and is left out.
 */
export async function earlierIntendedStates(
  root: string,
  commit: string,
  paths: readonly string[],
  options: { changesDirectory: string; count: number },
): Promise<string[]> {
  const git = openGit(root);
  const output = await git.run([
    'log',
    `--max-count=${options.count}`,
    '--format=%P',
    commit,
    '--',
    ...paths.map((relative) => `:(top)${relative}`),
    `:(top,exclude)${options.changesDirectory}`,
  ]);
  return output
    .split('\n')
    .map((line) => line.trim().split(' ')[0] ?? '')
    .filter((parent) => /^[0-9a-f]{40,64}$/.test(parent));
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0] ?? text;
}
