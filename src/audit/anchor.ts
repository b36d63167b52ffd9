/**
 * Chain-head anchors: the sequence and hash of the newest record, published outside git (apply
 * comments, the pull request's check run, the daily digest issue) in one stable machine-readable
 * form, so `audit verify --github` / `--expect` can tell a wound-back or rewritten chain.
 */
import { usageError } from '../core/errors.js';
import type { ChainTip } from './chain.js';
import type { ExpectedHead } from './verify.js';

const MARKER = /<!-- netchange-evidence-head: (\d+) sha256:([0-9a-f]{64}) -->/g;
const EXPECTATION = /^(\d+):(?:sha256:)?([0-9a-f]{64})$/;

/** The hidden marker: `<!-- netchange-evidence-head: 42 sha256:<64 hex> -->`. */
export function anchorMarker(head: ChainTip): string {
  return `<!-- netchange-evidence-head: ${head.sequence} sha256:${head.hash} -->`;
}

/** The line people read (markdown), with the command that checks it. */
export function anchorLine(head: ChainTip): string {
  return `Evidence chain head: record #${head.sequence} \`sha256:${head.hash}\` (check: \`netchange audit verify --expect ${head.sequence}:sha256:${head.hash}\`)`;
}

/** Marker and line together, for a markdown body. */
export function anchorBlock(head: ChainTip): string {
  return `${anchorMarker(head)}\n<sub>${anchorLine(head)}</sub>`;
}

/** Every anchor marker in a text, in order. */
export function findAnchors(text: string): ChainTip[] {
  return [...text.matchAll(MARKER)].map((match) => ({
    sequence: Number(match[1]),
    hash: match[2] as string,
  }));
}

/** `--expect SEQ:HASH` (HASH with or without `sha256:`). */
export function parseExpectation(value: string): ExpectedHead {
  const match = EXPECTATION.exec(value.trim().toLowerCase());
  // why: a sequence past 2^53 reads as another number (99999999999999999999 as 1e20), so the
  // verdict would name an anchor nobody published; no chain holds that many records.
  if (!match || Number(match[1]) < 1 || !Number.isSafeInteger(Number(match[1])))
    throw usageError(
      `--expect '${value}' is not SEQUENCE:HASH`,
      'Copy it from an anchor, e.g. --expect 42:sha256:9c1f… (64 hex digits), as `audit verify` prints the head.',
    );
  return { sequence: Number(match[1]), hash: match[2] as string, source: `--expect ${value.trim()}` };
}
