/**
 * Freezes as GitHub issues: an open issue labelled `netchange-freeze` whose body carries the
 * freeze as JSON in a hidden comment. Closing the issue lifts it; anyone who can open an issue can
 * freeze, which is the point: an on-call engineer freezes a site from a phone.
 */
import { NetchangeError } from '../core/errors.js';
import type { GitHubPort, IssueInfo } from '../github/port.js';
import { type Freeze, type FreezeReading, readFreeze } from './model.js';

export const FREEZE_LABEL = 'netchange-freeze';
/** Where the block's JSON starts: just before the `{` after the marker. */
const BLOCK_OPENING = /<!--\s*netchange-freeze\s+(?=\{)/;
/** Where the block's JSON may end: a `}` followed by the end of the comment. */
const BLOCK_CLOSING = /\}\s*-->/g;
/** The marker alone, to tell "a block netchange cannot read" from "no block at all". */
const BLOCK_MARKER = /<!--\s*netchange-freeze\b/;
/** The fields `freeze --github` writes, compared when it reads its issue back. */
const WRITTEN_FIELDS = ['sites', 'devices', 'until', 'reason', 'by', 'createdAt', 'types'] as const;

/** An open freeze issue that carries no freeze netchange can read, and why. */
export interface UnreadableFreezeIssue {
  number: number;
  /** Where a person opens it. */
  url?: string;
  /** What is wrong, as a phrase about the issue: "its netchange-freeze block is not JSON (…)". */
  problem: string;
}

/**
 * The freezes of the repository's open freeze issues, and the open ones that carry none netchange
 * can read. why: a freeze typed by hand (from a phone) with a trailing comma would otherwise hold
 * nothing without anyone being told; the holds stage reports those as a source it cannot read.
 */
export async function listFreezeIssues(
  github: GitHubPort,
): Promise<{ freezes: Freeze[]; unreadable: UnreadableFreezeIssue[] }> {
  const issues = await github.listIssuesWithLabel(FREEZE_LABEL);
  const freezes: Freeze[] = [];
  const unreadable: UnreadableFreezeIssue[] = [];
  for (const issue of issues) {
    if (issue.state !== 'open') continue;
    const reading = readFreezeIssue(issue);
    if ('freeze' in reading) freezes.push(reading.freeze);
    else
      unreadable.push({
        number: issue.number,
        ...(issue.htmlUrl ? { url: issue.htmlUrl } : {}),
        problem: reading.problem,
      });
  }
  return { freezes, unreadable };
}

/** The freeze an issue carries, or what keeps netchange from reading one. */
export function readFreezeIssue(issue: IssueInfo): FreezeReading {
  const candidates = blockCandidates(issue.body);
  if (candidates.length === 0)
    return {
      problem: BLOCK_MARKER.test(issue.body)
        ? 'its netchange-freeze block holds no JSON object ({...}) before -->'
        : 'its body has no <!-- netchange-freeze {...} --> block',
    };
  const parsed = parseFirst(candidates);
  if ('problem' in parsed) return { problem: `its netchange-freeze block is not JSON (${parsed.problem})` };
  const reading = readFreeze(parsed.value, `#${issue.number}`);
  if ('problem' in reading) return { problem: `its netchange-freeze block ${reading.problem}` };
  return { freeze: issue.htmlUrl ? { ...reading.freeze, url: issue.htmlUrl } : reading.freeze };
}

/**
 * The texts that may be the block's JSON: from its `{` to each `}` that `-->` follows, shortest
 * first. why: netchange once wrote `>` unescaped, so a reason holding `} -->` ends the shortest one
 * inside the reason; a longer one still reads those issues.
 */
function blockCandidates(body: string): string[] {
  const opening = BLOCK_OPENING.exec(body);
  if (!opening) return [];
  const from = opening.index + opening[0].length;
  return [...body.slice(from).matchAll(BLOCK_CLOSING)].map((closing) =>
    body.slice(from, from + closing.index + 1),
  );
}

