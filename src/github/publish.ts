/**
 * Posting to a pull request: one report comment edited in place, and the `netchange` check run on
 * the head commit. Everything is written to the run directory first, so a failed post loses nothing
 * and `netchange comment --from DIR` re-sends it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetchangeError } from '../core/errors.js';
import type { Approval } from '../core/model.js';
import type { Clock } from '../core/ports.js';
import { systemClock } from '../core/system-clock.js';
import { createConfigRedactor, type Redactor, type SecretSettings } from '../redact/index.js';
import { approvalsFromReviews, policyTeams, staleApprovers, teamMembersFromGitHub } from './approvals.js';
import { type ComposedReport, type ComposeInput, composeReport, REPORT_MARKER } from './compose-report.js';
import {
  authFromEnvironment,
  credentialSecrets,
  type GitHubSettings,
  type GitHubTarget,
  resolveGitHubTarget,
} from './context.js';
import type { CheckConclusion, CheckRunOutput, GitHubPort, IssueComment } from './port.js';

/** A connection to one pull request. */
export interface GitHubSession {
  github: GitHubPort;
  target: GitHubTarget & { pullNumber: number; headSha: string };
  /** Redacts the credentials (and every secret of the environment) from anything posted or printed. */
  redactor: Redactor;
}

export interface OpenSessionOptions {
  env: NodeJS.ProcessEnv;
  /** `--pr N`; default: the pull request of the Actions event. */
  pullNumber?: number;
  /**
   * netchange.yaml `github` (`githubSettings(workspace)`), with its `secrets` and `notify` when the
   * caller has them: the session's redactor then knows the secrets the configuration names too.
   */
  config?: GitHubSettings & Partial<SecretSettings>;
  /** The repository a saved report names (`comment --from` re-sending it). */
  savedRepository?: string;
  /** Where retries and rate-limit waits are reported. */
  warn?: (message: string) => void;
}

/** A connection to the repository on GitHub, without a pull request (`apply --due`, `unlock`). */
export interface GitHubConnection {
  github: GitHubPort;
  target: GitHubTarget;
  redactor: Redactor;
}

/** Connects to the repository: target from the environment, flags and config; credentials from the environment. */
export async function connectGitHub(options: OpenSessionOptions): Promise<GitHubConnection> {
  const target = await resolveGitHubTarget({
    env: options.env,
    ...(options.pullNumber !== undefined ? { pullNumber: options.pullNumber } : {}),
    ...(options.config ? { config: options.config } : {}),
    ...(options.savedRepository ? { savedRepository: options.savedRepository } : {}),
  });
  const auth = authFromEnvironment(options.env);
  // why: a pull request's title, a proposal's text or a tool's output can hold a secret the
  // configuration names; whatever is posted or printed goes through this redactor.
  const redactor = createConfigRedactor(
    secretSettingsOf(options.config),
    options.env,
    credentialSecrets(auth),
  );
  const warn = options.warn ?? (() => {});
  // why: octokit and its plugins bundle to ~320 KB; loaded on the first connection, so a plan, drift
  // or apply that reports nowhere never compiles them (~25 ms of CPU each run).
  const { createOctokitGitHub } = await import('./octokit-github.js');
  const github = await createOctokitGitHub({
    auth,
    apiUrl: target.apiUrl,
    repository: target.repository,
    warn: (message) => warn(redactor.redactText(message)),
    ...retriesFromEnvironment(options.env),
  });
  return { github, target, redactor };
}

/** The secret settings a session's `config` carries; none named when it carries none. */
function secretSettingsOf(config: Partial<SecretSettings> | undefined): SecretSettings {
  return { secrets: config?.secrets ?? { env: [] }, ...(config?.notify ? { notify: config.notify } : {}) };
}

/** Connects to the pull request: target, credentials, and its head commit (one request when the event does not say). */
export async function openGitHubSession(options: OpenSessionOptions): Promise<GitHubSession> {
  const { github, target, redactor } = await connectGitHub(options);
  if (target.pullNumber === undefined) {
    throw new NetchangeError('E_USAGE', 'no pull request to report to', {
      hint: 'Pass --pr N, or run on a pull_request or pull_request_review event.',
    });
  }
  // why: one request when the event does not say; it names the author and the base as well as the
  // head, so nothing later asks for the pull request again.
  const pull = target.headSha ? undefined : await github.getPullRequest(target.pullNumber);
  const headSha = target.headSha ?? pull!.headSha;
  const author = target.author ?? pull?.author;
  const baseRef = target.baseRef ?? pull?.baseRef;
  return {
    github,
    target: {
      ...target,
      pullNumber: target.pullNumber,
      headSha,
      ...(author ? { author } : {}),
      ...(baseRef ? { baseRef } : {}),
    },
    redactor,
  };
}

