/**
 * `netchange comment` as a stage: validate the pull request's head with the approvals its reviews
 * give, add the plan of a run directory when there is one, and publish the report comment and check
 * run. `validate --github` and `plan --github` reuse `reportToPullRequest`.
 */
import path from 'node:path';
import type { ValidationReport } from '../core/model.js';
import type { Clock } from '../core/ports.js';
import type { PlanViews } from '../reporters/review/summary.js';
import type { PlanDocument, PlanStatus } from '../runs/plan-document.js';
import { createRunDirectory, openRunDirectory } from '../runs/run-directory.js';
import { type PlanHashes, planSection, REPORT_MARKER, type ReportOrigin } from './compose-report.js';
import type { IssueComment } from './port.js';
import { openGitHubSession, type PublishResult, publishReport, reviewInputs } from './publish.js';

/** What the command prints. */
export interface CommentOutcome extends PublishResult {
  pullNumber: number;
  repository: string;
  /** Reviewers whose approval is for an older commit. */
  stale: string[];
  resent: boolean;
}

/**
 * Publishes a validation report (and a plan) to the session's pull request. Writes report.json and
 * the composed comment and check run into `runDirectory` first.
 */
export async function reportToPullRequest(
  session: Awaited<ReturnType<typeof openGitHubSession>>,
  input: {
    report?: ValidationReport;
    plan?: PlanDocument;
    planMarkdown?: string;
    runDirectory: string;
    /** Without a plan, keep the plan section of the existing comment (default true). */
    keepPlan?: boolean;
    /** The repository whose evidence head the check run anchors. */
    repoRoot?: string;
    /** The environment, for the footer's link to the CI run (see {@link reportOrigin}). */
    env?: NodeJS.ProcessEnv;
  },
): Promise<PublishResult> {
  let carried:
    | {
        knownComment: IssueComment | null;
        planMarkdown?: string;
        planStatus?: PlanStatus;
        planHashes?: PlanHashes;
        planViews?: PlanViews;
        planParts?: Record<string, string>;
      }
    | undefined;
  if (!input.plan && !input.planMarkdown && input.keepPlan !== false) {
    // why: a re-evaluation without a new plan (a review arrived) keeps the plan reviewers saw, and its
    // digest, which apply compares; the lookup doubles as the publisher's, so it costs no request.
    const existing = await session.github.findComment(session.target.pullNumber, REPORT_MARKER);
    const section = existing ? planSection(existing.body) : undefined;
    carried = {
      knownComment: existing ?? null,
      ...(section ? { planMarkdown: section.markdown, planStatus: section.status } : {}),
      ...(section?.digests ? { planHashes: section.digests } : {}),
      ...(section?.views ? { planViews: section.views } : {}),
      ...(section?.parts ? { planParts: section.parts } : {}),
    };
  }
  if (input.report) {
    await (await openRunDirectory(input.runDirectory, session.redactor)).writeJson(
      'report.json',
      input.report,
    );
  }
  const { readEvidenceHead } = await import('../audit/store.js');
  // why: best effort; a report is never held back because the evidence could not be read.
  const evidenceHead = input.repoRoot
    ? await readEvidenceHead(input.repoRoot).catch(() => undefined)
    : undefined;
  return publishReport(session, {
    runDirectory: input.runDirectory,
    origin: reportOrigin({
      env: input.env ?? {},
      runDirectory: input.runDirectory,
      ...(input.repoRoot ? { repoRoot: input.repoRoot } : {}),
      pullNumber: session.target.pullNumber,
    }),
    volatile: [
      input.runDirectory,
      ...(input.repoRoot ? [path.relative(input.repoRoot, input.runDirectory)] : []),
      ...(input.report ? [input.report.evaluatedAt] : []),
      ...(input.plan ? [input.plan.createdAt] : []),
    ],
    ...(input.report ? { report: input.report } : {}),
    ...(input.plan ? { plan: input.plan } : {}),
    ...(input.planMarkdown ? { planMarkdown: input.planMarkdown } : {}),
    ...(carried ?? {}),
    ...(evidenceHead ? { evidenceHead } : {}),
  });
}

/**
 * Where a report was made, for its footer. In GitHub Actions (GITHUB_RUN_ID and GITHUB_REPOSITORY
 * set): the run's page (`/attempts/N` from the second attempt) and the artifact the workflow uploads,
 * NETCHANGE_ARTIFACT_NAME or, on a `pull_request` event, `netchange-pr-<number>` as the
 * netchange-pull-request workflow names it. Elsewhere: the run directory relative to the repository,
 * never an absolute path (it means nothing to a reviewer).
 */
export function reportOrigin(input: {
  env: NodeJS.ProcessEnv;
  runDirectory?: string;
  repoRoot?: string;
  pullNumber?: number;
}): ReportOrigin {
  const { env } = input;
  if (env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY) {
    const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
    const attempt =
      env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
    const artifact =
      env.NETCHANGE_ARTIFACT_NAME ||
      (env.GITHUB_EVENT_NAME === 'pull_request' && input.pullNumber !== undefined
        ? `netchange-pr-${input.pullNumber}`
        : undefined);
    return {
      runUrl: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}${attempt}`,
      ...(artifact ? { artifact } : {}),
    };
  }
  if (!input.runDirectory || !input.repoRoot) return {};
  const relative = path.relative(input.repoRoot, input.runDirectory);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative)
    ? { runDirectory: relative.split(path.sep).join('/') }
    : {};
}

/** One line per fact, for the terminal and the workflow log. */
export function describeCommentOutcome(outcome: CommentOutcome): string {
  const lines = [
    outcome.wrote
      ? `${outcome.resent ? 're-sent' : 'updated'} the report on ${outcome.repository}#${outcome.pullNumber}${outcome.commentUrl ? `: ${outcome.commentUrl}` : ''}`
      : `the report on ${outcome.repository}#${outcome.pullNumber} is up to date (nothing written)`,
    `check run netchange: ${outcome.conclusion}`,
  ];
  if (outcome.overflowed)
    lines.push('the report was longer than a comment allows: per-device diffs are in the check run');
  if (outcome.stale.length > 0)
    lines.push(
      `approvals on an older commit do not count: ${outcome.stale.join(', ')} (ask them to review again)`,
    );
  lines.push(`saved in ${outcome.saved}`);
  return `${lines.join('\n')}\n`;
}

