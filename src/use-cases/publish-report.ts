/**
 * `netchange comment`: validate the pull request's head with the approvals its reviews give, add the
 * plan of a run directory when there is one, and publish the report comment and check run; or, with
 * `dryRun`, compose the same comment locally without GitHub.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { composeReport, heldPlanMarkdown, planOfOtherCommit } from '../github/compose-report.js';
import { hasUnsentReport, openGitHubSession, resendReport, savedTarget } from '../github/publish.js';
import {
  type CommentOutcome,
  openReviewSession,
  reportOrigin,
  reportToPullRequest,
} from '../github/report-pull-request.js';
import type { Workspace } from '../pipeline/workspace.js';
import type { Redactor } from '../redact/index.js';
import {
  createRunDirectory,
  openRunDirectory,
  type PlanDocument,
  readRunPlan,
  renderPlanMarkdown,
} from '../runs/index.js';
import { mergeShardPlans, noPlanWasMade } from '../runs/merge-plans.js';
import { isOneWholePlan, readRunPlans } from '../runs/read-run-plans.js';
import type { UseCaseContext } from './context.js';
import { validateChanges } from './validate.js';
import { openRequestedWorkspace } from './workspace.js';

export interface CommentRequest {
  repo?: string;
  /** `--pr N`; default: the Actions event's pull request. */
  pullNumber?: number;
  /**
   * `--from DIR...`: run directories. One holding a whole plan is reported with that plan (or its
   * unsent report re-sent); anything else (several, one shard of a plan split in N > 1, one without
   * a readable plan) is merged into a new `-merged` run directory whose plan names what does not add up.
   */
  from?: readonly string[];
  /** `--since REF`: report the proposals changed from REF; default: the base the plans were made from. */
  since?: string;
  /**
   * `--out-dir DIR`: the run directory this comment writes (its plan, what was posted); default the
   * one `--from` directory holding a whole plan, else `<paths.runs>/<timestamp>-comment|merged`.
   */
  outDir?: string;
  /** The instant validation is evaluated at. */
  at: Date;
}

