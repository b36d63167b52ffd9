/**
 * The GitHub half of `netchange apply --pr N` and `--due`: the applied commit must be the approved
 * one, approvals come from the pull request's reviews, the reviewed plan digest from the report
 * comment, locks per device and Terraform stack are held for the run, and afterwards a new comment,
 * a commit status and (for emergencies) a `retrospective-required` label record what happened.
 * `src/cli/commands/apply.ts` only wires these in.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { anchorBlock } from '../audit/anchor.js';
import type { ChainTip } from '../audit/chain.js';
import { actingUser } from '../core/acting-user.js';
import { NetchangeError } from '../core/errors.js';
import type { Approval, ChangeSubject, ProposalReport } from '../core/model.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../core/time.js';
import { executorOfResult } from '../executors/registry.js';
import { lastCommitTouching } from '../git/simple-git.js';
import { refSafe, withLocks } from '../locks/locks.js';
import { checkCodeTrust, describeHeldCode } from '../pipeline/code-trust.js';
import { configAt, policyFileMatcher, staleApprovalsAllowed } from '../pipeline/load-proposals.js';
import type { PullRequestNotice } from '../pipeline/validate.js';
import { githubSettings, resolveBaseBranch, type Workspace } from '../pipeline/workspace.js';
import type { ApplyResult } from '../runs/apply-proposal.js';
import { REPORT_MARKER, reviewedPlanHashOf } from './compose-report.js';
import { GITHUB_LIMITS, truncateToLimit } from './limits.js';
import type { PullRequestInfo } from './port.js';
import { connectGitHub, type GitHubConnection, reviewInputs } from './publish.js';

/** Marks a proposal applied, so a scheduled `apply --due` never applies it twice. */
export const APPLIED_PREFIX = 'refs/netchange/applied/';
/** Label an emergency change's pull request gets until its retrospective review. */
export const RETROSPECTIVE_LABEL = 'retrospective-required';
/** Commit status context set after apply. */
export const APPLY_STATUS_CONTEXT = 'netchange/apply';

export interface PullRequestApplyOptions {
  workspace: Workspace;
  subject: ChangeSubject;
  pullNumber: number;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  warn?: (message: string) => void;
}

/** What apply needs from the pull request, and what it does around the run. */
export interface PullRequestApply {
  pull: PullRequestInfo;
  /** Approvals from the reviews, for the approved commit. */
  approvals: Approval[];
  /** The commit the approvals must be for (the pull request's head). */
  commit: string;
  /** Policy team → members from GitHub teams. */
  members: Map<string, string[]>;
  /** The plan digest the report comment showed reviewers for this proposal, when it carried a plan. */
  reviewedPlanHash?: string;
  /** How far the pull request's commit dates are believed as notice (GitHub reports when it was opened). */
  notice?: PullRequestNotice;
  /** Runs `apply` holding the proposal's locks; releases them however it ends. */
  withLocks<T>(run: () => Promise<T>): Promise<T>;
  /**
   * Saves, then posts the apply comment, the commit status and, for emergencies, the label; returns
   * the comment link. `report` is the proposal's validation at apply time (window, retrospective).
   */
  record(
    result: ApplyResult,
    options: { runDirectory: string; report?: ProposalReport },
  ): Promise<string | undefined>;
}

/**
 * Checks the pull request before anything runs: the local checkout is the approved commit (or, after
 * merge, carries the same proposal file), the proposal was not applied yet; reads reviews, team
 * members and the reviewed digest.
 */
