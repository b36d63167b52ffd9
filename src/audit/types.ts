/**
 * Evidence records: what was done to the network, by whom, when, under which window and approvals,
 * and how it ended. schemas/evidence-record.schema.json is normative; these types follow it and
 * every record is checked against the schema before it is written (so the two cannot drift silently).
 */
import type { ControlOutcome } from '../core/findings.js';
import type { DriftExplanation, DriftKind } from '../drift/model.js';
import type { ExecutorKind } from '../executors/registry.js';
import type { HoldRecord } from '../runs/apply-watch.js';

/**
 * What a record is about. `apply-started` is written before an apply's first step runs: the finished
 * record follows it, and a started record that none follows is an interrupted (or running) change.
 */
export type EvidenceKind = 'apply' | 'emergency' | 'window-override' | 'rollback' | 'apply-started';
export type EvidenceOutcome = 'succeeded' | 'failed' | 'rolled-back' | 'started';
export type WindowStatus = 'open' | 'overridden' | 'bypassed' | 'blocked' | 'not-checked';

/** The proposal a record is about. */
export interface EvidenceProposal {
  /** Proposal id, e.g. CHG-2026-0142. */
  id: string;
  /** Repository-relative path of the proposal file. */
  file: string;
  /** git blob sha of the proposal file at the applied commit; null when unknown. */
  blob: string | null;
  /** The proposal's title. */
  title?: string;
  /** The proposal's change type. */
  type?: 'standard' | 'normal' | 'emergency';
  /** RACI domain. */
  domain?: string;
  /** Effective risk at apply time. */
  risk?: 'low' | 'medium' | 'high';
  /** IANA time zone of the proposal; reports show local times in it. */
  timezone?: string;
  /** Incident reference of an emergency change. */
  incident?: string;
  /** Where the change lands. */
  targets?: { sites?: string[]; devices?: string[] };
}

/** One approval that counted at apply time. */
export interface EvidenceApprover {
  /** GitHub login. */
  user: string;
  /** The team the approval counted for. */
  team?: string;
  /** The RACI role of the proposal's domain the approval counted for. */
  role?: 'responsible' | 'accountable' | 'consulted' | 'informed';
  /** When it was given (RFC 3339). */
  at?: string;
  /** The commit it was given for. */
  commit?: string;
}

/** One rule that applied to the change, and the control it serves (ProposalReport.controls). */
export type EvidenceControl = ControlOutcome;

/** One step that ran. */
export interface EvidenceStep {
  /** Which list of the proposal the step comes from. */
  phase?: 'execution' | 'verification' | 'rollback';
  /** The step's label. */
  name: string;
  /** The tool that ran: the step's executor kind. */
  tool: ExecutorKind;
  /** The command line, secrets redacted. */
  argv: string[];
  /** Exit code; null when the process did not exit. */
  exitCode: number | null;
  /** How the step ended (applied, failed, error, cancelled, skipped...). */
  status?: string;
  /** sha256 of the step's normalised, redacted planned changes. */
  digest?: string;
  /** One line: what changed. */
  diffSummary?: string;
  /** The redacted diff, capped in size. */
  diff?: string;
  /** True when `diff` was cut at the size cap. */
  diffTruncated?: boolean;
  /**
   * Each device's running configuration saved before and after the step (a real run whose executor
   * could read it), by file in the run directory and sha256.
   */
  backups?: EvidenceBackup[];
}

/** A saved running configuration, as the evidence refers to it. */
export interface EvidenceSavedConfiguration {
  /** sha256 (hex) of the file as saved: `sha256sum <runDirectory>/<path>` prints it. */
  sha256: string;
  /** Relative to the record's `runDirectory`, e.g. `backups/r2/execution-1-before.conf`. */
  path: string;
}

/** One device's backups from one step. */
export interface EvidenceBackup {
  /** The device (the Ansible inventory host). */
  device: string;
  /** Its running configuration before the step changed anything. */
  before?: EvidenceSavedConfiguration;
  /** Its running configuration after the step; absent when it could not be read again. */
  after?: EvidenceSavedConfiguration;
}

