/**
 * Drift: the difference between what a device or stack runs and its intended state on the default
 * branch, found by `netchange drift`. This module is the shape every part of drift shares:
 * detection (drift/detect*.ts) produces `DetectedTarget`s, attribution (drift/attribute.ts) explains
 * them against the evidence and the proposals, the record (drift/record.ts) keeps first-seen times
 * and writes `drift-detected`/`drift-resolved` evidence, and the GitHub side (github/drift-issues.ts)
 * keeps one living issue per drifted target. Pure types, no I/O.
 */

/** One Ansible source of intended state in netchange.yaml's `drift.ansible`. */
export interface DriftAnsibleSource {
  /** Repository-relative playbook run in check+diff mode. */
  playbook: string;
  /** Repository-relative inventory. */
  inventory: string;
  /** Ansible `--limit` pattern; every host of the inventory when absent. */
  limit?: string;
}

/** One Terraform stack in netchange.yaml's `drift.terraform`. */
export interface DriftTerraformSource {
  /** Repository-relative directory of the stack. */
  dir: string;
  /** Repository-relative `-var-file`s. */
  varFiles?: string[];
  /** Terraform workspace; the default workspace when absent. */
  workspace?: string;
}

/** netchange.yaml's `drift` section: where the intended state is. */
export interface DriftConfig {
  ansible: DriftAnsibleSource[];
  terraform: DriftTerraformSource[];
  /** The default branch holding the intended state (`main` unless netchange.yaml says otherwise). */
  branch: string;
  /** The drift policy file, repository-relative (`policies/drift.yaml`). */
  policy: string;
  /** Ignored runtime files the checks read from the working copy (devices simulated in files). */
  state: string[];
}

export type DriftKind = 'ansible' | 'terraform';
export type DriftStatus = 'in-sync' | 'drifted' | 'ignored' | 'error';

/** Lines an ignore rule of policies/drift.yaml hid from a target's diff. */
export interface IgnoredLines {
  /** The rule's id (or `builtin:<name>` for built-in normalisation that is reported). */
  rule: string;
  /** The diff lines it hid, as they were (`+ ...`/`- ...`). */
  lines: string[];
}

/**
 * What detection found for one target: a device (Ansible host; `target` is the inventory hostname)
 * or a stack (`target` is the Terraform directory, `dir` or `dir@workspace`).
 */
export interface DetectedTarget {
  target: string;
  kind: DriftKind;
  status: DriftStatus;
  /** The normalised unified diff, running (`-`) to intended (`+`), with ignored lines removed; '' when in sync. */
  diff: string;
  /** sha256 hex of `diff`: two runs that see the same drift share it. */
  digest: string;
  /** What the ignore rules hid. */
  ignored: IgnoredLines[];
  /** The source the target was checked by (playbook or Terraform dir), for messages and revert proposals. */
  source: { playbook?: string; inventory?: string; dir?: string; workspace?: string };
  /** Why the check failed, when status is `error`. */
  error?: string;
  /** Terraform only: true when `plan -refresh-only` shows the real objects changed (out of band). */
  refreshOnlyChanges?: boolean;
}

export type DriftExplanationKind = 'out-of-band' | 'applied-not-merged' | 'merged-not-applied';

/** Why a target differs from its intended state. */
export interface DriftExplanation {
  kind: DriftExplanationKind;
  /** The proposal that explains it (not for out-of-band). */
  proposal?: { id: string; file: string; title?: string; slot?: { start: string; end: string } };
  /** The evidence record that explains it (applied-not-merged): its sequence, hash and commit. */
  evidence?: { sequence: number; hash: string; commit: string; pullRequest?: number };
}

/** One target in the report (`--format json`'s `targets[]`). */
export interface DriftTargetReport {
  target: string;
  kind: DriftKind;
  status: DriftStatus;
  diff: string;
  /** When this drift was first seen (RFC 3339, UTC); null when in sync. */
  firstSeen: string | null;
  /** When it was last seen: this run's `checkedAt` while it lasts; null when in sync. */
  lastSeen: string | null;
  /** Null when in sync or ignored. */
  explanation: DriftExplanation | null;
  ignored: IgnoredLines[];
  /** The RACI domain of the device (see docs/drift.md), when known. */
  domain?: string;
  /** Why the check failed, when status is `error`. */
  error?: string;
}

/** A finding about the drift policy itself (an expired ignore rule, a rule that never matches...). */
export interface DriftPolicyFinding {
  ruleId: string;
  severity: 'error' | 'warning';
  message: string;
  hint: string;
  file: string;
  line: number;
  column: number;
}

/** `netchange drift --format json`. */
export interface DriftReport {
  schemaVersion: 1;
  tool: { name: 'netchange'; version: string };
  /** When the check ran (RFC 3339, UTC). */
  checkedAt: string;
  /** True when every target is in sync or ignored and the policy has no error finding. */
  ok: boolean;
  /** The commit of the default branch the intended state was read from. */
  commit?: string;
  /** The ref that commit was read from: `origin/main` when the remote branch exists, else `main`. */
  ref?: string;
  targets: DriftTargetReport[];
  findings: DriftPolicyFinding[];
  summary: { targets: number; drifted: number; inSync: number; ignored: number; errors: number };
}
