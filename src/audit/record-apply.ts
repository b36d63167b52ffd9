/**
 * From `netchange apply`'s result (result.json) to an evidence record: the one place the apply flow
 * meets the audit trail. Call it after applyProposal returns (or throws after running steps).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { actingUser } from '../core/acting-user.js';
import { NetchangeError } from '../core/errors.js';
import type { Approval, ChangeProposal, ProposalReport } from '../core/model.js';
import { executorOfResult } from '../executors/registry.js';
import type { DeviceBackup, SavedConfiguration, StepResult } from '../executors/types.js';
import { openGit } from '../git/simple-git.js';
import type { Redactor } from '../redact/index.js';
import type { ApplyResult } from '../runs/apply-proposal.js';
import { appendEvidence } from './store.js';
import type {
  EvidenceApprover,
  EvidenceBackup,
  EvidenceControl,
  EvidenceDraft,
  EvidenceKind,
  EvidenceRecord,
  EvidenceStep,
  WindowStatus,
} from './types.js';

/** What result.json does not know: who approved, the window verdict, the pull request, the actor. */
export interface ApplyEvidenceContext {
  /** The proposal as applied (requester, targets, timezone, incident, verification steps). */
  proposal: ChangeProposal;
  /** IANA zone the proposal's times are shown in (ChangeSubject.timezone). */
  timezone?: string;
  /** Absolute path of the run directory holding the step logs (RunDirectory.path). */
  runDirectory?: string;
  /** The pull request of the change, when known. */
  pullRequest?: { number: number; url?: string };
  /** Approvals that counted (ApprovalRequirement.approvedBy, with the team and time when known). */
  approvers: EvidenceApprover[];
  /** The rules that applied and name a control, with their outcomes (ProposalReport.controls). */
  controls?: EvidenceControl[];
  /** The window verdict at apply time. */
  window: { status: WindowStatus; windows?: string[]; message?: string };
  /** Who ran apply; default: result.actor, else the acting user (actingUser in src/core/acting-user.ts). */
  actor?: { name: string; kind: 'person' | 'automation'; team?: string };
  /** Retrospective due date of an emergency or override (ChangeControlVerdict.retrospectiveDue). */
  retrospectiveDue?: string;
  /** `apply --reapply REASON`: why the proposal ran again at an already applied commit. */
  reapply?: { reason: string };
  /** Record kind; default: emergency for emergency changes, window-override when the window was overridden, else apply. */
  kind?: EvidenceKind;
  /** The run's redactor (with the secrets it learned). */
  redactor?: Redactor;
  /** Remote to publish to; default origin when it exists, false for local only. */
  remote?: string | false;
  /** Told when the record could only be kept locally. */
  onWarning?: (message: string) => void;
}

/**
 * Appends the evidence record of one apply. Returns undefined for a refused apply (nothing ran, so
 * nothing changed); otherwise the stored record.
 */
export async function recordApplyResult(
  repositoryRoot: string,
  result: ApplyResult,
  context: ApplyEvidenceContext,
): Promise<EvidenceRecord | undefined> {
  if (result.outcome === 'refused') return undefined;
  const draft = await evidenceDraftFromApply(repositoryRoot, result, context);
  return appendEvidence(repositoryRoot, draft, {
    ...(context.redactor ? { redactor: context.redactor } : {}),
    ...(context.remote !== undefined ? { remote: context.remote } : {}),
    ...(context.onWarning ? { onWarning: context.onWarning } : {}),
  });
}

/**
 * Appends the `apply-started` record of an apply whose gate passed, before its first step runs, so a
 * run killed mid-change still leaves a trace: the morning digest and `audit verify` show a started
 * change that no finished record follows. Throws when the record cannot be written (apply then stops
 * before touching a device).
 */
export async function recordApplyStarted(
  repositoryRoot: string,
  result: ApplyResult,
  context: ApplyEvidenceContext,
): Promise<EvidenceRecord> {
  const draft = await evidenceDraftFromApply(
    repositoryRoot,
    { ...result, steps: [], verification: [], rollback: [], finishedAt: result.startedAt },
    context,
  );
  return appendEvidence(
    repositoryRoot,
    {
      ...draft,
      kind: 'apply-started',
      outcome: 'started',
      verification: { status: 'not-run' },
      rollback: { status: 'not-run' },
    },
    {
      ...(context.redactor ? { redactor: context.redactor } : {}),
      ...(context.remote !== undefined ? { remote: context.remote } : {}),
      ...(context.onWarning ? { onWarning: context.onWarning } : {}),
    },
  );
}

