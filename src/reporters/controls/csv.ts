/**
 * `audit export --by-control --format csv`: RFC 4180, one row per control and change, sorted by
 * control, then by the record's place in the chain. A control no change exercised has no row.
 */
import type { ControlChange, ControlEvidence } from '../../audit/by-control.js';
import { type Cell, csvDocument } from '../export/csv.js';
import type { ControlExportOutput } from './output.js';

/** Columns, in order: header → value. New columns go at the end, so existing spreadsheets keep their places. */
const COLUMNS: [string, (control: ControlEvidence, change: ControlChange) => Cell][] = [
  ['framework', (control) => control.framework],
  ['control_id', (control) => control.id],
  ['control_title', (control) => control.title],
  ['control_outcome', (_, change) => change.controlOutcome],
  ['rules', (_, change) => change.rules.map((rule) => `${rule.rule}: ${rule.outcome}`).join('; ')],
  ['proposal_id', (_, change) => change.proposal.id],
  ['proposal_title', (_, change) => change.proposal.title],
  ['proposal_file', (_, change) => change.proposal.file],
  ['change_kind', (_, change) => change.kind],
  ['change_outcome', (_, change) => change.outcome],
  ['commit', (_, change) => change.commit],
  ['pull_request', (_, change) => change.pullRequest?.url ?? change.pullRequest?.number],
  ['requester', (_, change) => change.requester.github],
  [
    'approvers',
    (_, change) =>
      change.approvers
        .map(
          (approver) =>
            `${approver.user}${approver.team ? ` (${approver.team})` : ''}${approver.at ? ` ${approver.at}` : ''}`,
        )
        .join('; '),
  ],
  ['finished_at', (_, change) => change.finishedAt],
  ['sequence', (_, change) => change.sequence],
  ['record_hash', (_, change) => change.hash],
];

export function renderControlExportCsv({ controls }: ControlExportOutput): string {
  return csvDocument(
    COLUMNS.map(([header]) => header),
    controls.flatMap((control) =>
      control.changes.map((change) => COLUMNS.map(([, value]) => value(control, change))),
    ),
  );
}
