import type { Approval, ScheduledChange, ValidationReport } from '../core/model.js';
import { validateWorkspace } from '../pipeline/validate.js';
import { resolveBaseBranch, type Workspace } from '../pipeline/workspace.js';
import { createConfigRedactor } from '../redact/index.js';
import { readApprovalsFile } from './approvals.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface ValidateRequest {
  cwd: string;
  repo?: string;
  paths?: readonly string[];
  since?: string;
  at: Date;
  /** `--approvals FILE`, relative to `cwd`. */
  approvalsFile?: string;
  /** Approvals from elsewhere (pull-request reviews); added to the file's. */
  approvals?: Approval[];
  /** The commit being evaluated; default: HEAD of the repository. */
  commit?: string;
  requireApprovals?: boolean;
  members?: Map<string, string[]>;
  /** The environment, for the holds stage (Alertmanager, freeze issues). */
  env?: Readonly<Record<string, string | undefined>>;
  version: string;
  /** Other open pull requests' proposals (`--github`), which the run may conflict with. */
  otherChanges?: readonly ScheduledChange[];
  /** Refuse (exit 2) outside a git work tree instead of validating nothing. */
  requireGit?: boolean;
  /** The pull request's base, when the run is on one (ValidateOptions.pullRequestBase). */
  pullRequestBase?: { commit?: string };
}

/** `netchange validate` from request to report: the whole pipeline on one screen. */
export async function validateChanges(request: ValidateRequest): Promise<ValidationReport> {
  const workspace = await openRequestedWorkspace(request, request);
  const approvals = [
    ...(request.approvals ?? []),
    ...(request.approvalsFile
      ? await readApprovalsFile(
          request.cwd,
          request.approvalsFile,
          // why: with --since the diff from it is the pull request, which cannot approve itself.
          request.since ? { workspace, base: request.since } : undefined,
        )
      : []),
  ];
  const commit = request.commit ?? (await headCommit(workspace));
  const pullRequestBase =
    request.pullRequestBase ??
    (request.since === undefined ? await baseOfEnvironment(workspace, request.env) : undefined);
  const report = await validateWorkspace(workspace, {
    at: request.at,
    version: request.version,
    approvals,
    ...(request.paths ? { paths: request.paths } : {}),
    ...(request.since ? { since: request.since } : {}),
    ...(commit ? { commit } : {}),
    ...(request.members ? { members: request.members } : {}),
    ...(request.otherChanges ? { otherChanges: request.otherChanges } : {}),
    ...(pullRequestBase ? { pullRequestBase } : {}),
    requireApprovals: request.requireApprovals === true,
    ...(request.env ? { env: request.env } : {}),
  });
  // why: a proposal's title or text can quote a secret netchange.yaml names (the key it rotates);
  // redacted here, every consumer gets it redacted: each --format, the comment, the check run.
  return createConfigRedactor(workspace.config, request.env ?? {}).redactValue(report);
}

// why: "an approval recorded for another commit does not count when the commit is known" — HEAD is known.
export async function headCommit(workspace: Workspace): Promise<string | undefined> {
  try {
    return await workspace.git?.resolveRef('HEAD');
  } catch {
    return undefined;
  }
}

/** `validate --github`: the reviews' approvals, and a publish of the report once it is rendered. */
export interface PullRequestValidation {
  report: ValidationReport;
  /** Posts the report comment and check run; returns the line to print. */
  publish(): Promise<string>;
}

export async function validatePullRequest(
  request: Omit<ValidateRequest, 'approvals' | 'approvalsFile' | 'commit' | 'members' | 'cwd' | 'version'> & {
    pullNumber?: number;
  },
  context: UseCaseContext,
): Promise<PullRequestValidation> {
  const { openPullRequestReport } = await import('../github/report-pull-request.js');
  const pullRequest = await openPullRequestReport({ ...context, ...request });
  const { pullNumber: _pullNumber, ...validate } = request;
  const others = await pullRequest.otherChanges();
  for (const note of others.notes) context.warn(note);
  const report = await validateChanges({
    otherChanges: others.changes,
    ...validate,
    cwd: context.cwd,
    env: context.env,
    version: context.version,
    approvals: pullRequest.approvals,
    commit: pullRequest.commit,
    members: pullRequest.members,
    pullRequestBase: await pullRequest.policyBase(),
  });
  return { report, publish: () => pullRequest.publish({ report }) };
}

/**
 * The pull request's base when GitHub Actions runs on one (GITHUB_BASE_REF is set only for
 * pull-request events). why: a whole-repository `validate` there, without --since, still judges
 * with the policy in force (ValidateOptions.pullRequestBase), not with what the branch wrote.
 */
async function baseOfEnvironment(
  workspace: Workspace,
  env: Readonly<Record<string, string | undefined>> | undefined,
): Promise<{ commit?: string } | undefined> {
  const branch = env?.GITHUB_BASE_REF;
  if (!branch) return undefined;
  const commit = await resolveBaseBranch(workspace, branch);
  return commit ? { commit } : {};
}
