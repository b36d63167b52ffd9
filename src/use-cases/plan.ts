/**
 * `netchange plan`: the trust check (a pull request's changed code runs only once a code reviewer
 * approved it), every valid proposal's steps in check mode, plan.json and plan.md, and with
 * `github` the validation report and the plan published to the pull request.
 */
import path from 'node:path';
import { NO_CONFLICT_RULES } from '../conflicts/find.js';
import { type Shard, selectShard, stableHash } from '../conflicts/shard.js';
import { NetchangeError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import type { ChangeSubject } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { heldPlanMarkdown } from '../github/compose-report.js';
import { openPullRequestReport, type PullRequestReport } from '../github/report-pull-request.js';
import { type CodeTrust, checkCodeTrust, describeHeldCode } from '../pipeline/code-trust.js';
import { loadChangeSubjects } from '../pipeline/load-proposals.js';
import { type ResolvedConfig, resolveBaseBranch, type Workspace } from '../pipeline/workspace.js';
import type { Redactor } from '../redact/index.js';
import {
  createRunDirectory,
  executionSettings,
  type PlanDocument,
  type PlanShard,
  planProposals,
  type RunDirectory,
  renderPlanMarkdown,
} from '../runs/index.js';
import { readApprovalsFile } from './approvals.js';
import { checkPolicyFiles } from './check-policies.js';
import type { RunContext, UseCaseContext } from './context.js';
import { validateChanges } from './validate.js';
import { openRequestedWorkspace } from './workspace.js';

export interface PlanRequest {
  /** Proposal files or directories, relative to the context's `cwd`; none: every proposal. */
  paths: readonly string[];
  repo?: string;
  /** `--since REF`: the diff from REF is the pull request. */
  since?: string;
  /** `--approvals FILE` (with `since`): a code reviewer's approval lets changed code run. */
  approvalsFile?: string;
  concurrency?: number;
  outDir?: string;
  /** Publish the validation report and the plan to the pull request. */
  github?: boolean;
  pullNumber?: number;
  /** The instant the published validation report is evaluated at. */
  at: Date;
  /** `--shard K/N`: plan only this runner's part of the selection (docs/scale.md). */
  shard?: Shard;
}

/** One plan run, as the CLI renders it. */
export interface PlanRun {
  plan: PlanDocument;
  /** The run directory, absolute. */
  runDirectory: string;
  /** Errors of the proposals that were not planned (each fails the plan). */
  notPlanned: Finding[];
  /** The commit planned (the held message names it). */
  commit?: string;
  /** The line the pull-request publish printed (with `github`). */
  published?: string;
  redactor: Redactor;
}

export async function planChanges(request: PlanRequest, context: RunContext): Promise<PlanRun> {
  const workspace = await openRequestedWorkspace(request, context);
  // why: like validate and apply, plan refuses (exit 2) a policy it cannot read, before it asks
  // GitHub or runs a step. Only the policy files: a proposal outside its window or without its
  // approvals is still planned, so reviewers see its diffs before they approve it.
  await checkPolicyFiles(workspace, { at: request.at, env: context.env });
  // why: resolved while the proposals load; a repository without commits plans without one.
  const pendingCommit = workspace.git
    ? workspace.git.resolveRef('HEAD').catch(() => undefined)
    : Promise.resolve(undefined);
  // why: plan.json records the base it planned from, so `comment --from` reports the same selection.
  // A --since that does not resolve fails when the proposals load, with its own message.
  const pendingSince =
    request.since && workspace.git
      ? workspace.git.resolveRef(request.since).catch(() => undefined)
      : Promise.resolve(undefined);
  // why: on GitHub the reviews decide whether changed code may run, so they are read before planning.
  const pullRequest = request.github ? await openPullRequestReport({ ...context, ...request }) : undefined;
  const trust = await checkTrust(workspace, request, context, pullRequest, pendingCommit);
  const settings = executionSettings(withSecretsOf(workspace.config, trust?.baseSecretEnv), context.env);
  const newRunDirectory = () =>
    createRunDirectory({
      repoRoot: workspace.root,
      runsPath: workspace.config.paths.runs,
      cwd: context.cwd,
      at: context.clock.now(),
      redactor: settings.redactor,
      ...(request.outDir ? { outDir: request.outDir } : {}),
    });
  if (trust && !trust.trusted) {
    // why: before the proposals load: loading reads the pull request's inventories too.
    const commit = await pendingCommit;
    const runDirectory = await newRunDirectory();
    const plan = await holdPlan(trust, runDirectory, context, {
      commit,
      since: await pendingSince,
      shard: request.shard,
    });
    return {
      plan,
      runDirectory: runDirectory.path,
      notPlanned: [],
      ...(commit ? { commit } : {}),
      // why: held or not, a shard posts nothing; `comment --from DIR...` publishes the whole, once.
      ...(pullRequest && !request.shard
        ? { published: await publishPlan(request, context, pullRequest, plan, runDirectory.path) }
        : {}),
      redactor: settings.redactor,
    };
  }
  const loaded = await loadChangeSubjects(workspace, {
    ...(request.paths.length > 0 ? { paths: request.paths } : {}),
    ...(request.since ? { since: request.since } : {}),
  });
  // why: a proposal with errors (schema, missing playbook, bad limit) is not run; it fails the plan.
  const broken = loaded.proposals.filter((proposal) =>
    proposal.findings.some((finding) => finding.severity === 'error'),
  );
  const brokenFiles = new Set(broken.map((proposal) => proposal.file));
  const selected = request.shard
    ? await shardOfSelection(workspace, loaded.subjects, loaded.proposals, request.shard)
    : undefined;
  const targets = loaded.subjects.filter(
    (subject) => !brokenFiles.has(subject.file) && (!selected || selected.files.has(subject.file)),
  );

  const runDirectory = await newRunDirectory();
  const commit = await pendingCommit;
  const since = await pendingSince;
  const plan = await planProposals(targets, {
    repoRoot: workspace.root,
    redactor: settings.redactor,
    concurrency: request.concurrency ?? settings.concurrency,
    timeoutMs: settings.timeoutMs,
    killGraceMs: settings.killGraceMs,
    commands: settings.commands,
    signal: context.signal,
    runDirectory,
    progress: context.progress,
    version: context.version,
    now: () => context.clock.now(),
    ...(commit ? { commit } : {}),
    ...(since ? { since } : {}),
    ...(selected ? { shard: selected.shard } : {}),
  });
  return {
    plan,
    runDirectory: runDirectory.path,
    notPlanned: broken
      .filter((proposal) => !selected || selected.files.has(proposal.file))
      .flatMap((proposal) => proposal.findings.filter((finding) => finding.severity === 'error')),
    ...(commit ? { commit } : {}),
    // why: a shard plans part of the pull request; `comment --from DIR...` publishes the whole, once.
    ...(pullRequest && !request.shard
      ? { published: await publishPlan(request, context, pullRequest, plan, runDirectory.path) }
      : {}),
    redactor: settings.redactor,
  };
}

/**
 * Whether the pull request's changed code may run. No pull request (no `since`, no `github`):
 * undefined, plan runs the operator's own tree. The base is `since`, else the pull request's base.
 */
async function checkTrust(
  workspace: Workspace,
  request: PlanRequest,
  context: UseCaseContext,
  pullRequest: PullRequestReport | undefined,
  pendingCommit: Promise<string | undefined>,
): Promise<CodeTrust | undefined> {
  const base =
    request.since ?? (pullRequest ? await pullRequestBase(workspace, context, pullRequest) : undefined);
  if (!base) return undefined;
  if (pullRequest) await checkReviewedCheckout(workspace, pullRequest, await pendingCommit, base);
  // why: the guard refuses an approvals file the pull request edits: it cannot approve its own code.
  const approvals = pullRequest
    ? pullRequest.reviewedCommits
    : request.approvalsFile
      ? await readApprovalsFile(context.cwd, request.approvalsFile, { workspace, base })
      : [];
  const commit = pullRequest?.commit ?? (await pendingCommit);
  return checkCodeTrust(workspace, {
    base,
    approvals,
    ...(commit ? { commit } : {}),
    ...(pullRequest ? { members: pullRequest.members } : {}),
  });
}

/**
 * The configuration with the base's secret names added. why: the pull request's netchange.yaml is
 * what it says, so one that drops SNMP_COMMUNITY from secrets.env would have the community shown in
 * the plan's diffs, which go on the pull request.
 */
function withSecretsOf(config: ResolvedConfig, baseSecretEnv: readonly string[] = []): ResolvedConfig {
  const env = [...new Set([...config.secrets.env, ...baseSecretEnv])];
  return { ...config, secrets: { ...config.secrets, env } };
}

/**
 * This shard's files among the selection (every shard computes the same split, from the same
 * redundancy groups), and what plan.json records so a merge can check the shards add up.
 */
async function shardOfSelection(
  workspace: Workspace,
  subjects: readonly ChangeSubject[],
  proposals: readonly { file: string }[],
  shard: Shard,
): Promise<{ files: Set<string>; shard: PlanShard }> {
  const { compileConflictRules } = await import('../control/conflict-rules.js');
  const rules =
    (workspace.changeControlDocument && compileConflictRules(workspace.changeControlDocument).rules) ||
    NO_CONFLICT_RULES;
  const files = new Set(selectShard(subjects, shard, rules).map((subject) => subject.file));
  const subjectFiles = new Set(subjects.map((subject) => subject.file));
  // why: a proposal that did not load has no devices; it goes by its file, like any lone proposal.
  for (const proposal of proposals) {
    if (!subjectFiles.has(proposal.file) && (stableHash(proposal.file) % shard.count) + 1 === shard.index)
      files.add(proposal.file);
  }
  const selected = [...new Set(proposals.map((proposal) => proposal.file))].sort();
  return { files, shard: { index: shard.index, count: shard.count, selected, part: [...files].sort() } };
}

/** The pull request's base branch as a local ref (origin/<base>, else <base>). */
async function pullRequestBase(
  workspace: Workspace,
  context: UseCaseContext,
  pullRequest: PullRequestReport,
): Promise<string> {
  const baseRef = context.env.GITHUB_BASE_REF || (await pullRequest.baseRef());
  const found = await resolveBaseBranch(workspace, baseRef);
  if (found) return found;
  throw usageError(
    `cannot find the pull request's base${baseRef ? ` (${baseRef})` : ''} in ${workspace.root}`,
    'Fetch the base branch (actions/checkout with fetch-depth: 0), or pass --since REF.',
  );
}

/**
 * The reviews count for the pull request's head commit, so plan runs that commit: the head itself, or
 * GitHub's merge ref (a merge of the head into the base, whose code is in force). why: a workflow
 * that checks out the branch by name gets a push made after the run started, and would run it under
 * approvals given to the commit before; a merge of the head into anything but the base would bring
 * in code nobody approved.
 */
async function checkReviewedCheckout(
  workspace: Workspace,
  pullRequest: PullRequestReport,
  checkout: string | undefined,
  base: string,
): Promise<void> {
  const git = workspace.git;
  if (!git || !checkout || checkout === pullRequest.commit) return;
  const [merged, mergedInto, baseCommit] = await Promise.all(
    ['HEAD^2', 'HEAD^1', base].map((ref) => git.resolveRef(ref).catch(() => undefined)),
  );
  if (merged === pullRequest.commit && mergedInto !== undefined && mergedInto === baseCommit) return;
  throw new NetchangeError(
    'E_GATE',
    `the checkout (HEAD ${checkout.slice(0, 12)}) is not the pull request's head ${pullRequest.commit.slice(0, 12)}, which the reviews are for`,
    {
      hint: `Check out the head the event names (actions/checkout with ref: ${pullRequest.commit}, in a workflow github.event.pull_request.head.sha), as the netchange templates do.`,
    },
  );
}

/**
 * Plans nothing: writes why (the changed code awaits a code review) as plan.json and plan.md. A
 * shard records which one it is, so a merge of the shards names a held shard that went missing.
 */
async function holdPlan(
  trust: CodeTrust,
  runDirectory: RunDirectory,
  context: UseCaseContext,
  run: { commit: string | undefined; since: string | undefined; shard: Shard | undefined },
): Promise<PlanDocument> {
  const { commit, since, shard } = run;
  const held = {
    reason: trust.problem ? `${describeHeldCode(trust)}, and ${trust.problem}` : describeHeldCode(trust),
    files: trust.files,
    reviewers: trust.reviewers,
  };
  const plan: PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: context.version },
    createdAt: toRfc3339Utc(context.clock.now().getTime()),
    ...(commit ? { commit } : {}),
    ...(since ? { since } : {}),
    status: 'held',
    proposals: [],
    held,
    // why: `selected` stays empty: a held plan loads no proposal (loading reads the pull request's
    // inventories), and with nothing planned there is nothing a merge could find missing.
    ...(shard ? { shard: { index: shard.index, count: shard.count, selected: [], part: [] } } : {}),
    summary: { proposals: 0, planned: 0, failed: 0, errors: 0, cancelled: 0, changed: 0 },
  };
  await runDirectory.writeJson('plan.json', plan);
  await runDirectory.writeText('plan.md', heldPlanMarkdown(held));
  return plan;
}

/** The plan's markdown as plan.md and the pull request show it. */
function planMarkdown(plan: PlanDocument, artifacts: string): string {
  return plan.held ? heldPlanMarkdown(plan.held) : renderPlanMarkdown(plan, { artifacts });
}

/** `github`: the validation report (approvals from reviews) and this plan, as one comment and check run. */
async function publishPlan(
  request: PlanRequest,
  context: UseCaseContext,
  pullRequest: PullRequestReport,
  plan: PlanDocument,
  runDirectory: string,
): Promise<string> {
  const report = await validateChanges({
    cwd: context.cwd,
    env: context.env,
    at: request.at,
    version: context.version,
    approvals: pullRequest.approvals,
    members: pullRequest.members,
    pullRequestBase: await pullRequest.policyBase(),
    ...(pullRequest.commit ? { commit: pullRequest.commit } : {}),
    ...(request.repo ? { repo: request.repo } : {}),
    ...(request.paths.length > 0 ? { paths: request.paths } : {}),
    ...(request.since ? { since: request.since } : {}),
  });
  return pullRequest.publish({
    report,
    plan,
    planMarkdown: planMarkdown(plan, path.relative(context.cwd, runDirectory) || '.'),
    runDirectory,
  });
}