/** A complete, chained record as stored in git. */
export interface EvidenceRecord {
  /** Format version; always 1. */
  schemaVersion: 1;
  /** Position in the chain, from 1, without gaps. */
  sequence: number;
  /** `hash` of the previous record; null for the first. */
  previousHash: string | null;
  /** sha256 of the canonical JSON of this record without `hash`. */
  hash: string;
  /** When the record was appended (UTC). */
  recordedAt: string;
  /** What was done. */
  kind: EvidenceKind;
  /** The proposal applied. */
  proposal: EvidenceProposal;
  /** The commit applied (the reviewed commit). */
  commit: string;
  /** The pull request, or null (e.g. an emergency without one). */
  pullRequest: { number: number; url?: string } | null;
  /** Who asked for the change. */
  requester: { team: string; github: string };
  /** Approvals that counted. */
  approvers: EvidenceApprover[];
  /**
   * The policy rules that applied to the change and name a control, with their outcomes at apply
   * time (`audit export --by-control` reads them). Absent in records written before rules named
   * controls, or when no applied rule names one.
   */
  controls?: EvidenceControl[];
  /** The window verdict at apply time. */
  window: { status: WindowStatus; windows?: string[]; message?: string };
  /** Who ran the apply. */
  actor: { name: string; kind: 'person' | 'automation'; team?: string };
  /** When the apply started (RFC 3339). */
  startedAt: string;
  /** When it ended, after verification and rollback (RFC 3339). */
  finishedAt: string;
  /** Steps in order. */
  steps: EvidenceStep[];
  /** Verification result. */
  verification: { status: 'passed' | 'failed' | 'not-run' | 'none'; message?: string };
  /** Rollback result. */
  rollback: { status: 'not-needed' | 'succeeded' | 'failed' | 'not-run'; message?: string };
  /** How the change ended. */
  outcome: EvidenceOutcome;
  /** When the retrospective review is due (emergencies, overrides), or null. */
  retrospectiveDue?: string | null;
  /** Repository-relative directory of the run's artifacts. */
  runDirectory?: string;
  /** Why the proposal ran again at a commit already applied (`apply --reapply REASON`). */
  reapply?: { reason: string };
  /** Live holds during the apply: maintenance silences, alerts before and after, a stop between steps. */
  holds?: HoldRecord;
}

/** What a caller hands to appendEvidence: a record without its place in the chain. */
export type EvidenceDraft = Omit<
  EvidenceRecord,
  'schemaVersion' | 'sequence' | 'previousHash' | 'hash' | 'recordedAt'
>;

/**
 * The branch evidence lives on. A branch, because GitHub rulesets can protect branches (no force
 * push, no deletion, updates only by the netchange bot) but not custom refs. Its tree holds
 * records/ only.
 */
export const EVIDENCE_REF = 'refs/heads/netchange-evidence';
/** The branch's short name, for `git fetch origin netchange-evidence` and rulesets. */
export const EVIDENCE_BRANCH = 'netchange-evidence';
/**
 * Where evidence lived before; still read when the branch does not exist yet, and migrated by
 * creating the branch at the same commit (the old ref is kept, never written again).
 */
export const LEGACY_EVIDENCE_REF = 'refs/netchange/evidence';

/**
 * What a drift record is about (src/drift/record.ts): `drift-detected` when a device or stack starts
 * to differ from its intended state, or differs in a new way; `drift-resolved` when it is back in line.
 */
export type DriftEvidenceKind = 'drift-detected' | 'drift-resolved';

/**
 * A drift record as stored in git: chained like the change records, but about a target rather than
 * a proposal (no proposal, approvers or steps).
 */
export interface DriftEvidenceRecord {
  /** Format version; always 1. */
  schemaVersion: 1;
  /** Position in the chain, from 1, without gaps. */
  sequence: number;
  /** `hash` of the previous record; null for the first. */
  previousHash: string | null;
  /** sha256 of the canonical JSON of this record without `hash`. */
  hash: string;
  /** When the record was appended (UTC). */
  recordedAt: string;
  kind: DriftEvidenceKind;
  /** The device (inventory hostname) or stack (Terraform dir, `dir@workspace`) that drifted. */
  target: { name: string; kind: DriftKind };
  /** sha256 hex of the drift's normalised diff (for drift-resolved: of the drift that ended). */
  digest: string;
  /** One line: how many lines differ. */
  diffSummary: string;
  /** The redacted diff (running `-`, intended `+`), capped in size; absent on drift-resolved. */
  diff?: string;
  /** True when `diff` was cut at the size cap. */
  diffTruncated?: boolean;
  /** Why the target differs (for drift-resolved: the last explanation of the drift that ended). */
  explanation: DriftExplanation;
  /** When this episode of drift was first seen (RFC 3339): kept across records until it resolves. */
  firstSeen: string;
  /** When the check that wrote this record ran (RFC 3339). */
  checkedAt: string;
  /** drift-resolved only: back in sync, or every differing line now hidden by an ignore rule. */
  resolution?: 'in-sync' | 'ignored';
  /** The default-branch commit the intended state was read from. */
  commit: string;
  /** Who ran the check. */
  actor: { name: string; kind: 'person' | 'automation'; team?: string };
}

/** What a caller hands to appendEvidence for a drift record. */
export type DriftEvidenceDraft = Omit<
  DriftEvidenceRecord,
  'schemaVersion' | 'sequence' | 'previousHash' | 'hash' | 'recordedAt'
>;

/** Any record of the chain: a change (apply, emergency, ...) or a drift record. */
export type AnyEvidenceRecord = EvidenceRecord | DriftEvidenceRecord;
/** Any draft appendEvidence takes. */
export type AnyEvidenceDraft = EvidenceDraft | DriftEvidenceDraft;

/** True for a `drift-detected`/`drift-resolved` record (it has no proposal or steps). */
export function isDriftRecord(record: { kind: string }): record is DriftEvidenceRecord {
  return record.kind === 'drift-detected' || record.kind === 'drift-resolved';
}
