/**
 * Apply runs exactly what was reviewed, once: before any step runs, the proposal and everything it
 * runs must be committed, the repository must have a commit to name in the evidence, and the
 * evidence must not show the proposal applied at this commit already (unless `--reapply REASON`).
 */
import { NetchangeError } from '../core/errors.js';
import type { ChangeSubject } from '../core/model.js';
import type { GitRepository } from '../core/ports.js';
import { stepsOf } from '../core/steps.js';
import { formatLocalAndUtc } from '../core/time.js';
import { EXECUTORS, executorOf } from '../executors/registry.js';

/** A previous apply of the same proposal at the same commit, as the evidence recorded it. */
export interface PreviousApply {
  sequence: number;
  commit: string;
  outcome: string;
  finishedAt: string;
  actor: string;
}

export interface CommittedTreeInput {
  /** The repository; apply refuses outside one. */
  git: GitRepository | undefined;
  subject: ChangeSubject;
  /** The policy and config files in force (netchange.yaml, policies, CODEOWNERS). */
  policyFiles: readonly string[];
}

export interface NotAppliedInput {
  subject: ChangeSubject;
  /** The commits this apply stands for (HEAD, and the approved pull-request commit). */
  commits: readonly string[];
  /** `--reapply REASON`: run again although the evidence shows this commit applied. */
  reapply?: string;
  /** The evidence's earlier applies of a proposal id at any of the commits, in chain order. */
  previousApplies(id: string, commits: readonly string[]): Promise<PreviousApply[]>;
}

/** Files the executors' tools write into the repository (Terraform's state and plans): not reviewed content. */
const TOOL_OUTPUT = Object.values(EXECUTORS).flatMap((executor) =>
  executor.toolOutput ? [executor.toolOutput] : [],
);

/**
 * The proposal and everything it runs are committed: returns HEAD. Throws E_GATE (exit 1) naming
 * what to do outside a repository, in one without commits, or with uncommitted changes.
 */