/** The first candidate that parses as JSON, or why the shortest does not. */
function parseFirst(candidates: readonly string[]): { value: unknown } | { problem: string } {
  let problem = '';
  for (const candidate of candidates) {
    try {
      return { value: JSON.parse(candidate) };
    } catch (error) {
      problem ||= error instanceof Error ? error.message : String(error);
    }
  }
  return { problem };
}

/** The freeze an issue carries, or undefined. */
export function freezeOfIssue(issue: IssueInfo): Freeze | undefined {
  const reading = readFreezeIssue(issue);
  return 'freeze' in reading ? reading.freeze : undefined;
}

/**
 * The freeze of the issue `freeze --github` just opened, read back as every runner will read it.
 * why: an issue that reads as no freeze, or as another one, holds nothing it was meant to; reporting
 * "froze" for it would leave the site open while the engineer believes it frozen.
 * @throws E_GITHUB naming the issue when it does not carry `meant`.
 */
export function confirmFreezeIssue(issue: IssueInfo, meant: Omit<Freeze, 'id'>): Freeze {
  const reading = readFreezeIssue(issue);
  const mismatch = 'problem' in reading ? reading.problem : differingField(reading.freeze, meant);
  if (mismatch === undefined && 'freeze' in reading) return reading.freeze;
  const where = issue.htmlUrl ?? `issue #${issue.number}`;
  throw new NetchangeError(
    'E_GITHUB',
    `issue #${issue.number} was opened but does not read back as the freeze: ${mismatch}`,
    {
      hint: `Open ${where} and fix its netchange-freeze block (docs/holds.md shows the form), or close it and run netchange freeze again.`,
    },
  );
}

/** The first written field `read` does not carry as `meant` has it, as a phrase; undefined when none. */
function differingField(read: Freeze, meant: Omit<Freeze, 'id'>): string | undefined {
  for (const field of WRITTEN_FIELDS) {
    const got = JSON.stringify(read[field]);
    const wanted = JSON.stringify(meant[field]);
    if (got !== wanted) return `its ${field} reads ${got ?? 'nothing'} instead of ${wanted ?? 'nothing'}`;
  }
  return undefined;
}

/** The issue's title and body for a freeze; the block is what netchange reads back. */
export function freezeIssue(freeze: Omit<Freeze, 'id'>, untilText: string): { title: string; body: string } {
  const scope = [...freeze.sites, ...freeze.devices].join(', ');
  const block = blockJson({
    sites: freeze.sites,
    devices: freeze.devices,
    until: freeze.until,
    reason: freeze.reason,
    by: freeze.by,
    createdAt: freeze.createdAt,
    ...(freeze.types ? { types: freeze.types } : {}),
  });
  return {
    title: `Freeze: ${scope} until ${untilText}`,
    body: [
      `**${scope}** is frozen until **${untilText}**: netchange holds every change there${freeze.types ? ` of type ${freeze.types.join(', ')}` : ''}.`,
      '',
      `Reason: ${escapeHtml(freeze.reason)}`,
      `Frozen by: @${freeze.by}`,
      '',
      'Close this issue to lift the freeze (or run `netchange unfreeze`).',
      '',
      `<!-- netchange-freeze ${block} -->`,
    ].join('\n'),
  };
}

/**
 * JSON for the hidden block, with `<`, `>` and `&` written as \u003c, \u003e and \u0026: still
 * JSON, parsing to the same text. why: JSON.stringify leaves `>` as it is, so a reason holding `-->`
 * would end GitHub's HTML comment early (the issue then shows raw JSON), and one holding `}-->`
 * would end netchange's block inside the reason, leaving JSON that does not parse.
 */
function blockJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Text shown in the issue, with `&` and `<` as entities. why: a reason holding `<!--` would
 * otherwise open an HTML comment that hides the rest of the issue from the people reading it.
 */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