/** `netchange comment`: re-sends a saved report, or validates the pull request and publishes it. */
export async function commentOnPullRequest(
  request: CommentRequest,
  context: UseCaseContext,
): Promise<CommentOutcome> {
  const options = { ...request, ...context };
  const from = request.from ?? [];
  await checkRunDirectories(from, context.cwd);
  const only = from.length === 1 ? path.resolve(context.cwd, from[0] as string) : undefined;
  // why: a post that failed left its report behind; send exactly that, without evaluating again.
  if (only && hasUnsentReport(only)) return resendSavedReport(only, options);

  const { workspace, session, inputs, policyBase } = await openReviewSession(options);
  const planned =
    from.length > 0 ? await planOfRunDirectories(from, context, session.target.fromFork) : undefined;
  const since = request.since ?? (await baseOfPlans(workspace, planned));
  warnOfOtherCommit(planned, inputs.commit, context);
  const report = await validateChanges({
    cwd: options.cwd,
    env: options.env,
    ...(options.repo ? { repo: options.repo } : {}),
    at: options.at,
    version: options.version,
    approvals: inputs.approvals,
    commit: inputs.commit,
    members: inputs.members,
    pullRequestBase: await policyBase(),
    ...(since ? { since } : {}),
  });
  const runDirectory =
    (request.outDir ? undefined : planned?.directory) ??
    // why: named by when the run happened, not by --at (the instant evaluated): two runs never share one.
    (
      await createRunDirectory({
        repoRoot: workspace.root,
        runsPath: workspace.config.paths.runs,
        cwd: context.cwd,
        ...(request.outDir ? { outDir: request.outDir } : {}),
        at: context.clock.now(),
        redactor: session.redactor,
        label: planned ? 'merged' : 'comment',
      })
    ).path;
  if (planned && runDirectory !== planned.directory)
    await writeMergedPlan(planned, from.length, runDirectory, context, session.redactor);
  const plan = planned ? await readRunPlan(runDirectory) : {};
  const result = await reportToPullRequest(session, {
    report,
    runDirectory,
    // why: with --from a plan was expected; never show an older plan in its place.
    keepPlan: from.length === 0,
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

/** Sends the report a failed post saved in `runDirectory`, to the pull request it was for. */
async function resendSavedReport(
  runDirectory: string,
  options: CommentRequest & UseCaseContext,
): Promise<CommentOutcome> {
  const saved = await savedTarget(runDirectory);
  const pullNumber = options.pullNumber ?? saved?.pullNumber;
  const session = await openGitHubSession({
    env: options.env,
    warn: options.warn,
    ...(pullNumber ? { pullNumber } : {}),
    ...(saved ? { savedRepository: saved.repository } : {}),
  });
  const result = await resendReport(session, runDirectory);
  return {
    ...result,
    pullNumber: session.target.pullNumber,
    repository: session.target.repository,
    stale: [],
    resent: true,
  };
}

/** The plan `--from` gives the report: one directory's whole plan as it is, or the merge of all. */
interface PlanFromRuns {
  plan: PlanDocument;
  planMarkdown?: string;
  /** The directory holding the whole plan; undefined when the plan is a merge. */
  directory?: string;
}

/**
 * Reads the `--from` directories and decides, in one place for the post and the dry run, whether
 * they hold one whole plan or must be merged; the merge's problems are warned on stderr too.
 */
async function planOfRunDirectories(
  directories: readonly string[],
  context: UseCaseContext,
  fromFork: boolean | undefined,
): Promise<PlanFromRuns> {
  const runs = await readRunPlans(directories, { cwd: context.cwd, ...(fromFork ? { fromFork } : {}) });
  if (isOneWholePlan(runs)) {
    const [whole] = runs;
    return {
      plan: whole.plan,
      ...(whole.planMarkdown !== undefined ? { planMarkdown: whole.planMarkdown } : {}),
      directory: path.resolve(context.cwd, whole.directory),
    };
  }
  const { plan, problems } = mergeShardPlans(runs, context.version);
  for (const problem of problems) context.warn(problem);
  return { plan };
}

/**
 * The base the `--from` plans were made from (`plan --since`): the report covers the same
 * proposals. A base this clone lacks is a usage error naming where it came from, not a ref the user
 * never typed.
 */
async function baseOfPlans(
  workspace: Workspace,
  planned: PlanFromRuns | undefined,
): Promise<string | undefined> {
  const base = planned?.plan.since;
  if (!base || !workspace.git) return undefined;
  try {
    return await workspace.git.resolveRef(base);
  } catch {
    throw usageError(
      `the --from plans were made with plan --since ${base}, a commit this clone does not have`,
      'Fetch the base branch (actions/checkout with fetch-depth: 0), or pass --since REF to report the changes from REF.',
    );
  }
}

/** Says on stderr that the `--from` plan is of another commit than the one reported on. */
function warnOfOtherCommit(
  planned: PlanFromRuns | undefined,
  head: string | undefined,
  context: UseCaseContext,
): void {
  const other = planOfOtherCommit(planned?.plan, head);
  if (!other) return;
  context.warn(
    `the --from plan is of commit ${other.planned.slice(0, 12)}, not of the head ${other.head.slice(0, 12)}: the report fails its check until the head is planned`,
  );
}

/** The merged plan.md: what does not add up first, then the plan. */
function mergedPlanMarkdown(plan: PlanDocument, directories: number, artifacts: string): string {
  const problems = plan.problems ?? [];
  const heading = noPlanWasMade(plan) ? '**No plan was made:**' : '**The shards do not add up:**';
  return [
    ...(problems.length > 0 ? [heading, '', ...problems.map((problem) => `- ❌ ${problem}`), ''] : []),
    plan.held ? heldPlanMarkdown(plan.held) : renderPlanMarkdown(plan, { artifacts }),
    '',
    `Merged from ${directories} run director${directories === 1 ? 'y' : 'ies'}.`,
    '',
  ].join('\n');
}

/**
 * Writes the plan the report carries into `runDirectory` (redacted, as every run file): a whole
 * plan as it was, a merge with what does not add up first.
 */
async function writeMergedPlan(
  planned: PlanFromRuns,
  directories: number,
  runDirectory: string,
  context: UseCaseContext,
  redactor: Redactor,
): Promise<void> {
  const artifacts = path.relative(context.cwd, runDirectory) || '.';
  const target = await openRunDirectory(runDirectory, redactor);
  await target.writeJson('plan.json', planned.plan);
  await target.writeText(
    'plan.md',
    planned.directory && planned.planMarkdown !== undefined
      ? planned.planMarkdown
      : mergedPlanMarkdown(planned.plan, directories, artifacts),
  );
}

export interface PreviewRequest {
  repo?: string;
  at: Date;
  /** `--approvals FILE`: approvals to evaluate with, instead of the reviews. */
  approvalsFile?: string;
  /** `--from DIR...`: run directories, read and merged (in memory) as `netchange comment` does. */
  from?: readonly string[];
  /** As CommentRequest.since. */
  since?: string;
}

/**
 * The report comment exactly as `netchange comment` would post it, without GitHub: the same
 * composition (size limit, plan section, conclusion), for reviewing locally and for the demo.
 */
export async function previewComment(
  request: PreviewRequest,
  context: UseCaseContext,
): Promise<{ comment: string; conclusion: string; title: string }> {
  const from = request.from ?? [];
  await checkRunDirectories(from, context.cwd);
  // why: no pull request here, so no event says whether it comes from a fork.
  const planned = from.length > 0 ? await planOfRunDirectories(from, context, undefined) : undefined;
  const workspace = planned ? await openRequestedWorkspace(request, context) : undefined;
  const since = request.since ?? (workspace ? await baseOfPlans(workspace, planned) : undefined);
  const headCommit = await workspace?.git?.resolveRef('HEAD').catch(() => undefined);
  warnOfOtherCommit(planned, headCommit, context);
  const report = await validateChanges({
    cwd: context.cwd,
    env: context.env,
    at: request.at,
    version: context.version,
    ...(request.repo ? { repo: request.repo } : {}),
    ...(request.approvalsFile ? { approvalsFile: request.approvalsFile } : {}),
    ...(since ? { since } : {}),
  });
  const composed = composeReport({
    report,
    ...(planned ? { plan: planned.plan } : {}),
    ...(planned?.planMarkdown !== undefined ? { planMarkdown: planned.planMarkdown } : {}),
    ...(headCommit ? { headCommit } : {}),
    // why: the environment is read here, not in the composer: in CI the footer links the run.
    origin: reportOrigin({
      env: context.env,
      repoRoot: path.resolve(context.cwd, request.repo ?? '.'),
      ...(planned?.directory ? { runDirectory: planned.directory } : {}),
    }),
  });
  return {
    comment: composed.comment,
    conclusion: composed.check.conclusion,
    title: composed.check.output.title,
  };
}

/** {@link checkRunDirectory} for each `--from` directory, before anything is read or asked. */
async function checkRunDirectories(directories: readonly string[], cwd: string): Promise<void> {
  for (const directory of directories) await checkRunDirectory(directory, path.resolve(cwd, directory));
}

/**
 * Refuses a `--from` that is a file, or holds other things but nothing a run writes (`--from
 * changes`): a usage mistake, and the report would be written into it. A missing or empty one, or
 * one whose plan.json is unreadable, is a plan that failed or never ran: the report says so.
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
