/**
 * `netchange apply PATH`: the gate (validation now, approvals required), the preconditions (a
 * committed tree, not applied yet), locks, the run itself (runs/apply-proposal.ts) and its evidence.
 * Returns what happened as data; the CLI renders it and maps the outcome to an exit code.
 */
import os from 'node:os';
import path from 'node:path';
import { refreshEvidence } from '../audit/cli-support.js';
import type { ApplyEvidenceContext } from '../audit/index.js';
import {
  EVIDENCE_REF,
  evidenceFromReport,
  readEvidence,
  recordApplyResult,
  recordApplyStarted,
} from '../audit/index.js';
import { actingUser } from '../core/acting-user.js';
import { NetchangeError, usageError } from '../core/errors.js';
import type { Approval, ChangeSubject, ProposalReport } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { applyGateVerdict } from '../gate/index.js';
import type { PullRequestApply } from '../github/apply-gate.js';
import { createGitLockRefs, withLocks } from '../locks/index.js';
import { LOCK_PREFIX, lockNames, readLease } from '../locks/locks.js';
import { loadChangeSubjects, policyDataFiles } from '../pipeline/load-proposals.js';
import { validateWorkspace } from '../pipeline/validate.js';
import type { Workspace } from '../pipeline/workspace.js';
import type { Redactor } from '../redact/index.js';
import { refusalHint, slotReason } from '../runs/apply-proposal.js';
import {
  type ApplyResult,
  applyProposal,
  checkCommittedTree,
  checkNotAppliedYet,
  createRunDirectory,
  executionSettings,
  type GateVerdict,
  type PreviousApply,
  readReviewedPlanHash,
} from '../runs/index.js';
import { readApprovalsFile } from './approvals.js';
import type { RunContext, UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface ApplyRequest {
  /** The proposal file, relative to the context's `cwd`. */
  proposalPath: string;
  repo?: string;
  /** `--approvals FILE`. */
  approvalsFile?: string;
  /** `--reviewed-plan FILE`: the plan.json the reviewers approved. */
  reviewedPlan?: string;
  /** `--out-dir DIR`. */
  outDir?: string;
  /** `--pr N`: approvals, the reviewed digest and locks come from the pull request. */
  pullNumber?: number;
  /** `--reapply REASON`. */
  reapply?: string;
  /** `--at ISO` (with `--dry-run` only): the instant the rehearsal judges the gate at. */
  at?: Date;
}

/** What apply needs from its caller. */
export type ApplyContext = RunContext;

/** One apply, as the CLI renders it. */
export interface ApplyRun {
  result: ApplyResult;
  /** The run directory, absolute. */
  runDirectory: string;
  /** The evidence record written, when it could be. */
  evidence?: { sequence: number; ref: string };
  /** The apply comment's link on the pull request (with --pr). */
  posted?: string;
  /** The run's redactor: the CLI's last pass over what it prints. */
  redactor: Redactor;
}

/** What the gate needs, prepared once: shared by a real apply and its rehearsal (`--dry-run`). */
interface PreparedApply {
  workspace: Workspace;
  subject: ChangeSubject;
  settings: ReturnType<typeof executionSettings>;
  headCommit: string;
  commit: string;
  approvals: Approval[];
  reviewedPlanHash?: string;
  pullRequest?: PullRequestApply;
  /** Validation of the proposal as of `at`, judged for apply. */
  gate(at: Date): Promise<ReturnType<typeof applyGateVerdict>>;
}

async function prepareApply(
  request: ApplyRequest,
  context: UseCaseContext,
  preconditions: 'throw' | ((reason: string) => void),
): Promise<PreparedApply> {
  const workspace = await openRequestedWorkspace(request, context);
  // why: without a change-control policy nothing says who approves; apply never runs ungated.
  if (!workspace.changeControlDocument) {
    throw new NetchangeError(
      'E_GATE',
      `apply refused: there is no change-control policy (${workspace.config.paths.changeControl}), so nothing gates this change`,
      {
        hint: 'Write the policy (netchange init creates one), or point paths.changeControl in netchange.yaml at it.',
      },
    );
  }
  const subject = await loadOneSubject(workspace, request.proposalPath);
  const settings = executionSettings(workspace.config, context.env);
  // why: a rehearsal reports an unmet precondition as one more reason; a real apply stops at it.
  const check = async <T>(step: () => Promise<T>, fallback: T): Promise<T> => {
    if (preconditions === 'throw') return step();
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof NetchangeError) || error.code !== 'E_GATE') throw error;
      preconditions(error.message.replace(/^apply refused(?: for \S+)?: /, ''));
      return fallback;
    }
  };
  // why: checked before anything else runs: a refusal here leaves nothing behind.
  const headCommit = await check(
    () =>
      checkCommittedTree({
        git: workspace.git,
        subject,
        policyFiles: [...policyDataFiles([workspace.config])],
      }),
    '',
  );
  let approvals: Approval[] = request.approvalsFile
    ? await readApprovalsFile(context.cwd, request.approvalsFile)
    : [];
  let reviewedPlanHash = request.reviewedPlan
    ? await readReviewedPlanHash(
        path.resolve(context.cwd, request.reviewedPlan),
        request.reviewedPlan,
        subject,
      )
    : undefined;
  let commit = headCommit || ((await workspace.git?.resolveRef('HEAD').catch(() => '')) ?? '');

  // why: with --pr, GitHub supplies approvals, the approved commit, the reviewed digest and locks (src/github/apply-gate.ts).
  const pullRequest =
    request.pullNumber !== undefined
      ? await (await import('../github/apply-gate.js')).preparePullRequestApply({
          workspace,
          subject,
          pullNumber: request.pullNumber,
          env: context.env,
          now: () => context.clock.now(),
          warn: context.warn,
        })
      : undefined;
  if (pullRequest) {
    approvals = pullRequest.approvals;
    commit = pullRequest.commit ?? commit;
    reviewedPlanHash ??= pullRequest.reviewedPlanHash;
  }
  await check(
    () =>
      checkNotAppliedYet({
        subject,
        commits: [...new Set([headCommit, commit].filter(Boolean))],
        ...(request.reapply !== undefined ? { reapply: request.reapply } : {}),
        previousApplies: (id, commits) => previousApplies(workspace.root, id, commits, context.warn),
      }),
    undefined,
  );

  const gate = async (at: Date) => {
    const report = await validateWorkspace(workspace, {
      at,
      version: context.version,
      approvals,
      paths: [request.proposalPath],
      requireApprovals: true,
      purpose: 'apply',
      env: context.env,
      leadTimeFromCommit: true,
      ...(pullRequest?.notice ? { pullRequestNotice: pullRequest.notice } : {}),
      ...(commit ? { commit } : {}),
      ...(pullRequest ? { members: pullRequest.members } : {}),
    });
    // why: the refusal reasons come from the gate's stages; apply knows none of them.
    return applyGateVerdict(report, subject.file);
  };
  return {
    workspace,
    subject,
    settings,
    headCommit,
    commit,
    approvals,
    ...(reviewedPlanHash ? { reviewedPlanHash } : {}),
    ...(pullRequest ? { pullRequest } : {}),
    gate,
  };
}

