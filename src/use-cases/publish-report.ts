/**
 * `netchange comment`: validate the pull request's head with the approvals its reviews give, add the
 * plan of a run directory when there is one, and publish the report comment and check run; or, with
 * `dryRun`, compose the same comment locally without GitHub.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { composeReport, heldPlanMarkdown } from '../github/compose-report.js';
import { hasUnsentReport, openGitHubSession, resendReport, savedTarget } from '../github/publish.js';
import {
  type CommentOutcome,
  openReviewSession,
  reportOrigin,
  reportToPullRequest,
} from '../github/report-pull-request.js';
import type { Redactor } from '../redact/index.js';
import {
  createRunDirectory,
  openRunDirectory,
  type PlanDocument,
  readRunPlan,
  renderPlanMarkdown,
} from '../runs/index.js';
import { mergeShardPlans } from '../runs/merge-plans.js';
import type { UseCaseContext } from './context.js';
import { validateChanges } from './validate.js';

export interface CommentRequest {
  repo?: string;
  /** `--pr N`; default: the Actions event's pull request. */
  pullNumber?: number;
  /** `--from DIR`: a run directory (re-send its saved report, or add its plan). */
  from?: string;
  /**
   * `--from DIR DIR...`: the run directories of every shard of one plan; their plans are merged
   * into one (written to a new `-merged` run directory) and reported as one comment and check run.
   */
  shards?: readonly string[];
  /** The instant validation is evaluated at. */
  at: Date;
}

/** `netchange comment`: re-sends a saved report, or validates the pull request and publishes it. */
export async function commentOnPullRequest(
  request: CommentRequest,
  context: UseCaseContext,
): Promise<CommentOutcome> {
  const options = { ...request, ...context };
  const from = options.from ? path.resolve(options.cwd, options.from) : undefined;
  if (from && options.from) await checkRunDirectory(options.from, from);
  if (from && !existsSync(from)) {
    // why: in a workflow the plan step may have failed before writing anything; the pull request
    // still gets its validation report (and the run directory is created for what is posted).
    options.warn(
      `${options.from} does not exist (did the plan step fail?); reporting validation without a plan`,
    );
    await mkdir(from, { recursive: true });
  }
  if (from && hasUnsentReport(from)) {
    // why: a post that failed left its report behind; send exactly that, without evaluating again.
    const saved = await savedTarget(from);
    const session = await openGitHubSession({
      env: options.env,
      warn: options.warn,
      ...((options.pullNumber ?? saved?.pullNumber)
        ? { pullNumber: options.pullNumber ?? saved?.pullNumber }
        : {}),
      ...(saved ? { savedRepository: saved.repository } : {}),
    });
    const result = await resendReport(session, from);
    return {
      ...result,
      pullNumber: session.target.pullNumber,
      repository: session.target.repository,
      stale: [],
      resent: true,
    };
  }

  const { workspace, session, inputs } = await openReviewSession(options);
  const report = await validateChanges({
    cwd: options.cwd,
    env: options.env,
    ...(options.repo ? { repo: options.repo } : {}),
    at: options.at,
    version: options.version,
    approvals: inputs.approvals,
    commit: inputs.commit,
    members: inputs.members,
  });
  const shards = options.shards;
  const runDirectory =
    // why: named by when the run happened, not by --at (the instant evaluated): two runs never share one.
    from ??
    (
      await createRunDirectory({
        repoRoot: workspace.root,
        runsPath: workspace.config.paths.runs,
        cwd: context.cwd,
        at: context.clock.now(),
        redactor: session.redactor,
        label: shards ? 'merged' : 'comment',
      })
    ).path;
  if (shards) await writeMergedPlan(shards, runDirectory, context, session.redactor);
  const plan = await readRunPlan(runDirectory);
  // why: with --from a plan was expected; never show an older plan in its place.
  const result = await reportToPullRequest(session, {
    report,
    runDirectory,
    keepPlan: from === undefined && shards === undefined,
    repoRoot: workspace.root,
    env: context.env,
    ...plan,
  });
  return {
    ...result,
    pullNumber: session.target.pullNumber,
    repository: session.target.repository,
    stale: inputs.stale,
    resent: false,
  };
}