/** The draft recordApplyResult appends (exported for tests and for callers that batch). */
export async function evidenceDraftFromApply(
  repositoryRoot: string,
  result: ApplyResult,
  context: ApplyEvidenceContext,
): Promise<EvidenceDraft> {
  const proposal = context.proposal;
  const steps = await Promise.all(
    [...result.steps, ...result.verification, ...result.rollback].map((step) =>
      evidenceStep(step, context.runDirectory),
    ),
  );
  const kind: EvidenceKind =
    context.kind ??
    (proposal.type === 'emergency'
      ? 'emergency'
      : context.window.status === 'overridden'
        ? 'window-override'
        : 'apply');
  const zone = context.timezone ?? proposal.schedule.timezone;
  return {
    kind,
    proposal: {
      id: result.proposal.id,
      file: result.proposal.file,
      blob: result.proposal.blob ?? null,
      title: proposal.title,
      type: proposal.type,
      domain: proposal.domain,
      risk: isRisk(result.proposal.risk) ? result.proposal.risk : proposal.risk,
      ...(zone ? { timezone: zone } : {}),
      ...(proposal.incident ? { incident: proposal.incident } : {}),
      targets: {
        ...(proposal.targets.sites ? { sites: [...proposal.targets.sites] } : {}),
        ...(proposal.targets.devices ? { devices: [...proposal.targets.devices] } : {}),
      },
    },
    commit: result.commit ?? (await headCommit(repositoryRoot)),
    pullRequest: context.pullRequest ?? null,
    requester: { team: proposal.requester.team, github: proposal.requester.github },
    approvers: context.approvers,
    ...(context.controls && context.controls.length > 0 ? { controls: context.controls } : {}),
    window: context.window,
    actor: context.actor ?? defaultActor(result.actor),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    steps,
    verification: verificationOf(result, (proposal.verification ?? []).length > 0),
    rollback: rollbackOf(result),
    outcome:
      result.outcome === 'applied'
        ? 'succeeded'
        : result.outcome === 'rolled-back'
          ? 'rolled-back'
          : 'failed',
    ...(context.retrospectiveDue ? { retrospectiveDue: context.retrospectiveDue } : {}),
    ...(context.runDirectory
      ? { runDirectory: relativeRunDirectory(repositoryRoot, context.runDirectory) }
      : {}),
    ...(context.reapply ? { reapply: { reason: context.reapply.reason } } : {}),
    ...(result.holds ? { holds: result.holds } : {}),
  };
}

function isRisk(value: string): value is 'low' | 'medium' | 'high' {
  return value === 'low' || value === 'medium' || value === 'high';
}

async function headCommit(root: string): Promise<string> {
  try {
    return (await openGit(root).run(['rev-parse', 'HEAD'])).trim();
  } catch (error) {
    throw new NetchangeError('E_GIT', 'the applied commit is unknown and HEAD cannot be read', {
      cause: error,
    });
  }
}

function defaultActor(name: string | undefined): EvidenceRecord['actor'] {
  const acting = actingUser(process.env);
  return { name: name ?? acting.name, kind: acting.kind };
}

function relativeRunDirectory(root: string, directory: string): string {
  const relative = path.relative(root, directory);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? directory
    : relative.split(path.sep).join('/');
}

async function evidenceStep(step: StepResult, runDirectory: string | undefined): Promise<EvidenceStep> {
  const { summary, diff } = describeChanges(step);
  return {
    phase: step.phase,
    name: step.name,
    tool: step.kind,
    argv: await commandOf(step, runDirectory),
    exitCode: step.exitCode ?? null,
    status: step.status,
    digest: step.digest,
    diffSummary: summary,
    ...(diff ? { diff } : {}),
    ...(step.backups && step.backups.length > 0 ? { backups: step.backups.map(evidenceBackup) } : {}),
  };
}

/** A step's device backup as the evidence keeps it: the device, and each file's sha256 and path. */
function evidenceBackup(backup: DeviceBackup): EvidenceBackup {
  const saved = (file: SavedConfiguration) => ({ sha256: file.sha256, path: file.path });
  return {
    device: backup.device,
    ...(backup.before ? { before: saved(backup.before) } : {}),
    ...(backup.after ? { after: saved(backup.after) } : {}),
  };
}

/**
 * The command the step ran: `argv` from result.json, or, for results written before it carried
 * one, the last `$ …` line of the step's (redacted) log.
 */