/** `apply --dry-run [--at ISO]`: the whole gate's verdict, with nothing run, locked or recorded. */
export interface ApplyRehearsal {
  id: string;
  file: string;
  /** The instant the gate was judged at (RFC 3339 UTC). */
  at: string;
  /** The zone the proposal's times are shown in. */
  timezone: string;
  /** True when a real apply at `at` would pass the gate and start running. */
  wouldRun: boolean;
  /** Every unmet condition, in plain words; empty when it would run. */
  reasons: string[];
  /** What to do about them. */
  hint?: string;
  /** The locks a real apply would take, and who holds one now. */
  locks: { name: string; heldBy?: string }[];
  /** The commit approvals are judged for. */
  commit: string;
  /** The reviewed plan digest a real apply would compare its new plan with, when one is known. */
  reviewedPlanHash?: string;
  /** Where approvals came from. */
  approvalsFrom: 'pull-request' | 'file' | 'none';
}

/**
 * Rehearses an apply at `request.at` (default now): validation, approvals, the window and the slot,
 * whether it already applied, the locks it would take (and whether one is held now), and which
 * reviewed plan it would be held to. Runs no tool, takes no lock, writes no run directory or evidence.
 */
export async function rehearseApply(request: ApplyRequest, context: UseCaseContext): Promise<ApplyRehearsal> {
  const reasons: string[] = [];
  const prepared = await prepareApply(request, context, (reason) => reasons.push(reason));
  const at = request.at ?? context.clock.now();
  const verdict = await prepared.gate(at);
  reasons.push(...verdict.reasons);
  const slot = slotReason(prepared.subject, at.getTime());
  if (slot) reasons.push(slot);
  const refs = createGitLockRefs(prepared.workspace.root, context.clock);
  const locks: ApplyRehearsal['locks'] = [];
  for (const name of lockNames(prepared.subject)) {
    const lease = await readLease(refs, `${LOCK_PREFIX}${name}`).catch(() => undefined);
    // why: a lease past its expiry is taken over by the next apply; only a live one would refuse.
    const live = lease && Date.parse(lease.expiresAt) > context.clock.now().getTime();
    locks.push({ name, ...(live ? { heldBy: `${lease.holder} for ${lease.proposal}` } : {}) });
    if (live) reasons.push(`lock ${name} is held by ${lease.holder} for ${lease.proposal} now`);
  }
  return {
    id: prepared.subject.proposal.id,
    file: prepared.subject.file,
    at: toRfc3339Utc(at.getTime()),
    timezone: prepared.subject.timezone,
    wouldRun: reasons.length === 0,
    reasons,
    ...(reasons.length > 0 ? { hint: refusalHint(prepared.subject, reasons) } : {}),
    locks,
    commit: prepared.commit,
    ...(prepared.reviewedPlanHash ? { reviewedPlanHash: prepared.reviewedPlanHash } : {}),
    approvalsFrom: prepared.pullRequest ? 'pull-request' : request.approvalsFile ? 'file' : 'none',
  };
}

