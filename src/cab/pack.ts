/**
 * The change advisory board's pack for one meeting: what went wrong since the last meeting, the
 * changes the board has to assess, and the forward schedule. Pure: the evidence, the validation
 * report, the policy's teams and RACI and the schedule come in, a CabPack goes out;
 * src/reporters/cab/ renders it.
 */
import { buildDigest, isEmergency } from '../audit/digest.js';
import type { DriftEvidenceRecord, EvidenceRecord } from '../audit/types.js';
import type {
  ApprovalRequirement,
  ChangeProposal,
  ConflictWith,
  ProposalReport,
  Risk,
  TeamKind,
  ValidationReport,
} from '../core/model.js';
import { type ReviewState, reviewStateOf } from '../core/review-state.js';
import type { RaciAssignment } from '../core/schema-types.generated.js';
import { toRfc3339Utc } from '../core/time.js';
import type { ExplainedWeakening } from '../packs/explain.js';
import type { ProposalPlanView } from '../reporters/review/summary.js';
import type { Schedule } from '../schedule/model.js';
import type { ReviewReminder } from './reviews.js';

/** How far back "since the last meeting" reaches when `--since` is not given. */
export const DEFAULT_LOOKBACK_DAYS = 7;
/** How far ahead the pack's schedule looks. */
export const SCHEDULE_DAYS = 14;

/** A team as the pack names it: its key, kind and display name. */
export interface CabTeam {
  name: string;
  kind: TeamKind;
  displayName: string;
}

/** An emergency change (or window override) of the period and where its retrospective stands at the meeting. */
export interface EmergencyReview {
  record: EvidenceRecord;
  /** RFC 3339; absent when the record names no due date. */
  retrospectiveDue?: string;
  /** `overdue`: due before the meeting; `due`: due at or after it; `none`: no due date recorded. */
  status: 'overdue' | 'due' | 'none';
}

/** What changed outside netchange in the period, from the drift records. */
export interface OutsideChanges {
  /** False when netchange.yaml configures no drift check and no drift record was ever written. */
  configured: boolean;
  /** Drift found in the period that no netchange change explains (out-of-band). */
  unexplained: DriftEvidenceRecord[];
  /** Drift found in the period that a netchange change explains (applied not merged, merged not applied). */
  explained: number;
  /** Drift that ended in the period. */
  resolved: number;
}

/** Where a card's window stands. */
export interface CabWindow {
  open: boolean;
  /** An emergency allowed through its windows. */
  bypassed: boolean;
  /** Deny windows (or allow gaps) that block the slot. */
  blockedBy: string[];
  /** Every window the occupied interval overlaps. */
  overlapping: string[];
  /** The earliest slot the windows allow, RFC 3339 UTC, when blocked. */
  nextAllowed?: { start: string; end: string };
}

/** One change the board assesses. */
export interface CabCard {
  id: string;
  file: string;
  title?: string;
  type?: string;
  domain?: string;
  risk: { declared: Risk; effective: Risk; reasons: string[] };
  /** Why the board sees it: a requirement on a board team, or high risk. */
  whyBoard: string[];
  state: ReviewState;
  requester: { github: string; team: string; kind?: TeamKind; displayName?: string };
  /** The RACI of the proposal's domain, team names. */
  raci?: { responsible: string; accountable: string; consulted: string[]; informed: string[] };
  /** RFC 3339 UTC; `rollbackEnd` when rollback time is reserved. */
  schedule: { start: string; end: string; rollbackEnd?: string; timezone: string };
  window: CabWindow;
  targets: { sites: string[]; devices: string[] };
  /** Undefined until the conflicts stage reports (shown as "none"). */
  conflicts?: ConflictWith[];
  /** The plan in a few words and what it removes; undefined when the run did not plan it or no plan was given. */
  plan?: ProposalPlanView;
  /** The proposal's rollback plan, in its words. */
  rollback?: string;
  approvals: ApprovalRequirement[];
}

export interface CabPack {
  schemaVersion: 1;
  /** The meeting, RFC 3339 UTC. */
  meeting: string;
  /** Start of "since the last meeting", RFC 3339 UTC. */
  since: string;
  /** The zone the pack's own times are shown in besides UTC (netchange.yaml `defaults.timezone`). */
  timezone?: string;
  /** Failed, rolled-back and interrupted changes of the period. */
  failures: EvidenceRecord[];
  emergencies: EmergencyReview[];
  outside: OutsideChanges;
  /** Stored evidence files that could not be read. */
  unreadable: string[];
  /** Pending proposals the board assesses, high risk first, then by start. */
  toAssess: CabCard[];
  /** Pending proposals that would need the board but do not validate (not assessed). */
  invalid: { id: string; file: string }[];
  /** True when a plan run directory was given (cards without a plan read "not planned"). */
  planned: boolean;
  schedule: Schedule;
  /**
   * Overrides and drops of the policy that weaken a rule it extends (policy packs), with their
   * waivers as of the meeting; absent when there are none.
   */
  policyWeakenings?: ExplainedWeakening[];
  /**
   * The policy's periodic reviews at the meeting, overdue first; the markdown reminds the board of
   * the overdue and due-soon ones. Absent in packs written before reviews existed.
   */
  reviews?: ReviewReminder[];
}