async function commandOf(step: StepResult, runDirectory: string | undefined): Promise<string[]> {
  if (step.argv) return step.argv;
  if (!step.log || !runDirectory) return [];
  let log: string;
  try {
    log = await readFile(path.resolve(runDirectory, step.log), 'utf8');
  } catch {
    return [];
  }
  const commands = log.split('\n').filter((line) => line.startsWith('$ '));
  const last = commands.at(-1);
  return last ? last.slice(2).split(' ').filter(Boolean) : [];
}

/** One line and the diff text of what a step changed (already redacted by the executors). */
export function describeChanges(step: StepResult): { summary: string; diff?: string } {
  return (
    executorOfResult(step).evidence(step) ?? {
      summary: step.status === 'skipped' ? 'not run' : 'no changes reported',
    }
  );
}

function verificationOf(result: ApplyResult, hasVerification: boolean): EvidenceRecord['verification'] {
  if (!hasVerification) return { status: 'none' };
  const failed = result.verification.find((step) => step.status !== 'applied' && step.status !== 'skipped');
  if (failed)
    return {
      status: 'failed',
      message: `${failed.name} ${failed.status}${failed.message ? `: ${failed.message}` : ''}`,
    };
  if (result.verification.length > 0 && result.verification.every((step) => step.status === 'applied'))
    return { status: 'passed' };
  return { status: 'not-run' };
}

function rollbackOf(result: ApplyResult): EvidenceRecord['rollback'] {
  switch (result.outcome) {
    case 'applied':
      return { status: 'not-needed' };
    case 'rolled-back':
      return { status: 'succeeded' };
    case 'rollback-failed':
      return { status: 'failed', message: result.message };
    default:
      return { status: 'not-run', message: result.message };
  }
}

/**
 * The parts of the evidence context that validation at apply time already knows: who approved
 * (only approvals that counted, with the team or role they counted for, and when), the window
 * verdict, and the retrospective due date. `approvals` is what the gate evaluated (reviews or
 * `--approvals`), for the time and commit of each approval.
 */
export function evidenceFromReport(
  report: ProposalReport | undefined,
  approvals: readonly Approval[],
): Pick<ApplyEvidenceContext, 'approvers' | 'controls' | 'window' | 'retrospectiveDue'> {
  // why: a user may have several entries (a whole-PR approval, a hold or an approval of another
  // proposal); the record keeps the one that counted for this proposal.
  const given = new Map<string, Approval>();
  for (const approval of approvals) {
    if (approval.hold) continue;
    if (approval.proposal !== undefined && approval.proposal !== report?.id) continue;
    const previous = given.get(approval.user);
    if (!previous || approval.proposal !== undefined) given.set(approval.user, approval);
  }
  const approvers: EvidenceApprover[] = [];
  const seen = new Set<string>();
  for (const requirement of report?.approvals.required ?? []) {
    for (const user of requirement.approvedBy) {
      const key = `${user}\u0000${requirement.team ?? ''}\u0000${requirement.role ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const approval = given.get(user);
      approvers.push({
        user,
        ...(requirement.team ? { team: requirement.team } : {}),
        ...(requirement.role ? { role: requirement.role } : {}),
        ...(approval?.at ? { at: approval.at } : {}),
        ...(approval?.commit ? { commit: approval.commit } : {}),
      });
    }
  }
  return {
    approvers,
    ...(report?.controls && report.controls.length > 0
      ? { controls: report.controls.map((control) => ({ ...control })) }
      : {}),
    window: windowOf(report),
    ...(report?.retrospectiveDue ? { retrospectiveDue: report.retrospectiveDue } : {}),
  };
}

function windowOf(report: ProposalReport | undefined): ApplyEvidenceContext['window'] {
  if (!report?.windows) return { status: 'not-checked' };
  const messages = report.findings
    .filter((finding) => finding.ruleId === 'window')
    .map((finding) => finding.message);
  const base = {
    ...(report.windows.overlapping.length > 0 ? { windows: [...report.windows.overlapping] } : {}),
    ...(messages.length > 0 ? { message: messages.join('; ') } : {}),
  };
  if (report.windows.open) return { status: 'open', ...base };
  if (report.type === 'emergency' && report.retrospectiveDue) return { status: 'bypassed', ...base };
  // why: a closed window that still let the change pass validation was overridden with approvals.
  return { status: report.ok ? 'overridden' : 'blocked', ...base };
}