/** Applies one proposal through the gate; a refusal before anything ran throws E_GATE. */
export async function applyChange(request: ApplyRequest, context: ApplyContext): Promise<ApplyRun> {
  const {
    workspace,
    subject,
    settings,
    headCommit,
    commit,
    approvals,
    reviewedPlanHash,
    pullRequest,
    ...prepared
  } = await prepareApply(request, context, 'throw');
  const now = () => context.clock.now();

  let gateEntry: ProposalReport | undefined;
  const gate = async (): Promise<GateVerdict> => {
    const verdict = await prepared.gate(now());
    gateEntry = verdict.entry;
    return verdict;
  };

  const runDirectory = await createRunDirectory({
    repoRoot: workspace.root,
    runsPath: workspace.config.paths.runs,
    cwd: context.cwd,
    at: now(),
    redactor: settings.redactor,
    ...(request.outDir ? { outDir: request.outDir } : {}),
  });
  const actor = actingUser(context.env);
  // why: a function, because the gate fills in gateEntry only when applyProposal calls it.
  const evidenceContext = (): ApplyEvidenceContext => ({
    proposal: subject.proposal,
    timezone: subject.timezone,
    runDirectory: runDirectory.path,
    ...evidenceFromReport(gateEntry, approvals),
    actor,
    ...(request.pullNumber !== undefined ? { pullRequest: { number: request.pullNumber } } : {}),
    ...(request.reapply !== undefined ? { reapply: { reason: request.reapply } } : {}),
    redactor: settings.redactor,
    onWarning: context.warn,
  });
  // why: live holds watch the run: a maintenance silence while it runs, a new alert between steps stops it.
  const { createHoldWatch } = await import('../gate/stages/holds/watch.js');
  const watch = await createHoldWatch({
    workspace,
    subject,
    env: context.env,
    now,
    warn: context.warn,
    describeChange: () => ({
      ...(request.pullNumber !== undefined ? { pullRequest: request.pullNumber } : {}),
      approvers: [...new Set(evidenceFromReport(gateEntry, approvals).approvers.map((entry) => entry.user))],
    }),
  });
  const run = () =>
    applyProposal(subject, {
      repoRoot: workspace.root,
      redactor: settings.redactor,
      concurrency: 1,
      timeoutMs: settings.timeoutMs,
      killGraceMs: settings.killGraceMs,
      commands: settings.commands,
      signal: context.signal,
      runDirectory,
      progress: context.progress,
      version: context.version,
      gate,
      now,
      actor: actor.name,
      commit,
      ...(reviewedPlanHash ? { reviewedPlanHash } : {}),
      onStart: (started) => recordStarted(workspace.root, started, evidenceContext()),
      ...(watch ? { watch } : {}),
    });
  // why: the local locks keep two applies on this machine apart; --pr adds the ones across runners.
  const holder = `${actor.name}@${os.hostname()} (pid ${process.pid})`;
  const locked = () =>
    withLocks(
      createGitLockRefs(workspace.root, context.clock),
      subject,
      { holder, now: now(), commit: headCommit, store: 'local' },
      run,
    );
  const result = pullRequest ? await pullRequest.withLocks(locked) : await locked();

  const evidence = await recordEvidence(workspace.root, result, evidenceContext(), context.warn);
  const posted = pullRequest
    ? await pullRequest.record(result, {
        runDirectory: runDirectory.path,
        ...(gateEntry ? { report: gateEntry } : {}),
      })
    : undefined;
  return {
    result,
    runDirectory: runDirectory.path,
    ...(evidence ? { evidence: { sequence: evidence.sequence, ref: EVIDENCE_REF } } : {}),
    ...(posted ? { posted } : {}),
    redactor: settings.redactor,
  };
}

