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
import { TERRAFORM_CONFIGURATION, terraformLocalModules } from '../executors/terraform/modules.js';

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
  const modules = await terraformModulesRunBy(git.root, subject);
  if (modules.outside.length > 0) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused for ${id}: a Terraform module is loaded from outside the repository: ${modules.outside.join(', ')}`,
      { hint: 'Move the module into the repository and have it reviewed; apply runs only committed code.' },
    );
  }
  const paths = [...new Set([...pathsRunBy(subject, input.policyFiles), ...modules.inside])].sort();
  const dirty = (await git.uncommittedChanges(paths)).filter(
    (file) => !TOOL_OUTPUT.some((pattern) => pattern.test(file)),
  );
  // why: git status leaves ignored files out, but Terraform loads an ignored `*.tf` or `*.tfvars`
  // all the same: in what a Terraform step runs they are unreviewed configuration.
  const terraformPaths = [...terraformPathsOf(subject), ...modules.inside];
  const ignored = (await git.ignoredFiles(terraformPaths)).filter(
    (file) => TERRAFORM_CONFIGURATION.test(file) && !TOOL_OUTPUT.some((pattern) => pattern.test(file)),
  );
  dirty.push(...ignored.map((file) => `${file} (ignored by git)`));
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

/** The paths the proposal's Terraform steps run (directories and var files). */
function terraformPathsOf(subject: ChangeSubject): string[] {
  return stepsOf(subject.proposal).flatMap((step) =>
    step.terraform ? EXECUTORS.terraform.pathsRun(step) : [],
  );
}

/** The local modules every Terraform step of the proposal calls, read from the working tree. */
async function terraformModulesRunBy(
  repoRoot: string,
  subject: ChangeSubject,
): Promise<{ inside: string[]; outside: string[] }> {
  const inside = new Set<string>();
  const outside = new Set<string>();
  for (const step of stepsOf(subject.proposal)) {
    if (!step.terraform) continue;
    const [dir = step.terraform.dir] = EXECUTORS.terraform.pathsRun(step);
    const found = await terraformLocalModules(repoRoot, dir);
    for (const module of found.inside) inside.add(module);
    for (const source of found.outside) outside.add(`${source} (from ${dir})`);
  }
  return { inside: [...inside], outside: [...outside] };
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
