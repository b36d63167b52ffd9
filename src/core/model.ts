/**
 * The plain data that flows between stages: load → validate → evaluate policies → plan/apply → report.
 * Schema-derived shapes come from schema-types.generated.ts; the rest is defined here.
 *
 * A proposal's lifecycle, one shape per stage (each later shape is built from the one before, never
 * parsed again):
 * 1. the file's text, read safely (documents/read-file.ts);
 * 2. `YamlDocument`: parsed YAML with positions, so every finding has a line (documents/parse-yaml.ts);
 * 3. `ChangeProposal`: the document after the JSON schema accepted it (schema-types.generated.ts);
 * 4. `LoadedProposal`: the proposals stage's result per file — whichever of the above it reached,
 *    plus its findings (pipeline/load-proposals.ts);
 * 5. `ChangeSubject` (below): a valid proposal with its schedule resolved to instants and its hosts
 *    and sites resolved from the inventory — what the gate's stages judge and plan and apply run;
 * 6. `ProposalReport` (below): the gate's verdict on it, as `validate --format json` prints it;
 * 7. its records: `ProposalPlan` in plan.json (runs/plan-document.ts), `ApplyResult.proposal` in
 *    result.json (runs/apply-proposal.ts) and `EvidenceRecord.proposal` on the evidence branch
 *    (audit/types.ts) — each a copy of the fields that record needs, so old records stay readable.
 */
import type { ControlOutcome, EvaluatedRule, Finding, Interval } from './findings.js';
import type { ChangeProposal } from './schema-types.generated.js';

export type {
  AnsibleStep,
  ChangeProposal,
  NetchangeConfig,
  Step,
  TerraformStep,
} from './schema-types.generated.js';

export type ChangeType = ChangeProposal['type'];
export type Risk = ChangeProposal['risk'];
export const RISK_ORDER: readonly Risk[] = ['low', 'medium', 'high'];

export type RaciRole = 'responsible' | 'accountable' | 'consulted' | 'informed';
export type TeamKind = 'internal' | 'partner' | 'board';
export type AutonomyClass = 'autonomous' | 'needs-input' | 'escalate';

/** Where in a proposal file a field sits; stages use it to give findings a line. */
export type Locate = (path: readonly (string | number)[]) => { line: number; column: number };

/**
 * A schema-valid proposal with its schedule resolved to instants: what windows and change control
 * evaluate. Built once per proposal by the proposals stage.
 */
export interface ChangeSubject {
  /** Repository-relative POSIX path of the proposal file. */
  file: string;
  /** The proposal as written (schema-valid). */
  proposal: ChangeProposal;
  /** Position lookup into the proposal file. */
  locate: Locate;
  /** Start of the change, epoch milliseconds. */
  startMs: number;
  /** End of the change (before rollback time), epoch milliseconds. */
  endMs: number;
  /** Rollback time reserved after the end, milliseconds (0 when none). */
  rollbackMs: number;
  /** IANA zone the proposal's times are shown in. */
  timezone: string;
  /** Inventory groups of the targeted devices and of the hosts the steps reach, sorted. */
  inventoryGroups: string[];
  /**
   * Every host the proposal's Ansible steps (execution, verification, rollback) reach, resolved with
   * Ansible's pattern rules, sorted. Set by the proposals stage; each is declared in targets.
   */
  resolvedHosts?: string[];
  /** The sites of `resolvedHosts` (their `site` inventory variable), sorted. Set with them. */
  resolvedSites?: string[];
  /** git blob sha of the proposal file at HEAD, when known. */
  blob?: string;
}

/**
 * One approval: from a review on the pull request or an `--approvals` file. Without `proposal` it
 * approves every proposal of the pull request (an approving review); with it, only that proposal
 * (`/netchange approve CHG-2026-0147` in a review's body).
 */
export interface Approval {
  /** GitHub login of the approver. */
  user: string;
  /** The proposal id this approval is for; every proposal when absent. */
  proposal?: string;
  /**
   * True for a hold rather than an approval (`/netchange hold ID`, or a `hold: true` entry in the
   * approvals file); `proposal` is then required. why: holds travel with the approvals, so every
   * path that reads approvals (reviews, `--approvals FILE`) carries them to the gate unchanged.
   */
  hold?: boolean;
  /** Commit the approval was given for; when known, only approvals of the evaluated commit count. */
  commit?: string;
  /** When the approval was given (RFC 3339). */
  at?: string;
}

/**
 * A hold on one proposal (`/netchange hold CHG-2026-0149` in a review's body, or `hold: true` in an
 * `--approvals` file entry): the proposal is not applied while a hold on the evaluated commit stands,
 * whatever its approvals. A later review by the same user without the hold lifts it.
 */
export interface Hold {
  /** GitHub login of who holds it. */
  user: string;
  /** The proposal id held. */
  proposal: string;
  /** Commit the hold was given for; only holds of the evaluated commit count, like approvals. */
  commit?: string;
  /** When (RFC 3339). */
  at?: string;
}

/** An approval someone requires: a RACI role of the proposal's domain, or a named team, and a count. */
export interface ApprovalRequest {
  /** A team that must approve. */
  team?: string;
  /** A RACI role of the proposal's domain whose team must approve. */
  role?: RaciRole;
  /** How many distinct approvers. */
  count: number;
  /** Why this approval is needed (policy rule, window override, cross-team). */
  reason: string;
}

/** An approval requirement after evaluation: who satisfied it and who still could. */
export interface ApprovalRequirement extends ApprovalRequest {
  /** Users whose approvals count towards this requirement. */
  approvedBy: string[];
  /** True when `approvedBy` reaches `count`. */
  satisfied: boolean;
  /** Users who could still approve (team members, minus the requester and those who did). */
  eligible: string[];
}