export interface CabPackInput {
  meeting: Date;
  since: Date;
  timezone?: string;
  /** Every change record (the period is taken here; the rest tells which proposals were applied). */
  records: readonly EvidenceRecord[];
  /** Drift records of the period. */
  drift: readonly DriftEvidenceRecord[];
  unreadable: readonly string[];
  driftConfigured: boolean;
  /** The validation report at the meeting instant. */
  report: ValidationReport;
  /** The proposals as written, by file (rollback plans, targets). */
  proposals: ReadonlyMap<string, ChangeProposal>;
  /**
   * Each proposal file's git blob sha, when the repository is a git repository: a proposal counts
   * as applied only in the version the evidence records (without it, by id alone).
   */
  blobs?: ReadonlyMap<string, string>;
  teams: ReadonlyMap<string, CabTeam>;
  raci: ReadonlyMap<string, RaciAssignment>;
  /** Plan views by proposal file, when a plan run directory was given. */
  plans?: Readonly<Record<string, ProposalPlanView>>;
  schedule: Schedule;
  /** Weakenings of the policies' extended rules, judged on the meeting's day. */
  policyWeakenings?: readonly ExplainedWeakening[];
  /** The policy's periodic reviews, judged at the meeting (reviewReminders). */
  reviews?: readonly ReviewReminder[];
}

const RISK_ORDER: readonly Risk[] = ['high', 'medium', 'low'];

/**
 * Whether a proposal was applied with success. why: an applied proposal is history, not something
 * to assess, even if its slot is ahead; but only in the version applied (its file's blob), or a new
 * change written under an applied change's id would leave the board's agenda unseen.
 */
function appliedProposals(
  records: readonly EvidenceRecord[],
  blobs: ReadonlyMap<string, string> | undefined,
): (report: { id: string; file: string }) => boolean {
  const succeeded = records.filter((record) => record.outcome === 'succeeded' && record.kind !== 'rollback');
  const ids = new Set(succeeded.map((record) => record.proposal.id));
  const versionUnknown = new Set(
    succeeded.filter((record) => !record.proposal.blob).map((record) => record.proposal.id),
  );
  const versions = new Set(succeeded.map((record) => `${record.proposal.id}\0${record.proposal.blob}`));
  return (report) =>
    blobs === undefined || versionUnknown.has(report.id)
      ? ids.has(report.id)
      : versions.has(`${report.id}\0${blobs.get(report.file)}`);
}

/** Assembles the pack. Pure. */
export function assembleCabPack(input: CabPackInput): CabPack {
  const meetingMs = input.meeting.getTime();
  const digest = buildDigest(
    input.records,
    { since: input.since, until: input.meeting },
    input.unreadable,
    input.drift,
  );
  const finished = [...digest.attention, ...digest.emergency];
  const emergencies = finished
    .filter((record) => isEmergency(record) || Boolean(record.retrospectiveDue))
    .map((record): EmergencyReview => {
      const due = record.retrospectiveDue ?? undefined;
      const status = !due ? 'none' : Date.parse(due) < meetingMs ? 'overdue' : 'due';
      return { record, ...(due ? { retrospectiveDue: due } : {}), status };
    });
  const detected = digest.outside.filter((record) => record.kind === 'drift-detected');
  const outside: OutsideChanges = {
    configured: input.driftConfigured || input.drift.length > 0,
    unexplained: detected.filter((record) => record.explanation.kind === 'out-of-band'),
    explained: detected.filter((record) => record.explanation.kind !== 'out-of-band').length,
    resolved: digest.outside.length - detected.length,
  };

  const applied = appliedProposals(input.records, input.blobs);
  const cards: CabCard[] = [];
  const invalid: CabPack['invalid'] = [];
  for (const report of input.report.proposals) {
    if (!report.schedule || !report.risk || applied(report)) continue;
    const occupiedEnd = Date.parse(report.schedule.rollbackEnd ?? report.schedule.end);
    if (!(occupiedEnd > meetingMs)) continue;
    const whyBoard = boardReasons(report, input);
    if (whyBoard.length === 0) continue;
    const state = reviewStateOf(report);
    if (state === 'invalid') {
      invalid.push({ id: report.id, file: report.file });
      continue;
    }
    cards.push(cardOf(report, state, whyBoard, input));
  }
  cards.sort(
    (a, b) =>
      RISK_ORDER.indexOf(a.risk.effective) - RISK_ORDER.indexOf(b.risk.effective) ||
      Date.parse(a.schedule.start) - Date.parse(b.schedule.start) ||
      a.id.localeCompare(b.id),
  );
  return {
    schemaVersion: 1,
    meeting: toRfc3339Utc(meetingMs),
    since: toRfc3339Utc(input.since.getTime()),
    ...(input.timezone ? { timezone: input.timezone } : {}),
    failures: digest.attention,
    emergencies,
    outside,
    unreadable: digest.unreadable,
    toAssess: cards,
    invalid,
    planned: input.plans !== undefined,
    schedule: input.schedule,
    ...(input.policyWeakenings && input.policyWeakenings.length > 0
      ? { policyWeakenings: [...input.policyWeakenings] }
      : {}),
    ...(input.reviews && input.reviews.length > 0
      ? {
          reviews: [...input.reviews].sort(
            (a, b) =>
              REVIEW_ORDER.indexOf(a.status) - REVIEW_ORDER.indexOf(b.status) || a.name.localeCompare(b.name),
          ),
        }
      : {}),
  };
}