export async function preparePullRequestApply(options: PullRequestApplyOptions): Promise<PullRequestApply> {
  const { workspace, subject } = options;
  const connection = await connectGitHub({
    env: options.env,
    pullNumber: options.pullNumber,
    config: githubSettings(workspace),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const github = connection.github;
  const pull = await github.getPullRequest(options.pullNumber);
  checkDefaultBase(pull);
  await checkApprovedCommit(workspace, subject, pull);
  if (await github.getRef(appliedRef(subject))) {
    throw new NetchangeError('E_GATE', `${subject.proposal.id} was already applied`, {
      hint: `Delete ${appliedRef(subject)} on GitHub only if it must run again (with a new review).`,
    });
  }
  const session = {
    ...connection,
    target: { ...connection.target, pullNumber: pull.number, headSha: pull.headSha },
  };
  const inputs = await reviewInputs(session, {
    // why: after the merge, the base is the merge commit's first parent (main before the merge).
    staleApprovals: await staleApprovalsAllowed(workspace, async () => [
      ...(pull.mergeCommitSha ? [`${pull.mergeCommitSha}^1`] : []),
      ...(pull.baseRef ? [`origin/${pull.baseRef}`, pull.baseRef] : []),
    ]),
    changeControlPolicy: workspace.changeControlDocument?.value,
  });
  if (!pull.merged) await checkBeforeMerge(workspace, pull, inputs);
  const comment = await github.findComment(pull.number, REPORT_MARKER);
  const reviewedPlanHash = comment ? reviewedPlanHashOf(comment.body, subject.file) : undefined;
  if (!reviewedPlanHash) {
    options.warn?.(
      `the report comment on #${pull.number} shows no plan for ${subject.file}; the plan is not compared with a reviewed one`,
    );
  }
  const commit = workspace.git ? await workspace.git.resolveRef('HEAD') : pull.headSha;
  const notice = pull.createdAt
    ? { openedAt: pull.createdAt, ...(await baseCommit(workspace, pull)) }
    : undefined;

  return {
    pull,
    ...(notice ? { notice } : {}),
    approvals: inputs.approvals,
    commit: inputs.commit,
    members: inputs.members,
    ...(reviewedPlanHash ? { reviewedPlanHash } : {}),
    async withLocks(run) {
      return withLocks(
        github,
        subject,
        { holder: holderName(options.env), now: options.now(), commit: pull.headSha },
        run,
      );
    },
    async record(result, recordOptions) {
      const evidenceHead = await readHead(workspace.root, options.warn);
      return recordApply(connection, recordOptions.runDirectory, {
        ...(evidenceHead ? { evidenceHead } : {}),
        pull,
        subject,
        result,
        commit,
        approvals: inputs.approvals,
        now: options.now(),
        ...(recordOptions.report ? { report: recordOptions.report } : {}),
      });
    },
  };
}

/** The applied marker of a proposal. */
export function appliedRef(subject: ChangeSubject): string {
  return `${APPLIED_PREFIX}${refSafe(subject.proposal.id)}`;
}

async function checkApprovedCommit(
  workspace: Workspace,
  subject: ChangeSubject,
  pull: PullRequestInfo,
): Promise<void> {
  const git = workspace.git;
  if (!git)
    throw new NetchangeError('E_GATE', 'apply --pr needs the git checkout of the pull request', {
      hint: 'Run it in the repository checkout.',
    });
  const head = await git.resolveRef('HEAD');
  if (head === pull.headSha) return;
  if (pull.merged) {
    // why: after a merge the checkout is the merge commit; what was approved is the proposal file at
    // the pull request's head, so that file must be byte-identical here.
    const approved = await git.fileAt(pull.headSha, subject.file);
    const current = await git.fileAt('HEAD', subject.file);
    if (approved !== undefined && approved === current) return;
    throw new NetchangeError(
      'E_GATE',
      `${subject.file} differs from the approved commit ${pull.headSha.slice(0, 12)} of #${pull.number}`,
      {
        hint:
          approved === undefined
            ? 'The approved commit is not in this checkout: fetch it (actions/checkout with fetch-depth: 0).'
            : 'Someone changed the proposal after the review; open a new pull request for the change.',
      },
    );
  }
  throw new NetchangeError(
    'E_GATE',
    `the checkout (HEAD ${head.slice(0, 12)}) is not the approved head ${pull.headSha.slice(0, 12)} of #${pull.number}`,
    { hint: 'Check out the pull request head, or merge it first; apply only runs what was reviewed.' },
  );
}

/**
 * The pull request merges into the repository's default branch. why: the policy in force is the
 * default branch's; a branch anyone with write access can push (its own approval rules, its own
 * playbooks) would otherwise be the base an emergency apply is judged against.
 */
function checkDefaultBase(pull: PullRequestInfo): void {
  if (!pull.defaultBranch || !pull.baseRef || pull.baseRef === pull.defaultBranch) return;
  throw new NetchangeError(
    'E_GATE',
    `apply refused: #${pull.number} merges into ${pull.baseRef}, not the default branch ${pull.defaultBranch}, whose policy is in force`,
    { hint: `Open the change as a pull request against ${pull.defaultBranch}.` },
  );
}

/**
 * An apply before merge (the emergency workflow) runs the pull request's head, where everything the
 * pull request changes besides its proposal is not in force yet. Its policy files would judge its
 * own change (it could name its own approvers), and its code was reviewed by nobody trusted with
 * code. So a pull request that changes a policy file is refused until that change is merged, and one
 * that changes code needs a code reviewer's approval of the head commit, as plan does.
 */
async function checkBeforeMerge(
  workspace: Workspace,
  pull: PullRequestInfo,
  reviews: { reviewedCommits: Approval[]; members: Map<string, string[]> },
): Promise<void> {
  const git = workspace.git;
  if (!git) return;
  const base = await baseOf(workspace, pull);
  // why: the diff from the base as it is, not from where the branch forked: apply runs the head's
  // tree, and a branch forked from an older commit (or one that was in the base's history but never
  // its tip, such as a merged branch's own commits) carries code and policy the base no longer has.
  const isPolicy = policyFileMatcher([workspace.config, await configAt(workspace, base)]);
  const changed = (await git.changedFiles(base)).flatMap((entry) =>
    entry.previousPath ? [entry.previousPath, entry.path] : [entry.path],
  );
  const policy = [...new Set(changed.filter(isPolicy))].sort();
  if (policy.length > 0) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused: #${pull.number} is not merged and changes the policy (${policy.join(', ')}); before the merge the policy in force judges its change, so a pull request cannot bring its own rules`,
      {
        hint: 'Merge the policy change in a pull request of its own (its policy owners approve it), or apply this change after the merge. A branch behind its base differs by what the base changed since: rebase it.',
      },
    );
  }
  const trust = await checkCodeTrust(workspace, {
    base,
    approvals: reviews.reviewedCommits,
    commit: pull.headSha,
    members: reviews.members,
  });
  if (!trust.trusted) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused: #${pull.number} is not merged and its ${describeHeldCode(trust)}${trust.problem ? `, and ${trust.problem}` : ''}`,
      {
        hint: `A member of ${trust.reviewers.join(', ') || 'a codeReviewers team'} approves the head commit ${pull.headSha.slice(0, 12)} on GitHub; then run apply again. A branch behind its base differs by what the base changed since: rebase it.`,
      },
    );
  }
}

