import { existsSync } from 'node:fs';
import path from 'node:path';
import { compareFindings, type Finding, hasErrors, withBoundedMessage } from '../core/findings.js';
import type {
  Approval,
  ChangeProposal,
  ChangeSubject,
  ProposalReport,
  ScheduledChange,
  ValidationReport,
} from '../core/model.js';
import type { GitRepository } from '../core/ports.js';
import { toRfc3339Utc as toUtcString } from '../core/time.js';
import { parseYaml, type YamlDocument } from '../documents/parse-yaml.js';
import { type PreparedGate, preloadGate, prepareGate } from '../gate/gate.js';
import { GATE_STAGES } from '../gate/registry.js';
import type { GateInput, GateStage } from '../gate/stage.js';
import { checkLeadTime } from '../proposals/schedule.js';
import { type ConflictFactsCache, openConflictFactsCache } from './conflict-facts-cache.js';
import { openHolidayCache } from './holiday-cache.js';
import { type LoadedProposal, type LoadOptions, loadPolicyInForce, loadProposals } from './load-proposals.js';
import { listProposalFiles, unreadProposalFinding, type Workspace } from './workspace.js';

export interface ValidateOptions extends LoadOptions {
  /** The instant to evaluate as of (`--at`); decides what is "in the past" and lead times. */
  at: Date;
  /** Approvals given (from --approvals FILE or pull-request reviews). */
  approvals?: Approval[];
  /** The commit being evaluated; approvals for another commit do not count. */
  commit?: string;
  /** Missing approvals fail the proposal (apply, `validate --require-approvals`). */
  requireApprovals?: boolean;
  /** Team members resolved outside the policy (GitHub teams): team name → logins. */
  members?: Map<string, string[]>;
  /** Why the gate runs (GateInput.purpose); default `review`. */
  purpose?: 'review' | 'apply';
  /** The environment, for stages that ask a server (GateInput.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Apply: measure normal changes' lead time from the commit that gave each proposal its start, not
   * from `at` (which is inside the change's own window by then).
   */
  leadTimeFromCommit?: boolean;
  /** With leadTimeFromCommit, through a pull request: how far its commits' dates are believed. */
  pullRequestNotice?: PullRequestNotice;
  /**
   * The run is on a pull request whose base is this commit (`commit` absent: not in this clone). A
   * run without --since then still knows the policy in force (GateInput.policyInForce).
   */
  pullRequestBase?: { commit?: string };
  /** netchange's version, for the report's `tool`. */
  version: string;
  /** Scheduled changes of other open pull requests (`--github`), which the run may conflict with. */
  otherChanges?: readonly ScheduledChange[];
}

/**
 * The gate's runner, shared by validate, plan, apply and the pull-request report: load proposals,
 * prepare every gate stage once, run each proposal through the stages in order, and assemble the
 * report. Bad proposals are findings; bad policies throw (exit 2).
 */
export async function validateWorkspace(
  workspace: Workspace,
  options: ValidateOptions,
  stages: readonly GateStage[] = GATE_STAGES,
): Promise<ValidationReport> {
  return (await validateWorkspaceWithSubjects(workspace, options, stages)).report;
}

/** The report, and the usable proposals the gate ran on as subjects. */
export interface ValidatedWorkspace {
  report: ValidationReport;
  subjects: readonly ChangeSubject[];
}

/**
 * validateWorkspace, also giving the subjects it loaded. why: the schedule and the CAB pack need both,
 * and loading 5,000 proposals a second time for the subjects cost them about a second.
 */