const REVIEW_ORDER: readonly ReviewReminder['status'][] = ['overdue', 'due-soon', 'current'];

/**
 * Why a proposal needs the board: each approval requirement whose team (named, or the RACI role's
 * team) is of kind `board`, and high effective risk. why: a board requirement is the policy saying so;
 * high risk is ITIL's rule of thumb, and a policy that forgets to require the board for it still
 * gets it on the agenda.
 */
function boardReasons(report: ProposalReport, input: CabPackInput): string[] {
  const reasons: string[] = [];
  const raci = report.domain ? input.raci.get(report.domain) : undefined;
  for (const requirement of report.approvals.required) {
    const teamName =
      requirement.team ?? (requirement.role && raci ? raciTeam(raci, requirement.role) : undefined);
    const team = teamName ? input.teams.get(teamName) : undefined;
    if (team?.kind === 'board')
      reasons.push(`approval of ${requirement.count} from ${team.displayName} (${team.name}) required`);
  }
  if (report.risk?.effective === 'high') reasons.push('high risk');
  return reasons;
}

function raciTeam(raci: RaciAssignment, role: NonNullable<ApprovalRequirement['role']>): string | undefined {
  // why: consulted and informed name several teams; only responsible and accountable name one approver team.
  if (role === 'responsible') return raci.responsible;
  if (role === 'accountable') return raci.accountable;
  return undefined;
}

function cardOf(
  report: ProposalReport,
  state: ReviewState,
  whyBoard: string[],
  input: CabPackInput,
): CabCard {
  const schedule = report.schedule as NonNullable<ProposalReport['schedule']>;
  const risk = report.risk as NonNullable<ProposalReport['risk']>;
  const proposal = input.proposals.get(report.file);
  const requester = report.requester ?? proposal?.requester ?? { team: '?', github: '?' };
  const team = input.teams.get(requester.team);
  const raci = report.domain ? input.raci.get(report.domain) : undefined;
  const plan = input.plans?.[report.file];
  const rollback = proposal?.rollback?.description;
  return {
    id: report.id,
    file: report.file,
    ...(report.title ? { title: report.title } : {}),
    ...(report.type ? { type: report.type } : {}),
    ...(report.domain ? { domain: report.domain } : {}),
    risk,
    whyBoard,
    state,
    requester: {
      github: requester.github,
      team: requester.team,
      ...(team ? { kind: team.kind, displayName: team.displayName } : {}),
    },
    ...(raci
      ? {
          raci: {
            responsible: raci.responsible,
            accountable: raci.accountable,
            consulted: raci.consulted ?? [],
            informed: raci.informed ?? [],
          },
        }
      : {}),
    schedule: {
      start: schedule.start,
      end: schedule.end,
      ...(schedule.rollbackEnd ? { rollbackEnd: schedule.rollbackEnd } : {}),
      timezone: schedule.timezone,
    },
    window: windowOf(report),
    targets: {
      sites: report.targets?.sites ?? proposal?.targets.sites ?? [],
      devices: report.targets?.devices ?? proposal?.targets.devices ?? [],
    },
    ...(report.conflicts ? { conflicts: report.conflicts } : {}),
    ...(plan ? { plan } : {}),
    ...(rollback ? { rollback } : {}),
    approvals: report.approvals.required,
  };
}

function windowOf(report: ProposalReport): CabWindow {
  const windows = report.windows;
  const blockedBy = [
    ...new Set(
      report.findings
        .filter((finding) => finding.ruleId === 'window' && finding.severity === 'error' && finding.policy)
        .map((finding) => finding.policy as string),
    ),
  ];
  return {
    open: windows?.open ?? false,
    bypassed: windows ? !windows.open && (windows.bypassed ?? report.type === 'emergency') : false,
    blockedBy,
    overlapping: windows?.overlapping ?? [],
    ...(windows?.nextAllowed ? { nextAllowed: windows.nextAllowed } : {}),
  };
}