/** What the window engine says about one change. */
export interface WindowVerdict {
  /** `window` findings: deny overlaps, allow gaps; warnings when an emergency bypasses them. */
  findings: Finding[];
  /** Approvals that deny-window overrides demand instead of an error. */
  overrideApprovals: ApprovalRequest[];
  /** Names of the windows whose occurrences overlap the occupied interval (for CEL rules and reports). */
  overlapping: string[];
  /** Earliest allowed occupied interval when the requested one is blocked. */
  nextAllowed?: Interval;
  /** True when the occupied interval satisfies every applicable window (ignoring overrides). */
  open: boolean;
}

/** What change control says about one change. */
export interface ChangeControlVerdict {
  risk: { declared: Risk; effective: Risk; reasons: string[] };
  approvals: { required: ApprovalRequirement[]; satisfied: boolean };
  autonomy?: { team: string; class: AutonomyClass; message: string };
  /** For emergency changes: when the retrospective review is due (RFC 3339). */
  retrospectiveDue?: string;
  /** `change-type`, `approval`, `rule` and `policy` findings. */
  findings: Finding[];
  /** The risk rules, approval rules and custom rules that applied to the change, with their outcomes. */
  evaluated: EvaluatedRule[];
}

/** The per-proposal entry of every report; `--format json` prints exactly this. */
export interface ProposalReport {
  file: string;
  id: string;
  /** False when any finding is an error (and, when approvals are required, when they are missing). */
  ok: boolean;
  title?: string;
  type?: ChangeType;
  domain?: string;
  requester?: { team: string; github: string };
  risk?: ChangeControlVerdict['risk'];
  schedule?: { start: string; end: string; timezone: string; rollbackEnd?: string };
  findings: Finding[];
  approvals: ChangeControlVerdict['approvals'];
  autonomy?: ChangeControlVerdict['autonomy'];
  retrospectiveDue?: string;
  /**
   * `open`: the occupied interval satisfies every window; `bypassed`: it does not, but an emergency
   * change is allowed through (warnings, a retrospective); `nextAllowed` only when blocked.
   */
  windows?: { overlapping: string[]; open: boolean; bypassed?: boolean; nextAllowed?: Interval };
  /** Holds on this proposal that stand on the evaluated commit (each also an error finding). */
  holds?: Hold[];
  /** What the change occupies: resolved devices, their sites, Terraform stacks (conflicts stage). */
  targets?: { devices: string[]; sites: string[]; stacks: string[] };
  /** Other changes whose occupied interval overlaps this one on shared ground (conflicts stage). */
  conflicts?: ConflictWith[];
  /**
   * The rules that applied to the change and name a control, with their outcomes, in stage order
   * (the gate's `evaluated` rules; evidence records keep them).
   */
  controls?: ControlOutcome[];
}

/** Where a scheduled change comes from: this repository, or another open pull request's head. */
export type ChangeSource =
  | { kind: 'repository' }
  | { kind: 'pull-request'; number: number; author: string; headSha: string };

/**
 * A change as the schedule and the conflicts stage see it: what it occupies, and when.
 * `[startMs, occupiedEndMs)` is half-open; occupiedEndMs is the end plus the rollback time.
 */
export interface ScheduledChange {
  id: string;
  /** Repository-relative path of the proposal file (in its pull request's head, for a pull request). */
  file: string;
  title: string;
  type: ChangeType;
  domain: string;
  requester: { team: string; github: string };
  startMs: number;
  /** End of the change before rollback time. */
  endMs: number;
  /** End plus rollback time: the interval's exclusive end. */
  occupiedEndMs: number;
  /** IANA zone the proposal's times are shown in. */
  timezone: string;
  /** Resolved inventory hosts the change reaches (or its declared devices when not resolved), sorted. */
  devices: string[];
  /** Sites of the change (declared and resolved), sorted. */
  sites: string[];
  /** Terraform root module directories (plus `:workspace` when one is selected), sorted. */
  stacks: string[];
  source: ChangeSource;
}

/** Why two changes conflict: the shared ground. */
export type ConflictReason =
  | { kind: 'device'; devices: string[] }
  | { kind: 'stack'; stacks: string[] }
  | { kind: 'redundancy-group'; group: string; devices: string[]; reason?: string }
  | { kind: 'site-capacity'; site: string; limit: number };

/** One side's view of a conflict: the other change and the shared ground. */
export interface ConflictWith {
  /** The other change's id. */
  id: string;
  /** The other change's file (in its pull request's head when `source` is a pull request). */
  file: string;
  source: ChangeSource;
  reasons: ConflictReason[];
  /** The overlap of the two occupied intervals, RFC 3339 UTC. */
  overlap: Interval;
}

/** A conflict between two changes, each named once (`a` sorts before `b`). */
export interface Conflict {
  a: string;
  b: string;
  reasons: ConflictReason[];
  overlap: Interval;
}

/** A proposal removed between the base ref and HEAD: reported, never an error. */
export interface WithdrawnProposal {
  file: string;
  id?: string;
}

export interface ValidationReport {
  schemaVersion: 1;
  tool: { name: 'netchange'; version: string };
  /** The instant the evaluation was made for (`--at`, default now), RFC 3339 UTC. */
  evaluatedAt: string;
  ok: boolean;
  proposals: ProposalReport[];
  /** Findings not tied to a proposal (policy warnings, config). */
  findings: Finding[];
  withdrawn: WithdrawnProposal[];
  summary: { proposals: number; passed: number; failed: number; errors: number; warnings: number };
}
