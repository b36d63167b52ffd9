/**
 * `audit export --format csv`: RFC 4180, one row per evidence record, for auditors' spreadsheets.
 * Change and drift records share one header: a drift record leaves the proposal columns empty and
 * fills the target ones, a change record the reverse.
 */
import {
  type AnyEvidenceRecord,
  type DriftEvidenceRecord,
  type EvidenceRecord,
  isDriftRecord,
} from '../../audit/types.js';
import type { ExportOutput } from './output.js';

/** A cell's value: empty when undefined. */
export type Cell = string | number | undefined;

/** A column only change records fill. */
function ofChange(value: (record: EvidenceRecord) => Cell): (record: AnyEvidenceRecord) => Cell {
  return (record) => (isDriftRecord(record) ? undefined : value(record));
}

/** A column only drift records fill. */
function ofDrift(value: (record: DriftEvidenceRecord) => Cell): (record: AnyEvidenceRecord) => Cell {
  return (record) => (isDriftRecord(record) ? value(record) : undefined);
}

/** Columns, in order: header → value. New columns go at the end, so existing spreadsheets keep their places. */
const COLUMNS: [string, (record: AnyEvidenceRecord) => Cell][] = [
  ['sequence', (record) => record.sequence],
  ['recorded_at', (record) => record.recordedAt],
  ['kind', (record) => record.kind],
  ['outcome', ofChange((record) => record.outcome)],
  ['proposal_id', ofChange((record) => record.proposal.id)],
  ['proposal_title', ofChange((record) => record.proposal.title)],
  ['proposal_file', ofChange((record) => record.proposal.file)],
  ['proposal_blob', ofChange((record) => record.proposal.blob ?? undefined)],
  ['change_type', ofChange((record) => record.proposal.type)],
  ['risk', ofChange((record) => record.proposal.risk)],
  ['domain', ofChange((record) => record.proposal.domain)],
  ['sites', ofChange((record) => record.proposal.targets?.sites?.join(' '))],
  ['devices', ofChange((record) => record.proposal.targets?.devices?.join(' '))],
  ['timezone', ofChange((record) => record.proposal.timezone)],
  ['commit', (record) => record.commit],
  ['pull_request', ofChange((record) => record.pullRequest?.url ?? record.pullRequest?.number)],
  ['requester', ofChange((record) => record.requester.github)],
  ['requester_team', ofChange((record) => record.requester.team)],
  ['actor', (record) => record.actor.name],
  ['actor_kind', (record) => record.actor.kind],
  ['actor_team', (record) => record.actor.team],
  [
    'approvers',
    ofChange((record) =>
      record.approvers
        .map(
          (approver) =>
            `${approver.user}${approver.team ? ` (${approver.team})` : ''}${approver.at ? ` ${approver.at}` : ''}`,
        )
        .join('; '),
    ),
  ],
  ['window', ofChange((record) => record.window.status)],
  ['windows', ofChange((record) => record.window.windows?.join(' '))],
  ['window_message', ofChange((record) => record.window.message)],
  ['started_at', ofChange((record) => record.startedAt)],
  ['finished_at', ofChange((record) => record.finishedAt)],
  [
    'steps',
    ofChange((record) =>
      record.steps.map((step) => `${step.name} [${step.tool}] exit ${step.exitCode ?? 'none'}`).join('; '),
    ),
  ],
  [
    'diff_summary',
    (record) =>
      isDriftRecord(record)
        ? record.diffSummary
        : record.steps
            .map((step) => step.diffSummary)
            .filter(Boolean)
            .join('; '),
  ],
  ['verification', ofChange((record) => record.verification.status)],
  ['rollback', ofChange((record) => record.rollback.status)],
  ['retrospective_due', ofChange((record) => record.retrospectiveDue ?? undefined)],
  ['incident', ofChange((record) => record.proposal.incident)],
  ['previous_hash', (record) => record.previousHash ?? undefined],
  ['hash', (record) => record.hash],
  ['target', ofDrift((record) => record.target.name)],
  ['target_kind', ofDrift((record) => record.target.kind)],
  ['drift_digest', ofDrift((record) => record.digest)],
  ['explanation', ofDrift((record) => describeExplanation(record))],
  ['first_seen', ofDrift((record) => record.firstSeen)],
  ['checked_at', ofDrift((record) => record.checkedAt)],
  ['resolution', ofDrift((record) => record.resolution)],
];

/** `applied-not-merged CHG-3 #31 record 4`: the explanation's kind and what it names. */
function describeExplanation(record: DriftEvidenceRecord): string {
  const { kind, proposal, evidence } = record.explanation;
  const named = [
    proposal?.id,
    evidence?.pullRequest ? `#${evidence.pullRequest}` : undefined,
    evidence ? `record ${evidence.sequence}` : undefined,
    proposal?.slot ? `slot ${proposal.slot.start}/${proposal.slot.end}` : undefined,
  ].filter(Boolean);
  return [kind, ...named].join(' ');
}

/** The export's records as CSV. */
export function renderExportCsv({ records }: ExportOutput): string {
  return exportCsv(records);
}

/** RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold a comma, quote or line break. */
export function exportCsv(records: readonly AnyEvidenceRecord[]): string {
  return csvDocument(
    COLUMNS.map(([header]) => header),
    records.map((record) => COLUMNS.map(([, value]) => value(record))),
  );
}

/**
 * An RFC 4180 document: the header row, then one row per entry, CRLF after every row (the last
 * too). Every cell is made safe for spreadsheets first (see csvText), then quoted when it needs it.
 */
export function csvDocument(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header.map(quoteCsv), ...rows.map((row) => row.map((cell) => quoteCsv(csvText(cell))))]
    .map((row) => row.join(','))
    .join('\r\n')
    .concat('\r\n');
}

function csvText(value: Cell): string {
  if (value === undefined) return '';
  const text = String(value);
  // why: a cell starting with = + - @ is run as a formula by spreadsheets (CSV injection); a leading
  // apostrophe makes it text. Numbers and ISO times never start with these.
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function quoteCsv(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