/** What validation needs from the pull request: approvals on the head commit and GitHub team members. */
export interface ReviewInputs {
  approvals: Approval[];
  /**
   * The approvals each for the commit its review was given on, even when `staleApprovals` counts
   * older ones: a code review vouches for the code it saw, never for code pushed after it.
   */
  reviewedCommits: Approval[];
  /** The commit approvals must be for. */
  commit: string;
  /** Policy team name → members, for teams with a `github` slug. */
  members: Map<string, string[]>;
  /** Reviewers whose approval is on an older commit and does not count. */
  stale: string[];
}

/** Reads the reviews (latest per user, current head only unless `staleApprovals`) and GitHub team members. */
export async function reviewInputs(
  session: GitHubSession,
  options: { staleApprovals?: boolean; changeControlPolicy?: unknown },
): Promise<ReviewInputs> {
  const reviews = await session.github.listReviews(session.target.pullNumber);
  const headSha = session.target.headSha;
  const author = session.target.author ? { author: session.target.author } : {};
  const reviewedCommits = approvalsFromReviews(reviews, headSha, author);
  return {
    approvals: options.staleApprovals
      ? approvalsFromReviews(reviews, headSha, { staleApprovals: true, ...author })
      : reviewedCommits,
    reviewedCommits,
    commit: headSha,
    members: await teamMembersFromGitHub(session.github, policyTeams(options.changeControlPolicy)),
    stale: options.staleApprovals ? [] : staleApprovers(reviews, headSha),
  };
}

/** What was sent. */
export interface PublishResult {
  /** The report comment's link. */
  commentUrl?: string;
  /** False when the comment and check run were already up to date (nothing written). */
  wrote: boolean;
  conclusion: CheckConclusion;
  /** True when long diffs moved from the comment to the check run. */
  overflowed: boolean;
  /** Where the posted content was saved. */
  saved: string;
}

/** The composed report as saved in `<run dir>/github/`. */
interface SavedReport {
  repository: string;
  pullNumber: number;
  headSha: string;
  contentHash: string;
  check: { name: string; conclusion: CheckConclusion; output: CheckRunOutput; detailsUrl?: string };
}

const SAVED_DIRECTORY = 'github';

/**
 * Composes the report (validation markdown and/or plan), saves it under `<runDirectory>/github/`,
 * then makes GitHub show it: the check run first, then the comment. Unchanged → one request, no write.
 */
export async function publishReport(
  session: GitHubSession,
  input: ComposeInput & {
    runDirectory: string;
    /** The report comment when the caller already looked it up (null: there is none), saving a request. */
    knownComment?: IssueComment | null;
    /** The clock for `sentAt`; default: the system clock. */
    clock?: Clock;
  },
): Promise<PublishResult> {
  // why: the check run goes on the head; a plan of another commit must say so there.
  const composed = composeReport(
    redactedInput({ headCommit: session.target.headSha, ...input }, session.redactor),
  );
  await saveReport(session, composed, input.runDirectory);
  return sendSaved(
    session.github,
    input.runDirectory,
    session.redactor,
    input.clock ?? systemClock,
    input.knownComment,
  );
}

/**
 * The report's text redacted before it is composed. why: composing cuts the comment and the check
 * run to GitHub's limits, and a secret cut in two is no longer found by the pass over what is saved.
 * The plan itself is left as it is: it was redacted when it ran, and its digests (which apply
 * compares) are of it as it ran.
 */
function redactedInput<Input extends ComposeInput>(input: Input, redactor: Redactor): Input {
  return {
    ...input,
    ...(input.report ? { report: redactor.redactValue(input.report) } : {}),
    ...(input.reportMarkdown !== undefined
      ? { reportMarkdown: redactor.redactText(input.reportMarkdown) }
      : {}),
    ...(input.planMarkdown !== undefined ? { planMarkdown: redactor.redactText(input.planMarkdown) } : {}),
    // why: text by text, not redactValue: the keys are file names, which masking by key could hide.
    ...(input.planParts
      ? {
          planParts: Object.fromEntries(
            Object.entries(input.planParts).map(([file, part]) => [file, redactor.redactText(part)]),
          ),
        }
      : {}),
  };
}

/** Re-sends what a run directory holds (`netchange comment --from DIR` after a failed post). */
export async function resendReport(
  session: GitHubSession,
  runDirectory: string,
  clock: Clock = systemClock,
): Promise<PublishResult> {
  return sendSaved(session.github, runDirectory, session.redactor, clock);
}

/** True when the run directory holds a composed report not yet confirmed as sent. */
export function hasUnsentReport(runDirectory: string): boolean {
  const directory = path.join(runDirectory, SAVED_DIRECTORY);
  return existsSync(path.join(directory, 'comment.md')) && !existsSync(path.join(directory, 'sent.json'));
}