export async function validateWorkspaceWithSubjects(
  workspace: Workspace,
  options: ValidateOptions,
  stages: readonly GateStage[] = GATE_STAGES,
): Promise<ValidatedWorkspace> {
  preloadGate(workspace, stages);
  // why: only the conflicts stage reads other proposals, and it runs only with a change-control policy.
  // Opened while the proposals load: listing the work tree is a git process of its own.
  const opening = workspace.changeControlDocument
    ? openConflictFactsCache(workspace, options.version)
    : undefined;
  // why: a failure surfaces at the await below, not as an unhandled rejection if loading throws first.
  opening?.catch(() => undefined);
  const loaded = await loadProposals(
    workspace,
    opening
      ? {
          ...options,
          knownIds: async (files) => (await opening)?.idsOf(files) ?? new Map(),
          indexBlobs: opening.then((cache) => cache?.indexBlobs),
        }
      : options,
  );
  const cache = await opening;
  // why: "a scope value that matches nothing" can only be judged against the whole repository.
  const known = loaded.complete
    ? {
        sites: [
          ...new Set([
            ...loaded.proposals.flatMap((proposal) => proposal.proposal?.targets.sites ?? []),
            ...loaded.inventorySites,
          ]),
        ].sort(),
        devices: loaded.inventoryHosts,
      }
    : undefined;
  const subjects = loaded.proposals.flatMap((proposal) => (proposal.subject ? [proposal.subject] : []));
  const context = loaded.complete ? [] : await loadRepositoryContext(workspace, loaded.proposals, cache);
  if (loaded.complete) await rememberScheduledChanges(loaded.proposals, cache);
  const otherChanges = [...context, ...(options.otherChanges ?? [])];
  const holidays = workspace.windowPolicyDocument ? await openHolidayCache(workspace) : undefined;
  const gate = await prepareGate(
    {
      workspace,
      subjects,
      ...(otherChanges.length > 0 ? { otherChanges } : {}),
      at: options.at,
      approvals: options.approvals ?? [],
      ...(options.commit ? { commit: options.commit } : {}),
      ...(options.members ? { members: options.members } : {}),
      requireApprovals: options.requireApprovals === true,
      ...(options.purpose ? { purpose: options.purpose } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(known ? { known } : {}),
      ...(holidays ? { holidays: holidays.calendar } : {}),
      ...policyInForceOf(workspace, loaded, options),
    },
    stages,
  );
  const requestedAt = new Map<string, Date>();
  if (options.leadTimeFromCommit && workspace.git) {
    for (const { file, proposal } of loaded.proposals) {
      const given = proposal && (await noticeGivenAt(workspace.git, file, proposal.schedule));
      if (given) requestedAt.set(file, await noticeBelieved(workspace.git, given, options.pullRequestNotice));
    }
  }
  const proposals = loaded.proposals.map((proposal) =>
    reportProposal(proposal, gate, options, requestedAt.get(proposal.file)),
  );
  await holidays?.save();
  if (loaded.changedPolicies.length > 0) {
    const reviews = await gate.reviewPolicyChange({
      files: loaded.changedPolicies,
      ...(loaded.policyInForce ? { inForce: loaded.policyInForce } : {}),
    });
    proposals.push(...reviews.map((review) => finish(review, gate)));
  }
  const findings = [...gate.findings];
  if (options.approvals?.some((approval) => approval.proposal !== undefined)) {
    const { unknownProposalFindings } = await import('../control/index.js');
    const ids = new Set(proposals.map((proposal) => proposal.id));
    findings.push(...unknownProposalFindings(options.approvals, ids, workspace.config.paths.changes));
  }
  findings.push(...loaded.unreadFiles.map(unreadProposalFinding));
  const changesDirectory = workspace.config.paths.changes;
  if (loaded.complete && proposals.length === 0 && !existsSync(path.join(workspace.root, changesDirectory))) {
    // why: an empty run in the wrong directory must not look like a clean pass.
    findings.push({
      ruleId: 'reference',
      severity: 'warning',
      message: `there is no ${changesDirectory}/ folder in ${workspace.root}: nothing to validate`,
      hint: 'Run inside the network repository, pass --repo DIR, or set paths.changes in netchange.yaml.',
      file: changesDirectory,
    });
  }
  return { report: assembleReport(proposals, findings, loaded.withdrawn, options), subjects };
}

/**
 * The policy in force the gate gets (GateInput.policyInForce): the base's when the run's diff from
 * --since changes a policy file, or the pull request's base in a whole-repository run on one. A
 * base that is not in this clone trusts nothing the run's files say.
 */
function policyInForceOf(
  workspace: Workspace,
  loaded: { changedPolicies: readonly string[]; policyInForce?: YamlDocument },
  options: ValidateOptions,
): Pick<GateInput, 'policyInForce'> {
  if (loaded.changedPolicies.length > 0) {
    const inForce = loaded.policyInForce ? { changeControl: loaded.policyInForce } : {};
    return { policyInForce: async () => inForce };
  }
  const base = options.since === undefined ? options.pullRequestBase : undefined;
  if (!base) return {};
  let reading: Promise<{ changeControl?: YamlDocument }> | undefined;
  const read = async () => {
    const changeControl = base.commit
      ? await loadPolicyInForce(workspace, base.commit).catch(() => undefined)
      : undefined;
    return changeControl ? { changeControl } : {};
  };
  return { policyInForce: () => (reading ??= read()) };
}

/**
 * The repository's other proposals as scheduled changes, for a partial run (PATH, --since): a
 * changed proposal may conflict with one that did not change. Unchanged files come from the
 * conflict-facts cache (conflict-facts-cache.ts); the rest are loaded and remembered.
 * why: only when a change-control policy exists (the gate is on). Without one nothing is gated and
 * apply refuses anyway, and `--since` in a large repository stays as fast as one file's check.
 */
async function loadRepositoryContext(
  workspace: Workspace,
  run: readonly LoadedProposal[],
  cache: ConflictFactsCache | undefined,
): Promise<ScheduledChange[]> {
  if (!workspace.changeControlDocument) return [];
  const selected = new Set(run.map((proposal) => proposal.file));
  const present = await listProposalFiles(workspace);
  const files = present.filter((file) => !selected.has(file));
  if (files.length === 0) return [];
  const remembered = (await cache?.lookup(files)) ?? new Map<string, ScheduledChange | null>();
  const missing = files.filter((file) => !remembered.has(file));
  const context =
    missing.length > 0
      ? (
          await loadProposals(workspace, {
            files: missing,
            ...(cache ? { indexBlobs: Promise.resolve(cache.indexBlobs) } : {}),
          })
        ).proposals
      : [];
  const computed =
    context.length > 0 ? await scheduledChangesOf(context) : new Map<string, ScheduledChange | null>();
  if (computed.size > 0) {
    await cache?.save(
      computed,
      present,
      new Map(context.map((proposal) => [proposal.file, proposal.scannedId])),
    );
  }
  return files.flatMap((file) => {
    const change = remembered.get(file) ?? computed.get(file);
    return change ? [change] : [];
  });
}

/**
 * A complete run has loaded every proposal anyway: it fills the conflict-facts cache, so the next
 * partial run (a pull request's `--since`) reads the unchanged proposals from it.
 */
async function rememberScheduledChanges(
  loaded: readonly LoadedProposal[],
  cache: ConflictFactsCache | undefined,
): Promise<void> {
  if (!cache || loaded.length === 0) return;
  await cache.save(
    await scheduledChangesOf(loaded),
    loaded.map((proposal) => proposal.file),
    new Map(loaded.map((proposal) => [proposal.file, proposal.scannedId])),
  );
}

/** Each proposal file's scheduled change, or null when it has none (no subject). */
async function scheduledChangesOf(
  loaded: readonly LoadedProposal[],
): Promise<Map<string, ScheduledChange | null>> {
  const { scheduledChangeOf } = await import('../conflicts/find.js');
  return new Map(
    loaded.map((proposal) => [proposal.file, proposal.subject ? scheduledChangeOf(proposal.subject) : null]),
  );
}

function reportProposal(
  loaded: LoadedProposal,
  gate: PreparedGate,
  options: ValidateOptions,
  requestedAt: Date | undefined,
): ProposalReport {
  const findings = [...loaded.findings];
  const proposal = loaded.proposal;
  const report: ProposalReport = {
    file: loaded.file,
    id: loaded.id ?? loaded.file,
    ok: false,
    findings,
    approvals: { required: [], satisfied: true },
  };
  if (!proposal) return finish(report, gate);
  report.title = proposal.title;
  report.type = proposal.type;
  report.domain = proposal.domain;
  report.requester = proposal.requester;
  report.risk = { declared: proposal.risk, effective: proposal.risk, reasons: [] };

  const subject = loaded.subject;
  if (!subject) return finish(report, gate);
  report.schedule = {
    start: toUtcString(subject.startMs),
    end: toUtcString(subject.endMs),
    timezone: subject.timezone,
    ...(subject.rollbackMs > 0 ? { rollbackEnd: toUtcString(subject.endMs + subject.rollbackMs) } : {}),
  };
  const tooFar = checkLeadTime(subject, options.at.getTime(), subject.file, subject.locate);
  if (tooFar) {
    findings.push(tooFar);
    return finish(report, gate);
  }

  const judged = gate.evaluate(subject, requestedAt);
  findings.push(...judged.findings);
  Object.assign(report, judged.report);
  return finish(report, gate);
}

/**
 * A pull request's bound on notice. why: a commit's date is whatever its author set; a backdated
 * commit must not make a change raised yesterday look raised last week.
 */
export interface PullRequestNotice {
  /** When the pull request was opened, on GitHub's clock: its own commits gave no notice before. */
  openedAt: Date;
  /** The base it merges into (before it merged): commits there were reviewed before and keep their dates. */
  base?: string;
}

/**
 * When notice of a proposal's start was given: the oldest commit of the newest run of commits whose
 * version of the file starts when this one does. why: not the file's first commit, which would let a
 * change added months ahead be moved to tomorrow and keep its old notice.
 */
async function noticeGivenAt(
  git: GitRepository,
  file: string,
  schedule: ChangeProposal['schedule'],
): Promise<{ commit: string; at: Date } | undefined> {
  let given: { commit: string; at: Date } | undefined;
  for (const entry of await git.commitsOf(file)) {
    const text = await git.fileAt(entry.commit, file);
    if (text === undefined || !startsAlike(file, text, schedule)) break;
    given = entry;
  }
  return given;
}

/** The notice a commit gave, no earlier than its pull request's opening unless the base already held it. */
async function noticeBelieved(
  git: GitRepository,
  given: { commit: string; at: Date },
  pullRequest: PullRequestNotice | undefined,
): Promise<Date> {
  if (!pullRequest || given.at.getTime() >= pullRequest.openedAt.getTime()) return given.at;
  const reviewedBefore =
    pullRequest.base !== undefined && (await git.isAncestor(given.commit, pullRequest.base));
  return reviewedBefore ? given.at : pullRequest.openedAt;
}

/** Whether the proposal in `text` names the same start, in the same zone, as `schedule`. */
function startsAlike(file: string, text: string, schedule: ChangeProposal['schedule']): boolean {
  const earlier = (parseYaml(file, text).value as { schedule?: unknown } | undefined)?.schedule;
  if (typeof earlier !== 'object' || earlier === null) return false;
  const { start, timezone } = earlier as { start?: unknown; timezone?: unknown };
  return start === schedule.start && timezone === schedule.timezone;
}

/** Sorts the findings, adds the stages' conclusions about the whole report and decides `ok`. */
function finish(report: ProposalReport, gate: PreparedGate): ProposalReport {
  report.findings.sort(compareFindings);
  // why: after sorting, as before: "approvals missing" closes the list once every stage has spoken.
  report.findings.push(...gate.conclude(report));
  report.ok = !hasErrors(report.findings);
  return report;
}

function assembleReport(
  proposals: ProposalReport[],
  findings: Finding[],
  withdrawn: ValidationReport['withdrawn'],
  options: ValidateOptions,
): ValidationReport {
  for (const proposal of proposals) proposal.findings = proposal.findings.map(withBoundedMessage);
  const bounded = findings.map(withBoundedMessage);
  const all = [...bounded, ...proposals.flatMap((proposal) => proposal.findings)];
  const passed = proposals.filter((proposal) => proposal.ok).length;
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: options.version },
    evaluatedAt: toUtcString(options.at.getTime()),
    ok: passed === proposals.length && !hasErrors(bounded),
    proposals,
    findings: bounded,
    withdrawn,
    summary: {
      proposals: proposals.length,
      passed,
      failed: proposals.length - passed,
      errors: all.filter((finding) => finding.severity === 'error').length,
      warnings: all.filter((finding) => finding.severity === 'warning').length,
    },
  };
}
