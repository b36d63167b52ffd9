/**
 * The facts every digest format shows, in the same words: the period, the counts, and per change
 * who, when (local and UTC), where, window, approvals, diff, result and evidence.
 */
import { type Digest, isEmergency } from '../../audit/digest.js';
import { isStartedRecord } from '../../audit/open-changes.js';
import type { DriftEvidenceRecord, EvidenceRecord } from '../../audit/types.js';
import { MAX_MESSAGE_LENGTH } from '../../core/findings.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc, formatUtcTime } from '../../core/time.js';
import type { WatchedAlert } from '../../runs/apply-watch.js';

/** How many changes of each outcome the records hold (JSON `summary`, the text's count line). */
export function summaryCounts(records: readonly EvidenceRecord[]) {
  return {
    changes: records.length,
    failed: records.filter((record) => record.outcome === 'failed').length,
    rolledBack: records.filter((record) => record.outcome === 'rolled-back').length,
    interrupted: records.filter((record) => record.outcome === 'started').length,
    emergency: records.filter(isEmergency).length,
    succeeded: records.filter((record) => record.outcome === 'succeeded').length,
  };
}

/** `<since> and <until>[ for team T]`, in UTC. */
export function periodText(digest: Digest): string {
  return `${utcText(digest.since)} and ${utcText(digest.until)}${digest.team ? ` for team ${digest.team}` : ''}`;
}

/** `3 changes: 1 failed, 2 succeeded`. */
export function summaryText(digest: Digest): string {
  const counts = summaryCounts([...digest.attention, ...digest.emergency, ...digest.other]);
  const parts = [
    counts.failed ? `${counts.failed} failed` : '',
    counts.rolledBack ? `${counts.rolledBack} rolled back` : '',
    counts.interrupted ? `${counts.interrupted} interrupted` : '',
    counts.emergency ? `${counts.emergency} emergency` : '',
    `${counts.succeeded} succeeded`,
  ].filter(Boolean);
  const detected = digest.outside.filter((record) => record.kind === 'drift-detected').length;
  const outside =
    digest.outside.length > 0
      ? `; changed outside netchange: ${detected} detected, ${digest.outside.length - detected} resolved`
      : '';
  return `${counts.changes} ${counts.changes === 1 ? 'change' : 'changes'}: ${parts.join(', ')}${outside}`;
}

/** True when the digest has nothing to show: no change and no drift in the period. */
export function isEmptyDigest(digest: Digest): boolean {
  return (
    digest.attention.length + digest.emergency.length + digest.other.length + digest.outside.length === 0
  );
}

