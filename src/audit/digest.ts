/**
 * The morning digest: what changed in a period, told for the team that was asleep. Pure: records
 * and the period come in, a Digest and its renderings go out.
 */

import { formatLocalAndUtc, formatSpanLocalAndUtc, formatUtcTime } from '../core/time.js';
import { isStartedRecord, openChanges } from './open-changes.js';
import type { EvidenceRecord } from './types.js';

export const DIGEST_FORMATS = ['text', 'markdown', 'json'] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export interface DigestOptions {
  /** Start of the period (inclusive), matched against each record's finishedAt. */
  since: Date;
  /** End of the period (exclusive). */
  until: Date;
  /** Only changes this team requested, ran or approved. */
  team?: string;
}

export interface Digest {
  since: string;
  until: string;
  team?: string;
  /** Failed, rolled-back and interrupted changes (started, no result): read these first. */
  attention: EvidenceRecord[];
  /** Emergency changes and window overrides that succeeded, with retrospective due dates. */
  emergency: EvidenceRecord[];
  /** Everything else that succeeded. */
  other: EvidenceRecord[];
  /** Stored files that could not be read as records (run `netchange audit verify`). */
  unreadable: string[];
}

/**
 * Sorts the period's records into the digest's three sections, each in the order the changes started.
 * A started record is shown only when no finished record follows it (in `records`, which may reach
 * past the period): the change was interrupted, or is still running.
 */
export function buildDigest(
  records: readonly EvidenceRecord[],
  options: DigestOptions,
  unreadable: readonly string[] = [],
): Digest {
  const since = options.since.getTime();
  const until = options.until.getTime();
  const open = new Set(openChanges(records));
  const inPeriod = records
    .filter((record) => !isStartedRecord(record) || open.has(record))
    .filter((record) => {
      const finished = Date.parse(record.finishedAt);
      return finished >= since && finished < until;
    })
    .filter((record) => !options.team || involves(record, options.team))
    .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt) || a.sequence - b.sequence);
  const digest: Digest = {
    since: options.since.toISOString(),
    until: options.until.toISOString(),
    ...(options.team ? { team: options.team } : {}),
    attention: [],
    emergency: [],
    other: [],
    unreadable: [...unreadable],
  };
  for (const record of inPeriod) {
    if (record.outcome !== 'succeeded') digest.attention.push(record);
    else if (isEmergency(record) || record.retrospectiveDue) digest.emergency.push(record);
    else digest.other.push(record);
  }
  return digest;
}

function involves(record: EvidenceRecord, team: string): boolean {
  return (
    record.requester.team === team ||
    record.actor.team === team ||
    record.approvers.some((approver) => approver.team === team)
  );
}

function isEmergency(record: EvidenceRecord): boolean {
  return record.kind === 'emergency' || record.proposal.type === 'emergency';
}