export async function checkCommittedTree(input: CommittedTreeInput): Promise<string> {
  const { git, subject } = input;
  const id = subject.proposal.id;
  if (!git) {
    throw new NetchangeError('E_GATE', `apply refused for ${id}: the repository is not a git repository`, {
      hint: 'apply runs only committed, reviewed proposals: commit the network repository and open a pull request.',
    });
  }
  let commit: string;
  try {
    commit = await git.resolveRef('HEAD');
  } catch {
    throw new NetchangeError('E_GATE', `apply refused for ${id}: the repository has no commits`, {
      hint: 'apply runs only committed, reviewed proposals: commit the proposal and have the commit approved.',
    });
  }
  const loaded = await pathsLoadedBy(git.root, subject);
  if (loaded.outside.length > 0) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused for ${id}: a ${loaded.outside.map((entry) => entry.tool)[0]} module is loaded from outside the repository: ${loaded.outside.map((entry) => entry.source).join(', ')}`,
      { hint: 'Move the module into the repository and have it reviewed; apply runs only committed code.' },
    );
  }
  const paths = [...new Set([...pathsRunBy(subject, input.policyFiles), ...loaded.inside])].sort();
  const anyFile = stepsOf(subject.proposal).some((step) => executorOf(step).loadsAnyFile);
  const changed = new Set([
    ...(await git.uncommittedChanges(paths)),
    ...(anyFile ? await git.changedTrackedFiles() : []),
  ]);
  const dirty = [...changed].filter((file) => !TOOL_OUTPUT.some((pattern) => pattern.test(file)));
  // why: git status leaves ignored files out, but a tool may load one all the same (Terraform an
  // ignored `override.tf`): in what such a step runs they are unreviewed configuration.
  for (const { pattern, paths: checked } of loaded.ignoredChecks) {
    const ignored = (await git.ignoredFiles(checked)).filter(
      (file) => pattern.test(file) && !TOOL_OUTPUT.some((output) => output.test(file)),
    );
    dirty.push(...ignored.map((file) => `${file} (ignored by git)`));
  }
  if (dirty.length > 0) {
    const shown = dirty.slice(0, 10).join(', ') + (dirty.length > 10 ? ` and ${dirty.length - 10} more` : '');
    throw new NetchangeError(
      'E_GATE',
      `apply refused for ${id}: uncommitted changes in what it runs: ${shown}`,
      {
        hint: 'apply runs exactly the reviewed commit: commit the changes and have them approved, or discard them (git stash).',
      },
    );
  }
  return commit;
}

/**
 * The evidence does not show the proposal applied at this commit, or `--reapply` says why it runs
 * again. Throws E_GATE naming the earlier record otherwise.
 */
export async function checkNotAppliedYet(input: NotAppliedInput): Promise<void> {
  const { subject } = input;
  if (input.reapply !== undefined && input.reapply.trim() === '') {
    throw new NetchangeError('E_USAGE', '--reapply needs a reason', {
      hint: 'Say why the change runs again, e.g. --reapply "device replaced after RMA".',
    });
  }
  if (input.reapply !== undefined) return;
  const last = (await input.previousApplies(subject.proposal.id, input.commits)).at(-1);
  if (!last) return;
  // why: a refusal is read by people, so the record's RFC 3339 instant is shown in the one display
  // format (docs/times.md), in the proposal's zone like its schedule.
  const at = formatLocalAndUtc(Date.parse(last.finishedAt), subject.timezone);
  throw new NetchangeError(
    'E_GATE',
    `apply refused for ${subject.proposal.id}: ${describePreviousApply(last, at)}`,
    {
      hint: `To run it again at the same commit, say why: netchange apply ${subject.file} --reapply "REASON" (the reason is recorded in the evidence).`,
    },
  );
}

/**
 * The earlier apply as a refusal names it.
 * why: only an evidence outcome `succeeded` means applied; a failed or rolled-back run is named as
 * one that ran, so nobody reads "already applied" and believes the change is in place.
 */
function describePreviousApply(last: PreviousApply, at: string): string {
  const commit = last.commit.slice(0, 12);
  if (last.outcome === 'started')
    return `an apply at commit ${commit} started (evidence record #${last.sequence}, by ${last.actor} at ${at}) and has no result: it was interrupted or is still running`;
  if (last.outcome === 'succeeded')
    return `already applied at commit ${commit} (evidence record #${last.sequence}: ${last.outcome}, by ${last.actor} at ${at})`;
  return `already ran at commit ${commit} (${last.outcome}) and did not apply (evidence record #${last.sequence}, by ${last.actor} at ${at})`;
}

/**
 * What the proposal's steps load beyond the paths they name (executor.pathsLoaded: Terraform's local
 * modules), and for each executor whose tool loads ignored files, the paths to look for them in.
 */
async function pathsLoadedBy(
  repoRoot: string,
  subject: ChangeSubject,
): Promise<{
  inside: string[];
  outside: { tool: string; source: string }[];
  ignoredChecks: { pattern: RegExp; paths: string[] }[];
}> {
  const inside = new Set<string>();
  const outside = new Map<string, { tool: string; source: string }>();
  const ignoredChecks = new Map<RegExp, Set<string>>();
  for (const step of stepsOf(subject.proposal)) {
    const executor = executorOf(step);
    const named = executor.pathsRun(step);
    const found = (await executor.pathsLoaded?.(step, repoRoot)) ?? { inside: [], outside: [] };
    for (const module of found.inside) inside.add(module);
    // why: the tool as people write it (Terraform), for the refusal.
    const tool = `${executor.kind.charAt(0).toUpperCase()}${executor.kind.slice(1)}`;
    for (const written of found.outside) {
      const source = `${written} (from ${named[0] ?? executor.label(step)})`;
      outside.set(source, { tool, source });
    }
    if (executor.loadsIgnored) {
      const paths = ignoredChecks.get(executor.loadsIgnored) ?? new Set<string>();
      for (const path of [...named, ...found.inside]) paths.add(path);
      ignoredChecks.set(executor.loadsIgnored, paths);
    }
  }
  return {
    inside: [...inside],
    outside: [...outside.values()],
    ignoredChecks: [...ignoredChecks].map(([pattern, paths]) => ({ pattern, paths: [...paths] })),
  };
}

/**
 * What a proposal runs, as repository paths: the proposal, what each step runs (the folders of its
 * playbooks and inventories with their roles, templates and variables; its Terraform directories),
 * what the tools read from the repository root, and the policy files that judged it.
 */
export function pathsRunBy(subject: ChangeSubject, policyFiles: readonly string[]): string[] {
  const rootPaths = Object.values(EXECUTORS).flatMap((executor) => executor.rootPaths);
  const paths = new Set<string>([subject.file, ...rootPaths, ...policyFiles]);
  for (const step of stepsOf(subject.proposal)) {
    for (const run of executorOf(step).pathsRun(step)) paths.add(run);
  }
  return [...paths].sort();
}