/** The pull request a saved report was composed for. */
export async function savedTarget(
  runDirectory: string,
): Promise<{ repository: string; pullNumber: number; headSha: string } | undefined> {
  const file = path.join(runDirectory, SAVED_DIRECTORY, 'check.json');
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(await readFile(file, 'utf8')) as SavedReport;
  return { repository: saved.repository, pullNumber: saved.pullNumber, headSha: saved.headSha };
}

async function saveReport(
  session: GitHubSession,
  composed: ComposedReport,
  runDirectory: string,
): Promise<void> {
  const directory = path.join(runDirectory, SAVED_DIRECTORY);
  // why: what was sent and where is netchange's own record (docs/executors.md, private files).
  await mkdir(runDirectory, { recursive: true });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const { headSha, pullNumber, repository, runUrl } = session.target;
  const comment = withCheckMarker(
    session.redactor.redactText(composed.comment),
    composed.contentHash,
    headSha,
  );
  const saved: SavedReport = {
    repository,
    pullNumber,
    headSha,
    contentHash: composed.contentHash,
    check: { ...session.redactor.redactValue(composed.check), ...(runUrl ? { detailsUrl: runUrl } : {}) },
  };
  await writeFile(path.join(directory, 'comment.md'), comment, { mode: 0o600 });
  await writeFile(path.join(directory, 'check.json'), `${JSON.stringify(saved, null, 2)}\n`, { mode: 0o600 });
}

async function sendSaved(
  github: GitHubPort,
  runDirectory: string,
  redactor: Redactor,
  clock: Clock,
  knownComment?: IssueComment | null,
): Promise<PublishResult> {
  const directory = path.join(runDirectory, SAVED_DIRECTORY);
  let comment: string;
  let saved: SavedReport;
  try {
    comment = await readFile(path.join(directory, 'comment.md'), 'utf8');
    saved = JSON.parse(await readFile(path.join(directory, 'check.json'), 'utf8')) as SavedReport;
  } catch {
    throw new NetchangeError('E_USAGE', `${runDirectory} holds no report to send`, {
      hint: 'Point --from at a run directory of netchange validate --github, plan --github or comment.',
    });
  }
  const overflowed = saved.check.output.text !== undefined;
  try {
    const existing =
      knownComment === undefined
        ? await github.findComment(saved.pullNumber, REPORT_MARKER)
        : (knownComment ?? undefined);
    let commentUrl = existing?.htmlUrl;
    // why: the marker holds the content digest and the head commit; when both match, the comment and
    // the check run already say this (only the evaluation instant would differ): write nothing.
    const wrote = existing === undefined || checkMarker(existing.body) !== checkMarker(comment);
    if (wrote) {
      await github.createCheckRun({
        name: saved.check.name,
        headSha: saved.headSha,
        conclusion: saved.check.conclusion,
        output: saved.check.output,
        ...(saved.check.detailsUrl ? { detailsUrl: saved.check.detailsUrl } : {}),
      });
      const posted = existing
        ? await github.updateComment(existing.id, comment)
        : await github.createComment(saved.pullNumber, comment);
      commentUrl = posted.htmlUrl;
    }
    await writeFile(
      path.join(directory, 'sent.json'),
      `${JSON.stringify({ sentAt: clock.now().toISOString(), commentUrl, wrote }, null, 2)}\n`,
      { mode: 0o600 },
    );
    return {
      ...(commentUrl ? { commentUrl } : {}),
      wrote,
      conclusion: saved.check.conclusion,
      overflowed,
      saved: directory,
    };
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_GITHUB') {
      throw new NetchangeError('E_GITHUB', redactor.redactText(error.message), {
        hint: `The report is saved in ${directory}. Re-send it with: netchange comment --pr ${saved.pullNumber} --from ${runDirectory}`,
        cause: error,
      });
    }
    throw error;
  }
}

/** NETCHANGE_GITHUB_RETRIES: how often a failing GitHub request is retried (default 3). */
function retriesFromEnvironment(env: NodeJS.ProcessEnv): { retries?: number } {
  const value = Number(env.NETCHANGE_GITHUB_RETRIES);
  return env.NETCHANGE_GITHUB_RETRIES !== undefined && Number.isInteger(value) && value >= 0
    ? { retries: value }
    : {};
}

function withCheckMarker(comment: string, digest: string, headSha: string): string {
  const marker = `<!-- netchange:check ${digest} ${headSha} -->`;
  return comment.startsWith(REPORT_MARKER)
    ? `${REPORT_MARKER}\n${marker}${comment.slice(REPORT_MARKER.length)}`
    : `${REPORT_MARKER}\n${marker}\n${comment}`;
}

function checkMarker(body: string): string | undefined {
  return /<!-- netchange:check [0-9a-f]+ [0-9a-f]+ -->/.exec(body)?.[0];
}
