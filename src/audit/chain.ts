/**
 * The hash chain, as pure functions: where a record lives, how a draft becomes a chained record,
 * and how stored bytes turn back into records.
 */

import { canonicalJson } from '../core/canonical-json.js';
import { toRfc3339Utc } from '../core/time.js';
import { createRedactor, type Redactor } from '../redact/index.js';
import { canonicalRecordJson, hashRecord } from './canonical-json.js';
import {
  type AnyEvidenceDraft,
  type AnyEvidenceRecord,
  type DriftEvidenceDraft,
  type EvidenceDraft,
  type EvidenceStep,
  isDriftRecord,
} from './types.js';

/** Largest diff kept per step, in characters; the rest is cut and `diffTruncated` set. */
export const MAX_DIFF_CHARACTERS = 64 * 1024;

const RECORD_PATH = /^records\/(\d{10})\.json$/;

/** records/0000000042.json: zero-padded so the tree lists records in chain order. */
export function recordPath(sequence: number): string {
  return `records/${String(sequence).padStart(10, '0')}.json`;
}

/** The sequence a record path names, or undefined for a path that is not a record's. */
export function sequenceOfPath(file: string): number | undefined {
  const match = RECORD_PATH.exec(file);
  return match ? Number(match[1]) : undefined;
}

/** The place of the previous record in the chain. */
export interface ChainTip {
  sequence: number;
  hash: string;
}

/** The fields a draft gains when it is chained. */
export interface ChainFields {
  schemaVersion: 1;
  sequence: number;
  previousHash: string | null;
  hash: string;
  recordedAt: string;
}

/** Gives a draft its place after `tip` (undefined: the first record) and its hash. */
export function chainRecord<Draft extends AnyEvidenceDraft>(
  draft: Draft,
  tip: ChainTip | undefined,
  recordedAt: Date,
): Draft & ChainFields {
  const record = {
    ...draft,
    schemaVersion: 1 as const,
    sequence: tip ? tip.sequence + 1 : 1,
    previousHash: tip ? tip.hash : null,
    recordedAt: toRfc3339Utc(recordedAt.getTime()),
    hash: '',
  };
  record.hash = hashRecord(record);
  return record;
}

/** The bytes stored for a record: canonical JSON on one line. */
export function serialiseRecord(record: AnyEvidenceRecord): string {
  return `${canonicalJson(record)}\n`;
}

/**
 * True when `stored` is byte for byte what serialiseRecord writes for `value` (its parsed content).
 * why: JSON.parse keeps the last of two duplicate keys and forgets whitespace and escapes, so a file
 * can say something else to another reader (or to a quick look at its text) while its parsed value
 * still matches its hash; only the exact bytes make a record the one netchange wrote.
 */
export function isSerialisedRecord(stored: Buffer | string, value: unknown): boolean {
  const expected = `${canonicalRecordJson(value)}\n`;
  return typeof stored === 'string' ? stored === expected : stored.equals(Buffer.from(expected));
}

const FINISHED_AT = /"finishedAt":"([^"\\]{10,40})"/;

/**
 * The `finishedAt` a stored record's text states, read without parsing it, when the text can state
 * only one; undefined when the record must be parsed to know.
 * why: a digest over 12 hours of a 10,000-record chain parses only the records it shows. The quick
 * look is trusted only when the text names `finishedAt` once and holds no `\u` escape (the only way
 * to spell a key differently): in JSON a raw quote cannot sit inside a string, so that one match is
 * then the only finishedAt key there is. A duplicate key (JSON.parse keeps the last) or a nested one
 * is parsed, so the quick look never disagrees with what `audit verify` checked.
 */
export function statedFinishedAt(text: string): string | undefined {
  const first = text.indexOf('finishedAt');
  if (first < 0 || text.includes('finishedAt', first + 1) || text.includes('\\u')) return undefined;
  return FINISHED_AT.exec(text)?.[1];
}

/** Strips a stored record back to a draft (to re-chain it onto another tip), keeping its recordedAt. */
export function draftOf(record: AnyEvidenceRecord): { draft: AnyEvidenceDraft; recordedAt: Date } {
  const { schemaVersion: _v, sequence: _s, previousHash: _p, hash: _h, recordedAt, ...draft } = record;
  return { draft: draft as AnyEvidenceDraft, recordedAt: new Date(recordedAt) };
}

/** A diff as it is stored: redacted, then cut at MAX_DIFF_CHARACTERS. */
function storedDiff(redactor: Redactor, text: string): { diff: string; diffTruncated?: true } {
  // why: redact before cutting, so a secret straddling the cut cannot leave half of itself behind.
  const diff = redactor.redactText(text);
  if (diff.length <= MAX_DIFF_CHARACTERS) return { diff };
  return {
    diff: `${diff.slice(0, MAX_DIFF_CHARACTERS)}\n… ${diff.length - MAX_DIFF_CHARACTERS} more characters cut\n`,
    diffTruncated: true,
  };
}

/**
 * Redacts the free-text parts of a draft (argv, diffs, messages) and caps diffs. Identifiers,
 * hashes and times are left alone: they are not secrets and must stay exact.
 */
export function redactDraft<Draft extends AnyEvidenceDraft>(
  draft: Draft,
  redactor: Redactor = createRedactor({ env: process.env }),
): Draft {
  if (isDriftRecord(draft)) return redactDriftDraft(draft, redactor) as Draft;
  return redactChangeDraft(draft as EvidenceDraft, redactor) as Draft;
}

function redactDriftDraft(draft: DriftEvidenceDraft, redactor: Redactor): DriftEvidenceDraft {
  const { diff: _diff, diffTruncated: _truncated, ...rest } = draft;
  return {
    ...rest,
    diffSummary: redactor.redactText(draft.diffSummary),
    ...(draft.diff === undefined ? {} : storedDiff(redactor, draft.diff)),
  };
}

function redactChangeDraft(draft: EvidenceDraft, redactor: Redactor): EvidenceDraft {
  const text = (value: string | undefined) => (value === undefined ? undefined : redactor.redactText(value));
  const steps = draft.steps.map((step): EvidenceStep => {
    const redacted: EvidenceStep = {
      ...step,
      argv: step.argv.map((argument) => redactor.redactText(argument)),
    };
    if (step.diffSummary !== undefined) redacted.diffSummary = redactor.redactText(step.diffSummary);
    if (step.diff !== undefined) Object.assign(redacted, storedDiff(redactor, step.diff));
    return redacted;
  });
  const withMessage = <T extends { message?: string }>(part: T): T =>
    part.message === undefined ? part : { ...part, message: text(part.message) as string };
  return {
    ...draft,
    proposal:
      draft.proposal.title === undefined
        ? draft.proposal
        : { ...draft.proposal, title: text(draft.proposal.title) as string },
    steps,
    window: withMessage(draft.window),
    verification: withMessage(draft.verification),
    rollback: withMessage(draft.rollback),
    // why: the operator types the reason; a secret pasted into it is as secret as any other.
    ...(draft.reapply ? { reapply: { reason: redactor.redactText(draft.reapply.reason) } } : {}),
    ...(draft.holds ? { holds: redactor.redactValue(draft.holds) } : {}),
  };
}
