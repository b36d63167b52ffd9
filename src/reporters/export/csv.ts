/** `audit export --format csv`: RFC 4180, one row per evidence record, for auditors' spreadsheets. */
import type { EvidenceRecord } from '../../audit/types.js';
import type { ExportOutput } from './output.js';

/** Columns, in order: header → value. */
const COLUMNS: [string, (record: EvidenceRecord) => string | number | undefined][] = [
  ['sequence', (record) => record.sequence],
  ['recorded_at', (record) => record.recordedAt],
  ['kind', (record) => record.kind],
  ['outcome', (record) => record.outcome],
  ['proposal_id', (record) => record.proposal.id],
  ['proposal_title', (record) => record.proposal.title],
  ['proposal_file', (record) => record.proposal.file],
  ['proposal_blob', (record) => record.proposal.blob ?? undefined],
  ['change_type', (record) => record.proposal.type],
  ['risk', (record) => record.proposal.risk],
  ['domain', (record) => record.proposal.domain],
  ['sites', (record) => record.proposal.targets?.sites?.join(' ')],
  ['devices', (record) => record.proposal.targets?.devices?.join(' ')],
  ['timezone', (record) => record.proposal.timezone],
  ['commit', (record) => record.commit],
  ['pull_request', (record) => record.pullRequest?.url ?? record.pullRequest?.number],
  ['requester', (record) => record.requester.github],
  ['requester_team', (record) => record.requester.team],
  ['actor', (record) => record.actor.name],
  ['actor_kind', (record) => record.actor.kind],
  ['actor_team', (record) => record.actor.team],
  [
    'approvers',
    (record) =>
      record.approvers
        .map(
          (approver) =>
            `${approver.user}${approver.team ? ` (${approver.team})` : ''}${approver.at ? ` ${approver.at}` : ''}`,
        )
        .join('; '),
  ],
  ['window', (record) => record.window.status],
  ['windows', (record) => record.window.windows?.join(' ')],
  ['window_message', (record) => record.window.message],
  ['started_at', (record) => record.startedAt],
  ['finished_at', (record) => record.finishedAt],
  [
    'steps',
    (record) =>
      record.steps.map((step) => `${step.name} [${step.tool}] exit ${step.exitCode ?? 'none'}`).join('; '),
  ],
  [
    'diff_summary',
    (record) =>
      record.steps
        .map((step) => step.diffSummary)
        .filter(Boolean)
        .join('; '),
  ],
  ['verification', (record) => record.verification.status],
  ['rollback', (record) => record.rollback.status],
  ['retrospective_due', (record) => record.retrospectiveDue ?? undefined],
  ['incident', (record) => record.proposal.incident],
  ['previous_hash', (record) => record.previousHash ?? undefined],
  ['hash', (record) => record.hash],
];

/** The export's records as CSV. */
export function renderExportCsv({ records }: ExportOutput): string {
  return exportCsv(records);
}

/** RFC 4180 CSV: CRLF line ends, a header row, fields quoted when they hold a comma, quote or line break. */
export function exportCsv(records: readonly EvidenceRecord[]): string {
  const rows = [COLUMNS.map(([header]) => header)];
  for (const record of records) rows.push(COLUMNS.map(([, value]) => csvText(value(record))));
  return rows
    .map((row) => row.map(quoteCsv).join(','))
    .join('\r\n')
    .concat('\r\n');
}

function csvText(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  // why: a cell starting with = + - @ is run as a formula by spreadsheets (CSV injection); a leading
  // apostrophe makes it text. Numbers and ISO times never start with these.
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

function quoteCsv(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