export function renderDigest(digest: Digest, format: DigestFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(digestJson(digest), null, 2)}\n`;
    case 'markdown':
      return renderMarkdown(digest);
    default:
      return renderText(digest);
  }
}

function digestJson(digest: Digest) {
  const all = [...digest.attention, ...digest.emergency, ...digest.other];
  return {
    schemaVersion: 1,
    since: digest.since,
    until: digest.until,
    ...(digest.team ? { team: digest.team } : {}),
    summary: summaryCounts(all),
    attention: digest.attention,
    emergency: digest.emergency,
    other: digest.other,
    unreadable: digest.unreadable,
  };
}

function summaryCounts(records: readonly EvidenceRecord[]) {
  return {
    changes: records.length,
    failed: records.filter((record) => record.outcome === 'failed').length,
    rolledBack: records.filter((record) => record.outcome === 'rolled-back').length,
    interrupted: records.filter((record) => record.outcome === 'started').length,
    emergency: records.filter(isEmergency).length,
    succeeded: records.filter((record) => record.outcome === 'succeeded').length,
  };
}

function periodText(digest: Digest): string {
  return `${utcText(digest.since)} and ${utcText(digest.until)}${digest.team ? ` for team ${digest.team}` : ''}`;
}

function summaryText(digest: Digest): string {
  const counts = summaryCounts([...digest.attention, ...digest.emergency, ...digest.other]);
  const parts = [
    counts.failed ? `${counts.failed} failed` : '',
    counts.rolledBack ? `${counts.rolledBack} rolled back` : '',
    counts.interrupted ? `${counts.interrupted} interrupted` : '',
    counts.emergency ? `${counts.emergency} emergency` : '',
    `${counts.succeeded} succeeded`,
  ].filter(Boolean);
  return `${counts.changes} ${counts.changes === 1 ? 'change' : 'changes'}: ${parts.join(', ')}`;
}

/** The facts every rendering shows for one change, as label → text. */
function describeRecord(record: EvidenceRecord): [string, string][] {
  const zone = record.proposal.timezone;
  const requester = `${record.requester.github} (${record.requester.team}) requested`;
  const actor = `${record.actor.name} (${record.actor.kind}${record.actor.team ? `, ${record.actor.team}` : ''}) ran it`;
  const facts: [string, string][] = [
    ['who', `${requester}; ${actor}`],
    ['when', spanText(record.startedAt, record.finishedAt, zone)],
  ];
  const where = [...(record.proposal.targets?.sites ?? []), ...(record.proposal.targets?.devices ?? [])];
  if (where.length > 0) facts.push(['where', where.join(', ')]);
  facts.push(['window', describeWindow(record)]);
  facts.push([
    'approvals',
    record.approvers.length === 0
      ? 'none recorded'
      : record.approvers
          .map(
            (approver) =>
              `${approver.user}${approver.team ? ` (${approver.team})` : ''}${approver.at ? ` at ${timeText(approver.at, zone)}` : ''}`,
          )
          .join('; '),
  ]);
  facts.push(['diff', diffSummary(record)]);
  facts.push(['result', describeResult(record)]);
  if (record.retrospectiveDue) facts.push(['retrospective due', timeText(record.retrospectiveDue, zone)]);
  if (record.proposal.incident) facts.push(['incident', record.proposal.incident]);
  facts.push([
    'pull request',
    record.pullRequest ? (record.pullRequest.url ?? `#${record.pullRequest.number}`) : 'none',
  ]);
  facts.push([
    'evidence',
    `record #${record.sequence}, commit ${record.commit.slice(0, 12)}, ${record.proposal.file}`,
  ]);
  return facts;
}

function describeWindow(record: EvidenceRecord): string {
  const names = record.window.windows?.length ? ` (${record.window.windows.join(', ')})` : '';
  const message = record.window.message ? `: ${record.window.message}` : '';
  return `${record.window.status}${names}${message}`;
}

function diffSummary(record: EvidenceRecord): string {
  const summaries = record.steps
    .filter((step) => step.phase === undefined || step.phase === 'execution')
    .map((step) => (step.diffSummary ? `${step.name}: ${step.diffSummary}` : undefined))
    .filter((summary): summary is string => summary !== undefined);
  return summaries.length > 0 ? summaries.join('; ') : 'no changes reported';
}

function describeResult(record: EvidenceRecord): string {
  if (isStartedRecord(record)) {
    return `started ${timeText(record.startedAt, record.proposal.timezone)}, no result: the run was interrupted (or is still running); check the devices`;
  }
  const parts: string[] = [record.outcome];
  const failedStep = record.steps.find(
    (step) => step.exitCode !== 0 && step.exitCode !== null && step.status !== 'skipped',
  );
  if (failedStep) parts.push(`step ${failedStep.name} exited ${failedStep.exitCode}`);
  if (record.verification.status !== 'none') {
    parts.push(
      `verification ${record.verification.status}${record.verification.message ? ` (${record.verification.message})` : ''}`,
    );
  }
  if (record.rollback.status !== 'not-needed') {
    parts.push(
      `rollback ${record.rollback.status}${record.rollback.message ? ` (${record.rollback.message})` : ''}`,
    );
  }
  return parts.join('; ');
}

