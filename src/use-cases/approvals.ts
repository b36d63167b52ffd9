import { realpathSync } from 'node:fs';
import path from 'node:path';
import { loadApprovals } from '../control/index.js';
import { configError, usageError } from '../core/errors.js';
import { hasErrors } from '../core/findings.js';
import type { Approval } from '../core/model.js';
import type { GitRepository } from '../core/ports.js';
import { DEFAULT_MAX_FILE_BYTES, readTextFile } from '../documents/read-file.js';
import type { Workspace } from '../pipeline/workspace.js';

/**
 * The changes under review, which an approvals file must not be part of: the workspace and the ref
 * they start from (validate's `--since`, plan's trust base).
 */
export interface ApprovalsGuard {
  /** The repository under review; without git there is no diff to be part of. */
  workspace: Workspace;
  /** The base the changes under review are compared with. */
  base: string;
}

/**
 * Reads `--approvals FILE` (relative to `cwd`), for every command that takes one. A file that cannot
 * be read is a usage error; a malformed one a configuration error naming its lines (both exit 2).
 * With a `guard`, a file inside the repository that the changes under review edit is a usage error.
 */
export async function readApprovalsFile(
  cwd: string,
  file: string,
  guard?: ApprovalsGuard,
): Promise<Approval[]> {
  const absolute = path.resolve(cwd, file);
  // why: the reader proposals go through, so bytes that are not UTF-8 are named as such (decoded,
  // they read as a YAML string), and a device, a FIFO or a huge file is refused before it is read.
  const read = readTextFile(absolute, file, DEFAULT_MAX_FILE_BYTES);
  if (!read.ok)
    throw usageError(
      `--approvals ${file}: ${read.finding.message}`,
      read.finding.hint ??
        'Name a YAML or JSON file listing approvals and holds: [{user, proposal?, hold?, commit?, at?}].',
    );
  if (guard) await refuseApprovalsUnderReview(absolute, file, guard);
  const loaded = loadApprovals(read.text, file);
  if (hasErrors(loaded.findings))
    throw configError(`--approvals ${file} is invalid`, { findings: loaded.findings });
  return loaded.approvals;
}

/**
 * Refuses an approvals file the changes under review edit. why: a pull request that appends
 * `- {user: alice}` to a tracked approvals.yaml would otherwise approve itself, and its code would
 * run as reviewed.
 */
async function refuseApprovalsUnderReview(
  absolute: string,
  file: string,
  guard: ApprovalsGuard,
): Promise<void> {
  const git = guard.workspace.git;
  if (!git) return;
  const paths = pathsInRepository(git.root, absolute);
  if (paths.length === 0) return;
  const change = await changeUnderReview(git, guard.base, paths);
  if (!change) return;
  throw usageError(
    `--approvals ${file} is changed by the changes under review (${change}); approvals must come from outside them`,
    `Keep the approvals file outside the repository (or as ${guard.base} has it), or take the approvals from the pull request's reviews with --github --pr N.`,
  );
}

/**
 * The file's repository-relative paths: as named, and with symlinks resolved. why both: the pull
 * request can add or repoint a link at the path named (the link changes, not what it reaches), and a
 * link from outside can reach a file it edits (only the resolved path is inside the repository).
 */
function pathsInRepository(root: string, absolute: string): string[] {
  const pairs: [string, string][] = [[root, absolute]];
  try {
    pairs.push([realpathSync(root), realpathSync(absolute)]);
  } catch {
    // why: the file was just read, so this fails only in a race; the path as named still counts.
  }
  const inside = new Set<string>();
  for (const [base, target] of pairs) {
    const relative = path.relative(base, target);
    const outside =
      relative === '' ||
      relative === '..' ||
      relative.startsWith(`..${path.sep}`) ||
      path.isAbsolute(relative);
    if (!outside) inside.add(relative.split(path.sep).join('/'));
  }
  return [...inside];
}

/**
 * How the changes under review touch one of `paths` (`modified between main and HEAD`), or undefined.
 * why not the working tree: the changes under review are commits (what `--since` selects and what
 * the code-trust check compares); an uncommitted edit is the operator's own, as when they write the
 * reviewers' approvals into the example's approvals.yaml before a run.
 */
async function changeUnderReview(
  git: GitRepository,
  base: string,
  paths: readonly string[],
): Promise<string | undefined> {
  // why: resolved first, so an unknown base is named as such rather than as a failed diff.
  const baseCommit = await git.resolveRef(base);
  const touched = (await git.changedFiles(baseCommit)).find(
    (entry) =>
      paths.includes(entry.path) || (entry.previousPath !== undefined && paths.includes(entry.previousPath)),
  );
  return touched ? `${touched.status} between ${base} and HEAD` : undefined;
}
