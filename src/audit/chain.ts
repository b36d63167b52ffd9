/**
 * The hash chain, as pure functions: where a record lives, how a draft becomes a chained record,
 * and how stored bytes turn back into records.
 */

import { canonicalJson } from '../core/canonical-json.js';
import { createRedactor, type Redactor } from '../redact/index.js';
import { hashRecord } from './canonical-json.js';
import type { EvidenceDraft, EvidenceRecord, EvidenceStep } from './types.js';

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

/** Gives a draft its place after `tip` (undefined: the first record) and its hash. */
export function chainRecord(
  draft: EvidenceDraft,
  tip: ChainTip | undefined,
  recordedAt: Date,
): EvidenceRecord {
  const record = {
    ...draft,
    schemaVersion: 1 as const,
    sequence: tip ? tip.sequence + 1 : 1,
    previousHash: tip ? tip.hash : null,
    recordedAt: recordedAt.toISOString(),
    hash: '',
  };
  record.hash = hashRecord(record);
  return record;
}

/** The bytes stored for a record: canonical JSON on one line. */
export function serialiseRecord(record: EvidenceRecord): string {
  return `${canonicalJson(record)}\n`;
}

/** Strips a stored record back to a draft (to re-chain it onto another tip), keeping its recordedAt. */
export function draftOf(record: EvidenceRecord): { draft: EvidenceDraft; recordedAt: Date } {
  const { schemaVersion: _v, sequence: _s, previousHash: _p, hash: _h, recordedAt, ...draft } = record;
  return { draft, recordedAt: new Date(recordedAt) };
}

/**
 * Redacts the free-text parts of a draft (argv, diffs, messages) and caps diffs. Identifiers,
 * hashes and times are left alone: they are not secrets and must stay exact.
 */
export function redactDraft(
  draft: EvidenceDraft,
  redactor: Redactor = createRedactor({ env: process.env }),
): EvidenceDraft {
  const text = (value: string | undefined) => (value === undefined ? undefined : redactor.redactText(value));
  const steps = draft.steps.map((step): EvidenceStep => {
    const redacted: EvidenceStep = {
      ...step,
      argv: step.argv.map((argument) => redactor.redactText(argument)),
    };
    if (step.diffSummary !== undefined) redacted.diffSummary = redactor.redactText(step.diffSummary);
    if (step.diff !== undefined) {
      // why: redact before cutting, so a secret straddling the cut cannot leave half of itself behind.
      const diff = redactor.redactText(step.diff);
      if (diff.length > MAX_DIFF_CHARACTERS) {
        redacted.diff = `${diff.slice(0, MAX_DIFF_CHARACTERS)}\n… ${diff.length - MAX_DIFF_CHARACTERS} more characters cut\n`;
        redacted.diffTruncated = true;
      } else {
        redacted.diff = diff;
      }
    }
    return redacted;
  });
  const withMessage = <T extends { message?: string }>(part: T): T =>
    part.message === undefined ? part : { ...part, message: text(part.message) as string };
  return {
    ...draft,
    steps,
    window: withMessage(draft.window),
    verification: withMessage(draft.verification),
    rollback: withMessage(draft.rollback),
  };
}