/** The one proposal apply runs; anything else is a usage error, an invalid proposal a refusal. */
async function loadOneSubject(workspace: Workspace, proposalPath: string): Promise<ChangeSubject> {
  const loaded = await loadChangeSubjects(workspace, { paths: [proposalPath] });
  if (loaded.proposals.length !== 1) {
    throw usageError(
      `apply takes one proposal file; '${proposalPath}' names ${loaded.proposals.length}`,
      'Name one file under changes/; apply --due runs every change that is due.',
    );
  }
  const subject = loaded.subjects[0];
  if (!subject) {
    const errors = loaded.findings.filter((finding) => finding.severity === 'error');
    throw new NetchangeError('E_GATE', `apply refused: ${proposalPath} is not a valid proposal`, {
      findings: errors,
    });
  }
  return subject;
}

/** Earlier applies of a proposal at any of the commits, from the evidence (fetched from origin first). */
export async function previousApplies(
  root: string,
  id: string,
  commits: readonly string[],
  warn: (message: string) => void,
): Promise<PreviousApply[]> {
  await refreshEvidence(root, warn);
  const wanted = new Set(commits);
  return (await readEvidence(root))
    .filter((record) => record.proposal.id === id && wanted.has(record.commit))
    .map((record) => ({
      sequence: record.sequence,
      commit: record.commit,
      outcome: record.outcome,
      finishedAt: record.finishedAt,
      actor: record.actor.name,
    }));
}

/**
 * Records that the change started, before its first step runs. Unlike the finished record, a
 * failure here stops the apply: a change that could leave no trace is not made.
 */
async function recordStarted(
  root: string,
  result: ApplyResult,
  context: ApplyEvidenceContext,
): Promise<void> {
  try {
    await recordApplyStarted(root, result, context);
  } catch (error) {
    throw new NetchangeError(
      'E_GIT',
      `apply stopped before its first step: the apply-started evidence record could not be written (${error instanceof Error ? error.message : String(error)})`,
      { hint: 'Nothing was changed. Check that the repository is writable, then run apply again.' },
    );
  }
}

/**
 * Writes the evidence record of an apply that ran (a refused apply changed nothing and records
 * nothing). A failure to record is reported, never hidden: the change itself already happened.
 */
async function recordEvidence(
  root: string,
  result: ApplyResult,
  context: ApplyEvidenceContext,
  warn: (message: string) => void,
) {
  try {
    return await recordApplyResult(root, result, context);
  } catch (error) {
    warn(
      `the evidence record could not be written (${error instanceof Error ? error.message : String(error)}); result.json in ${context.runDirectory} holds what was done`,
    );
    return undefined;
  }
}