/** Reads every shard's run directory: the merged plan, its markdown (what does not add up first). */
async function mergeRunDirectories(
  shards: readonly string[],
  context: UseCaseContext,
  artifacts: string,
): Promise<{ plan: PlanDocument; planMarkdown: string }> {
  const runs = await Promise.all(
    shards.map(async (directory) => {
      const absolute = path.resolve(context.cwd, directory);
      const { plan } = existsSync(absolute) ? await readRunPlan(absolute) : {};
      return { directory, ...(plan ? { plan } : {}) };
    }),
  );
  const { plan, problems } = mergeShardPlans(runs, context.version);
  for (const problem of problems) context.warn(problem);
  const problemLines = problems.map((problem) => `- ❌ ${problem}`);
  const planMarkdown = [
    ...(problems.length > 0 ? ['**The shards do not add up:**', '', ...problemLines, ''] : []),
    plan.held ? heldPlanMarkdown(plan.held) : renderPlanMarkdown(plan, { artifacts }),
    '',
    `Merged from ${shards.length} shards.`,
    '',
  ].join('\n');
  return { plan, planMarkdown };
}

/** Writes the shards' merged plan.json and plan.md into `runDirectory`. */
async function writeMergedPlan(
  shards: readonly string[],
  runDirectory: string,
  context: UseCaseContext,
  redactor: Redactor,
): Promise<void> {
  const merged = await mergeRunDirectories(shards, context, path.relative(context.cwd, runDirectory) || '.');
  const target = await openRunDirectory(runDirectory, redactor);
  await target.writeJson('plan.json', merged.plan);
  await target.writeText('plan.md', merged.planMarkdown);
}

export interface PreviewRequest {
  repo?: string;
  at: Date;
  /** `--approvals FILE`: approvals to evaluate with, instead of the reviews. */
  approvalsFile?: string;
  /** `--from DIR`: the run directory whose plan.json / plan.md the comment shows. */
  from?: string;
  /** `--from DIR DIR...`: the shards' run directories, merged in memory. */
  shards?: readonly string[];
}

/**
 * The report comment exactly as `netchange comment` would post it, without GitHub: the same
 * composition (size limit, plan section, conclusion), for reviewing locally and for the demo.
 */
export async function previewComment(
  request: PreviewRequest,
  context: UseCaseContext,
): Promise<{ comment: string; conclusion: string; title: string }> {
  const report = await validateChanges({
    cwd: context.cwd,
    env: context.env,
    at: request.at,
    version: context.version,
    ...(request.repo ? { repo: request.repo } : {}),
    ...(request.approvalsFile ? { approvalsFile: request.approvalsFile } : {}),
  });
  const directory = request.from;
  if (directory && !existsSync(directory)) {
    throw usageError(`--from ${directory} does not exist`, 'Name the --out-dir of a `netchange plan` run.');
  }
  if (directory) await checkRunDirectory(directory, path.resolve(context.cwd, directory));
  const planned = request.shards
    ? await mergeRunDirectories(request.shards, context, '.')
    : directory
      ? await readRunPlan(directory)
      : {};
  const composed = composeReport({
    report,
    ...planned,
    // why: the environment is read here, not in the composer: in CI the footer links the run.
    origin: reportOrigin({
      env: context.env,
      repoRoot: path.resolve(context.cwd, request.repo ?? '.'),
      ...(directory ? { runDirectory: path.resolve(context.cwd, directory) } : {}),
    }),
  });
  return {
    comment: composed.comment,
    conclusion: composed.check.conclusion,
    title: composed.check.output.title,
  };
}

/**
 * Refuses a `--from` that holds other things but nothing a run writes: not a run directory
 * (`--from changes`), and the report would be written into it. An empty or missing one is a plan
 * step that failed early, which the caller handles.
 */
async function checkRunDirectory(shown: string, absolute: string): Promise<void> {
  const found = await stat(absolute).catch(() => undefined);
  if (!found) return;
  const hint = 'Name the --out-dir of a `netchange plan` run, or a run directory under .netchange/runs/.';
  if (!found.isDirectory()) throw usageError(`--from ${shown} is a file, not a run directory`, hint);
  const entries = await readdir(absolute);
  // why: a plan that failed part way leaves its step logs without a plan.json; that is a run directory.
  const artifacts = ['plan.json', 'plan.md', 'github', 'logs', 'result.json'];
  if (entries.length === 0 || artifacts.some((entry) => entries.includes(entry))) return;
  throw usageError(
    `--from ${shown} is not a run directory: it holds no plan, step log or saved report`,
    hint,
  );
}