function headline(record: EvidenceRecord): string {
  const marker =
    record.outcome === 'failed'
      ? 'FAILED'
      : record.outcome === 'rolled-back'
        ? 'ROLLED BACK'
        : record.outcome === 'started'
          ? 'INTERRUPTED'
          : isEmergency(record)
            ? 'EMERGENCY'
            : 'OK';
  return `${marker}  ${record.proposal.id}${record.proposal.title ? ` ${record.proposal.title}` : ''}`;
}

const SECTIONS = [
  ['attention', 'Failed, rolled back and interrupted'],
  ['emergency', 'Emergency changes and window overrides'],
  ['other', 'Other changes'],
] as const;

function renderText(digest: Digest): string {
  const lines = [`netchange digest: changes between ${periodText(digest)}`, ''];
  const total = digest.attention.length + digest.emergency.length + digest.other.length;
  if (total === 0) {
    lines.push(`No changes were recorded between ${periodText(digest)}.`);
  } else {
    lines.push(summaryText(digest));
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length === 0) continue;
      lines.push('', `== ${title} (${records.length}) ==`);
      for (const record of records) {
        lines.push('', headline(record));
        const facts = describeRecord(record);
        const width = Math.max(...facts.map(([label]) => label.length)) + 1;
        for (const [label, text] of facts) lines.push(`  ${`${label}:`.padEnd(width)} ${text}`);
      }
    }
  }
  if (digest.unreadable.length > 0) {
    lines.push(
      '',
      `Warning: ${digest.unreadable.length} evidence record(s) could not be read (${digest.unreadable.join(', ')}); run netchange audit verify.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function renderMarkdown(digest: Digest): string {
  const lines = [`## netchange digest`, '', `Changes between ${periodText(digest)}.`, ''];
  const total = digest.attention.length + digest.emergency.length + digest.other.length;
  if (total === 0) {
    lines.push(`**No changes were recorded between ${periodText(digest)}.**`);
  } else {
    lines.push(`**${summaryText(digest)}**`);
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length === 0) continue;
      lines.push('', `### ${title} (${records.length})`);
      for (const record of records) {
        const link = record.pullRequest?.url
          ? ` ([#${record.pullRequest.number}](${record.pullRequest.url}))`
          : '';
        lines.push('', `#### ${escapeMarkdown(headline(record))}${link}`, '');
        for (const [label, text] of describeRecord(record)) {
          const value =
            label === 'pull request' && record.pullRequest?.url
              ? `[#${record.pullRequest.number}](${record.pullRequest.url})`
              : escapeMarkdown(text);
          lines.push(`- **${label}:** ${value}`);
        }
      }
    }
  }
  if (digest.unreadable.length > 0) {
    lines.push(
      '',
      `> **Warning:** ${digest.unreadable.length} evidence record(s) could not be read (${digest.unreadable.map((file) => `\`${file}\``).join(', ')}); run \`netchange audit verify\`.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// why: titles and messages come from proposals and tool output; they must not turn into markup or links.
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|~])/g, '\\$1');
}

// why: records carry RFC 3339 strings; one that does not parse is shown as written, never hidden.
function timeText(iso: string, zone: string | undefined): string {
  const epochMs = Date.parse(iso);
  return Number.isNaN(epochMs) ? iso : formatLocalAndUtc(epochMs, zone);
}

function utcText(iso: string): string {
  const epochMs = Date.parse(iso);
  return Number.isNaN(epochMs) ? iso : formatUtcTime(epochMs);
}

function spanText(startIso: string, endIso: string, zone: string | undefined): string {
  const startMs = Date.parse(startIso);
  const endMs = Date.parse(endIso);
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) return `${startIso} – ${endIso}`;
  return formatSpanLocalAndUtc(startMs, endMs, zone);
}