/** The facts every rendering shows for one change, as label → text. */
export function describeRecord(record: EvidenceRecord): [string, string][] {
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
  const holds = describeHolds(record);
  if (holds) facts.push(['holds', holds]);
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

/**
 * The maintenance silences and the alerts at the change's places before and after, in one line:
 * "silence 1f2e… (instance=~"(sw-1)(:.*)?") expired 02:41; alerts before: none; after: 1 (LinkDown sw-1)".
 */
function describeHolds(record: EvidenceRecord): string | undefined {
  const holds = record.holds;
  if (!holds) return undefined;
  const zone = record.proposal.timezone;
  const parts: string[] = [];
  if (holds.stoppedBy) parts.push(`stopped between steps: ${holds.stoppedBy}`);
  for (const silence of holds.silences) {
    if (holds.silences.some((other) => other.replaces === silence.id)) continue;
    const ending = silence.expiredAt
      ? `expired ${timeText(silence.expiredAt, zone)}`
      : `ends ${timeText(silence.endsAt, zone)}`;
    parts.push(`silence ${silence.id} (${silence.matchers.join(', ')}) ${ending}`);
  }
  const alerts = (list: readonly WatchedAlert[]) =>
    list.length === 0
      ? 'none'
      : `${list.length} (${list.map((alert) => [alert.labels.alertname ?? 'alert', alert.labels.instance].filter(Boolean).join(' ')).join(', ')})`;
  parts.push(`alerts before: ${alerts(holds.alertsBefore)}; after: ${alerts(holds.alertsAfter)}`);
  if (holds.warnings.length > 0) parts.push(`warnings: ${holds.warnings.join('; ')}`);
  return parts.join('; ');
}

function describeWindow(record: EvidenceRecord): string {
  // why: one short line. The findings' particulars belong in the validation report; a record's
  // message from an older netchange can be a thousand characters, so only a short one is kept.
  const windows = record.window.windows ?? [];
  if (record.window.status === 'bypassed')
    return `bypassed (emergency)${windows.length ? `: ${windows.join(', ')}` : ''}`;
  const status = record.window.status;
  const names = windows.length ? ` (${windows.join(', ')})` : '';
  const message =
    record.window.message && record.window.message.length <= MAX_MESSAGE_LENGTH
      ? `: ${record.window.message}`
      : '';
  return `${status}${names}${message}`;
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

/** `FAILED  CHG-1 title`: the outcome first, so a reader scanning the list sees failures. */
export function headline(record: EvidenceRecord): string {
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
  return `${marker}  ${record.proposal.id}${record.proposal.title ? ` ${oneLine(record.proposal.title)}` : ''}`;
}

// why: a title is one line, but evidence records written before the schema said so (and text from
// tools) can hold line breaks; one rendered as it is would start a heading, a list item or a fake
// section in the digest, the CAB pack, the schedule or a chat message.
/** `text` on one line: every run of line breaks (and the spaces around it) becomes one space. */
export function oneLine(text: string): string {
  return text.replace(/[^\S\r\n\u2028\u2029\u0085\v\f]*[\r\n\u2028\u2029\u0085\v\f]+\s*/g, ' ').trim();
}

/** The digest's sections of changes, in reading order: what needs attention first. */
export const SECTIONS = [
  ['attention', 'Failed, rolled back and interrupted'],
  ['emergency', 'Emergency changes and window overrides'],
  ['other', 'Other changes'],
] as const;

/** The drift section's title; it is read right after the failures. */
export const OUTSIDE_TITLE = 'Changed outside netchange';

/** `DRIFT  r2 (ansible) out-of-band` or `RESOLVED  r2 (ansible)`. */
export function driftHeadline(record: DriftEvidenceRecord): string {
  const target = `${record.target.name} (${record.target.kind})`;
  return record.kind === 'drift-detected'
    ? `DRIFT  ${target} ${record.explanation.kind}`
    : `RESOLVED  ${target}`;
}

/** The facts every rendering shows for one drift record, as label → text. */
export function describeDrift(record: DriftEvidenceRecord, zone: string | undefined): [string, string][] {
  const facts: [string, string][] = [['first seen', timeText(record.firstSeen, zone)]];
  if (record.kind === 'drift-resolved') {
    facts.push([
      'resolved',
      `${record.resolution === 'ignored' ? 'now hidden by an ignore rule' : 'back in sync'}, checked ${timeText(record.checkedAt, zone)}`,
    ]);
  } else if (record.checkedAt !== record.firstSeen) {
    facts.push(['changed', `the drift changed, checked ${timeText(record.checkedAt, zone)}`]);
  }
  facts.push(['explanation', describeExplanation(record, zone)]);
  facts.push(['diff', record.diffSummary]);
  facts.push(['intended state', `commit ${record.commit.slice(0, 12)}`]);
  facts.push([
    'checked by',
    `${record.actor.name} (${record.actor.kind}${record.actor.team ? `, ${record.actor.team}` : ''})`,
  ]);
  facts.push(['evidence', `record #${record.sequence}`]);
  return facts;
}

/** Lines of a drift's diff the digest shows; the rest is in the record (`netchange audit export`). */
export const DIFF_LINES_SHOWN = 20;

/** The first DIFF_LINES_SHOWN lines of a drift's diff, and a line saying how many more there are. */
export function diffExcerpt(diff: string): string[] {
  const lines = diff.trimEnd().split('\n');
  if (lines.length <= DIFF_LINES_SHOWN) return lines;
  return [
    ...lines.slice(0, DIFF_LINES_SHOWN),
    `… ${lines.length - DIFF_LINES_SHOWN} more lines in the evidence record (netchange audit export)`,
  ];
}

function describeExplanation(record: DriftEvidenceRecord, zone: string | undefined): string {
  const { kind, proposal, evidence } = record.explanation;
  const named = proposal
    ? `${proposal.id}${proposal.title ? ` ${oneLine(proposal.title)}` : ''} (${proposal.file})`
    : '';
  if (kind === 'applied-not-merged') {
    const pull = evidence?.pullRequest ? ` from pull request #${evidence.pullRequest}` : '';
    const where = evidence
      ? `: evidence record #${evidence.sequence}, commit ${evidence.commit.slice(0, 12)}`
      : '';
    return `applied but not merged: ${named}${pull}${where}`;
  }
  if (kind === 'merged-not-applied') {
    const slot = proposal?.slot ? `; slot ${slotText(proposal.slot.start, proposal.slot.end, zone)}` : '';
    return `merged but not applied yet: ${named}${slot}`;
  }
  return 'out-of-band: no netchange change explains it';
}

// why: a slot is kept as the proposal wrote it (a local time without an offset is not an instant).
function slotText(start: string, end: string, zone: string | undefined): string {
  const startMs = Date.parse(start);
  const endMs = Date.parse(end);
  const instant = /(Z|[+-]\d{2}:?\d{2})$/i;
  if (!instant.test(start) || !instant.test(end) || Number.isNaN(startMs) || Number.isNaN(endMs))
    return `${start} – ${end}`;
  return formatSpanLocalAndUtc(startMs, endMs, zone);
}

// why: records carry RFC 3339 strings; one that does not parse is shown as written, never hidden.
export function timeText(iso: string, zone: string | undefined): string {
  const epochMs = Date.parse(iso);
  return Number.isNaN(epochMs) ? iso : formatLocalAndUtc(epochMs, zone);
}

function utcText(iso: string): string {
  const epochMs = Date.parse(iso);
  return Number.isNaN(epochMs) ? iso : formatUtcTime(epochMs);
}

/** A record's start–end span in the display format (as written when either end does not parse). */
export function spanText(startIso: string, endIso: string, zone: string | undefined): string {
  const startMs = Date.parse(startIso);
  const endMs = Date.parse(endIso);
  if (Number.isNaN(startMs) || Number.isNaN(endMs)) return `${startIso} – ${endIso}`;
  return formatSpanLocalAndUtc(startMs, endMs, zone);
}