/** What `validate --github` and `plan --github` need: review inputs before validating, a publish after. */
export interface PullRequestReport {
  /** Approvals from the reviews, for `commit`. */
  approvals: import('../core/model.js').Approval[];
  /** The same, each for the commit it was given on (for the code review, which stale ones never pass). */
  reviewedCommits: import('../core/model.js').Approval[];
  /** The pull request's head commit; pass it as the validated commit. */
  commit: string;
  /** Policy team → members from GitHub teams. */
  members: Map<string, string[]>;
  /** The branch the pull request merges into, as GitHub reports it. */
  baseRef(): Promise<string | undefined>;
  /** Its base as a commit in this clone (`commit` absent: the clone lacks it), for the policy in force. */
  policyBase(): Promise<{ commit?: string }>;
  /** The changed proposals of the other open pull requests (conflicts), fetched once per run. */
  otherChanges(): Promise<import('./open-pull-request-changes.js').OpenPullRequestChanges>;
  /**
   * Saves to `runDirectory` (default: a new `<runs>/<time>-validate` directory), then posts the
   * comment and check run; returns a line to print.
   */
  publish(input: {
    report?: ValidationReport;
    plan?: PlanDocument;
    planMarkdown?: string;
    runDirectory?: string;
  }): Promise<string>;
}

/**
 * Opens the pull request for `validate --github` / `plan --github`:
 * `const pr = await openPullRequestReport({...}); runValidate({..., approvals: pr.approvals,
 * commit: pr.commit, members: pr.members}); process.stderr.write(await pr.publish({report, runDirectory}))`.
 */
export async function openPullRequestReport(options: {
  cwd: string;
  repo?: string;
  pullNumber?: number;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
  /** Names the run directory a publish without one creates. */
  clock: Clock;
}): Promise<PullRequestReport> {
  const { workspace, session, inputs, policyBase } = await openReviewSession(options);
  return {
    policyBase,
    approvals: inputs.approvals,
    reviewedCommits: inputs.reviewedCommits,
    commit: inputs.commit,
    members: inputs.members,
    async baseRef() {
      return (
        session.target.baseRef ?? (await session.github.getPullRequest(session.target.pullNumber)).baseRef
      );
    },
    async otherChanges() {
      const { fetchOpenPullRequestChanges } = await import('./open-pull-request-changes.js');
      return fetchOpenPullRequestChanges(session.github, {
        excludeNumber: session.target.pullNumber,
        changesDir: workspace.config.paths.changes,
        maxFileBytes: workspace.config.limits.maxFileBytes,
        ...(workspace.config.defaults.timezone
          ? { defaultTimezone: workspace.config.defaults.timezone }
          : {}),
      });
    },
    async publish(input) {
      const runDirectory =
        input.runDirectory ??
        (
          await createRunDirectory({
            repoRoot: workspace.root,
            runsPath: workspace.config.paths.runs,
            cwd: options.cwd,
            at: options.clock.now(),
            redactor: session.redactor,
            label: 'validate',
          })
        ).path;
      const result = await reportToPullRequest(session, {
        ...input,
        runDirectory,
        repoRoot: workspace.root,
        env: options.env,
      });
      return describeCommentOutcome({
        ...result,
        pullNumber: session.target.pullNumber,
        repository: session.target.repository,
        stale: inputs.stale,
        resent: false,
      });
    },
  };
}

/** The workspace, the GitHub session of its pull request, and what the reviews say (approvals, members). */
export async function openReviewSession(options: {
  cwd: string;
  repo?: string;
  pullNumber?: number;
  env: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}) {
  const { githubSettings, openWorkspace, resolveBaseBranch } = await import('../pipeline/workspace.js');
  const workspace = await openWorkspace({
    cwd: options.cwd,
    ...(options.repo ? { repo: options.repo } : {}),
  });
  const session = await openGitHubSession({
    env: options.env,
    warn: options.warn,
    config: githubSettings(workspace),
    ...(options.pullNumber !== undefined ? { pullNumber: options.pullNumber } : {}),
  });
  const { staleApprovalsAllowed } = await import('../pipeline/load-proposals.js');
  let branch: Promise<string | undefined> | undefined;
  const baseBranch = () => {
    // why: the environment and the event payload say it on GitHub Actions; GitHub is asked otherwise.
    const known = options.env.GITHUB_BASE_REF || session.target.baseRef;
    branch ??= known
      ? Promise.resolve(known)
      : session.github.getPullRequest(session.target.pullNumber).then((pull) => pull.baseRef);
    return branch;
  };
  const inputs = await reviewInputs(session, {
    // why: the base branch is asked for only when the pull request's own netchange.yaml allows them.
    staleApprovals: await staleApprovalsAllowed(workspace, async () => {
      const name = await baseBranch();
      return name ? [`origin/${name}`, name] : [];
    }),
    changeControlPolicy: workspace.changeControlDocument?.value,
  });
  const policyBase = async (): Promise<{ commit?: string }> => {
    const commit = await resolveBaseBranch(workspace, await baseBranch());
    return commit ? { commit } : {};
  };
  return { workspace, session, inputs, policyBase };
}