/** The pull request's base branch in this clone. */
async function baseOf(workspace: Workspace, pull: PullRequestInfo): Promise<string> {
  const found = await resolveBaseBranch(workspace, pull.baseRef);
  if (found) return found;
  throw new NetchangeError(
    'E_USAGE',
    `cannot find the base${pull.baseRef ? ` (${pull.baseRef})` : ''} of #${pull.number} in ${workspace.root}`,
    {
      hint: 'Fetch the base branch (actions/checkout with fetch-depth: 0): before the merge, apply checks what else the pull request changes.',
    },
  );
}

/**
 * The base as a commit, for the notice bound: main before the merge once merged (its first parent),
 * the base branch in this clone before. Nothing when neither is here: every commit is then the pull
 * request's own, the cautious reading.
 */
async function baseCommit(workspace: Workspace, pull: PullRequestInfo): Promise<{ base?: string }> {
  const base = pull.mergeCommitSha
    ? await workspace.git?.resolveRef(`${pull.mergeCommitSha}^1`).catch(() => undefined)
    : await resolveBaseBranch(workspace, pull.baseRef);
  return base ? { base } : {};
}

function holderName(env: NodeJS.ProcessEnv): string {
  const who = actingUser(env).name;
  return env.GITHUB_RUN_ID ? `${who} (workflow run ${env.GITHUB_RUN_ID})` : who;
}

