/**
 * Evidence by control, for auditors: which changes exercised each control, how its rules came out,
 * who approved, and the hash of the record that says so (re-checkable with `audit verify`). Pure:
 * the records come in already read from the evidence branch.
 */
import type { RuleKind, RuleOutcome } from '../core/findings.js';
import { openChanges } from './open-changes.js';
import type { EvidenceApprover, EvidenceOutcome, EvidenceRecord } from './types.js';

/** One change that exercised a control, as its evidence record tells it. */
export interface ControlChange {
  /** The record's place in the chain. */
  sequence: number;
  /** The record's hash (sha256 of its canonical JSON), as stored in the chain. */
  hash: string;
  /** When the record was appended (RFC 3339 UTC). */
  recordedAt: string;
  /** The record's kind: apply, emergency, window-override, rollback, or apply-started for an interrupted run. */
  kind: EvidenceRecord['kind'];
  /** How the change ended. */
  outcome: EvidenceOutcome;
  /** The proposal applied. */
  proposal: { id: string; file: string; title?: string; type?: string; risk?: string };
  /** The commit applied. */
  commit: string;
  /** The pull request, or null. */
  pullRequest: { number: number; url?: string } | null;
  /** Who asked for the change. */
  requester: { team: string; github: string };
  /** Approvals that counted. */
  approvers: EvidenceApprover[];
  /** When the change finished (RFC 3339). */
  finishedAt: string;
  /** The rules serving this control that applied to the change, with their outcomes. */
  rules: { rule: string; kind?: RuleKind; outcome: RuleOutcome }[];
  /** The control's outcome for this change: the worst of its rules' outcomes. */
  controlOutcome: RuleOutcome;
}

/** One control and the changes that exercised it, oldest first. */
export interface ControlEvidence {
  framework: string;
  id: string;
  /** The title the most recent record gives the control. */
  title: string;
  changes: ControlChange[];
}

/** why: the worst outcome speaks for the control: one failed rule is a failed control. */
const OUTCOME_ORDER: readonly RuleOutcome[] = ['passed', 'waived', 'pending', 'warned', 'failed'];

/**
 * Groups the change records by the controls they list. A finished record speaks for its change; an
 * `apply-started` record only when no finished record follows it (an interrupted run still
 * exercised the gate's controls). `framework`, when given, keeps one framework (case-insensitive).
 * Controls are ordered by framework, then identifier in numeric order (1.2.2 before 6.5.1 before 10.1).
 */
export function evidenceByControl(
  records: readonly EvidenceRecord[],
  options: { framework?: string } = {},
): ControlEvidence[] {
  const open = new Set(openChanges(records).map((record) => record.sequence));
  const wanted = options.framework?.toLowerCase();
  const controls = new Map<string, ControlEvidence>();
  for (const record of records) {
    if (record.kind === 'apply-started' && !open.has(record.sequence)) continue;
    const byControl = new Map<
      string,
      { framework: string; id: string; title: string; rules: ControlChange['rules'] }
    >();
    for (const entry of record.controls ?? []) {
      if (wanted !== undefined && entry.framework.toLowerCase() !== wanted) continue;
      const key = `${entry.framework}\0${entry.id}`;
      const found = byControl.get(key) ?? {
        framework: entry.framework,
        id: entry.id,
        title: entry.title,
        rules: [],
      };
      found.rules.push({
        rule: entry.rule,
        ...(entry.kind ? { kind: entry.kind } : {}),
        outcome: entry.outcome,
      });
      byControl.set(key, found);
    }
    for (const [key, found] of byControl) {
      const control = controls.get(key) ?? {
        framework: found.framework,
        id: found.id,
        title: found.title,
        changes: [],
      };
      control.title = found.title;
      control.changes.push(changeOf(record, found.rules));
      controls.set(key, control);
    }
  }
  return [...controls.values()].sort(
    (a, b) => a.framework.localeCompare(b.framework) || a.id.localeCompare(b.id, 'en', { numeric: true }),
  );
}

/** The frameworks the records name, sorted, each once (for the unknown `--framework` message). */
export function frameworksOf(records: readonly EvidenceRecord[]): string[] {
  const names = new Set<string>();
  for (const record of records) for (const entry of record.controls ?? []) names.add(entry.framework);
  return [...names].sort((a, b) => a.localeCompare(b));
}

function changeOf(record: EvidenceRecord, rules: ControlChange['rules']): ControlChange {
  const worst = rules.reduce<RuleOutcome>(
    (current, rule) =>
      OUTCOME_ORDER.indexOf(rule.outcome) > OUTCOME_ORDER.indexOf(current) ? rule.outcome : current,
    'passed',
  );
  return {
    sequence: record.sequence,
    hash: record.hash,
    recordedAt: record.recordedAt,
    kind: record.kind,
    outcome: record.outcome,
    proposal: {
      id: record.proposal.id,
      file: record.proposal.file,
      ...(record.proposal.title !== undefined ? { title: record.proposal.title } : {}),
      ...(record.proposal.type !== undefined ? { type: record.proposal.type } : {}),
      ...(record.proposal.risk !== undefined ? { risk: record.proposal.risk } : {}),
    },
    commit: record.commit,
    pullRequest: record.pullRequest,
    requester: record.requester,
    approvers: record.approvers,
    finishedAt: record.finishedAt,
    rules,
    controlOutcome: worst,
  };
}