interface RecordInput {
  pull: PullRequestInfo;
  subject: ChangeSubject;
  result: ApplyResult;
  commit: string;
  approvals: Approval[];
  report?: ProposalReport;
  now: Date;
  /** The evidence chain's head after this apply's record: published as an anchor. */
  evidenceHead?: ChainTip;
}

/** The evidence head to anchor in the comment; a failure to read it is a warning, never a lost comment. */
async function readHead(root: string, warn?: (message: string) => void): Promise<ChainTip | undefined> {
  const { readEvidenceHead } = await import('../audit/store.js');
  try {
    return await readEvidenceHead(root);
  } catch (error) {
    warn?.(
      `the apply comment carries no evidence anchor: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

async function recordApply(
  connection: GitHubConnection,
  runDirectory: string,
  input: RecordInput,
): Promise<string | undefined> {
  const { github, redactor, target } = connection;
  const body = redactor.redactText(renderApplyComment(input, target.runUrl));
  // why: nothing is lost: the comment is on disk before it is posted.
  await saveApplyComment(runDirectory, body);
  const applied = input.result.outcome === 'applied';
  try {
    // why: the applied marker first, so a failed post can never lead `apply --due` to run it twice.
    if (applied) await github.createRef(appliedRef(input.subject), input.pull.headSha);
    const posted = await github.createComment(input.pull.number, body);
    await github.createCommitStatus(input.commit, {
      state: applied ? 'success' : 'failure',
      context: APPLY_STATUS_CONTEXT,
      description: `${input.subject.proposal.id}: ${input.result.outcome}`,
      ...(target.runUrl ? { targetUrl: target.runUrl } : {}),
    });
    if (input.subject.proposal.type === 'emergency')
      await github.addLabels(input.pull.number, [RETROSPECTIVE_LABEL]);
    return posted.htmlUrl;
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_GITHUB') {
      throw new NetchangeError(
        'E_GITHUB',
        `${input.subject.proposal.id} was ${input.result.outcome}, but recording it on GitHub failed: ${error.message}`,
        {
          hint: `The apply comment is saved in ${path.join(runDirectory, 'github', 'apply-comment.md')}; post it by hand, result.json is beside it.`,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** Saves the apply comment next to result.json before it is posted. */
export async function saveApplyComment(runDirectory: string, body: string): Promise<void> {
  await mkdir(path.join(runDirectory, 'github'), { recursive: true });
  await writeFile(path.join(runDirectory, 'github', 'apply-comment.md'), body, { mode: 0o600 });
}

const OUTCOME_ICON: Record<string, string> = {
  applied: '✅',
  'rolled-back': '↩️',
  refused: '⛔',
  cancelled: '⏹️',
};

/** The apply comment: who applied what, when (local and UTC), in which window, with which approvals, diffs and verification. */
export function renderApplyComment(input: RecordInput, runUrl?: string): string {
  const { subject, result, pull } = input;
  const zone = subject.timezone;
  const approvals = input.approvals.length
    ? input.approvals
        .map((approval) => `@${approval.user}${approval.at ? ` (${approval.at})` : ''}`)
        .join(', ')
    : 'none';
  const windows = input.report?.windows;
  const rows: [string, string][] = [
    ['Proposal', `${subject.proposal.id} — ${subject.proposal.title} (\`${subject.file}\`)`],
    ['Outcome', `${result.outcome} — ${result.message}`],
    [
      'Applied by',
      `${result.actor ? `@${result.actor}` : 'unknown'}${runUrl ? ` · [workflow run](${runUrl})` : ''}`,
    ],
    [
      'Commit',
      `\`${input.commit}\`${input.commit !== pull.headSha ? ` (approved head \`${pull.headSha}\`)` : ''}`,
    ],
    ['Started', bothTimes(result.startedAt, zone)],
    ['Finished', bothTimes(result.finishedAt, zone)],
    ['Scheduled', formatSpanLocalAndUtc(subject.startMs, subject.endMs, zone)],
    [
      'Window',
      windows
        ? `${windows.open ? 'open' : 'closed'}${windows.overlapping.length ? ` (${windows.overlapping.join(', ')})` : ''}`
        : 'inside the scheduled interval',
    ],
    ['Approvals', approvals],
    [
      'Plan digest',
      `\`${result.plannedDigest ?? 'none'}\`${result.reviewedDigest ? ` (reviewed \`${result.reviewedDigest}\`)` : ''}`,
    ],
  ];
  const lines = [
    `### netchange apply: ${OUTCOME_ICON[result.outcome] ?? '❌'} ${subject.proposal.id} ${result.outcome}`,
    '',
    '| | |',
    '|---|---|',
    ...rows.map(([key, value]) => `| ${key} | ${value.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`),
    '',
    // why: near the top, so cutting a long comment at GitHub's limit never drops the anchor.
    ...(input.evidenceHead ? [anchorBlock(input.evidenceHead), ''] : []),
  ];
  if (subject.proposal.type === 'emergency') {
    lines.push(
      `> ⚠️ **Emergency change.** A retrospective review is due${input.report?.retrospectiveDue ? ` by ${bothTimes(input.report.retrospectiveDue, zone)}` : ''}; this pull request is labelled \`${RETROSPECTIVE_LABEL}\`.`,
      '',
    );
  }
  for (const [title, steps] of [
    ['Steps', result.steps],
    ['Verification', result.verification],
    ['Rollback', result.rollback],
  ] as const) {
    if (steps.length === 0) continue;
    lines.push(`#### ${title}`, '');
    for (const step of steps) {
      lines.push(
        `- ${step.index + 1}. ${step.name} (${step.kind}) — ${step.status}${step.message ? `: ${step.message}` : ''}`,
      );
      lines.push(...executorOfResult(step).applyDetails(step));
    }
    lines.push('');
  }
  // why: the run directory keeps the whole record.
  return truncateToLimit(
    lines.join('\n'),
    GITHUB_LIMITS.commentSection,
    "\n\n… (cut at GitHub's limit; result.json in the run directory has everything)\n",
    { markdown: true },
  );
}

function bothTimes(iso: string, zone: string): string {
  return formatLocalAndUtc(Temporal.Instant.from(iso).epochMilliseconds, zone);
}

/** A proposal `apply --due` should run now: merged, approved, window open now, not applied yet. */
export interface DueApplication {
  file: string;
  id: string;
  pullNumber: number;
  /** The pull request's head, the commit its approvals are for. */
  headSha: string;
}

/**
 * Proposals whose scheduled interval contains `now`, merged through a pull request, not yet applied.
 * The pull request is found from the last commit that touched the proposal file.
 */
export async function findDueApplications(options: {
  workspace: Workspace;
  subjects: readonly ChangeSubject[];
  env: NodeJS.ProcessEnv;
  now: Date;
  warn?: (message: string) => void;
}): Promise<DueApplication[]> {
  const nowMs = options.now.getTime();
  const candidates = options.subjects.filter((subject) => subject.startMs <= nowMs && nowMs < subject.endMs);
  if (candidates.length === 0) return [];
  const { github } = await connectGitHub({
    env: options.env,
    config: githubSettings(options.workspace),
    ...(options.warn ? { warn: options.warn } : {}),
  });
  const due: DueApplication[] = [];
  for (const subject of candidates) {
    if (await github.getRef(appliedRef(subject))) continue;
    const sha = await lastCommitTouching(options.workspace.root, subject.file);
    if (!sha) continue;
    const pull = (await github.pullRequestsForCommit(sha)).find((candidate) => candidate.merged);
    if (!pull) {
      options.warn?.(`${subject.file} is in its window but no merged pull request carries it; not applied`);
      continue;
    }
    due.push({ file: subject.file, id: subject.proposal.id, pullNumber: pull.number, headSha: pull.headSha });
  }
  return due;
}
