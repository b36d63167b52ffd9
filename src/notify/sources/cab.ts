/**
 * The change advisory board's pack as a chat message: from the pack itself (assembled for
 * `--meeting`, or read from `netchange cab --format json`), else from a markdown outline.
 * - A pack: the summary line, then failures, overdue retrospectives and the cards to assess.
 * - Markdown: the first heading is the title; each heading one level below it is a section whose
 *   list items and table rows (or, failing those, its deeper headings) are its lines, each card one.
 * - Other JSON is not a pack (cabPackProblem says why), and is refused.
 */
import type { CabCard, CabPack } from '../../cab/pack.js';
import { REVIEW_STATE_LABELS } from '../../core/review-state.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import { summaryLine } from '../../reporters/cab/markdown.js';
import { stateBadge } from '../../reporters/review/summary.js';
import { truncateText } from '../limits.js';
import type { Notification, NotificationSection } from '../model.js';

/** True for what `netchange cab --format json` writes. */
export function isCabPack(value: unknown): value is CabPack {
  return cabPackProblem(value) === undefined;
}

/**
 * What keeps `value` from being a pack `netchange cab --format json` wrote, in a few words, or
 * undefined when it is one: everything describeCabPack reads is checked, so describing cannot throw.
 * why: another command's JSON (a validate report) or a hand-made object must not be posted to the
 * board's channel as its pack, nor stop notify with an internal error.
 */
export function cabPackProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'it is not a JSON object';
  if (value.schemaVersion !== 1) return "it has no 'schemaVersion: 1'";
  if (typeof value.meeting !== 'string' || Number.isNaN(Date.parse(value.meeting)))
    return "it has no 'meeting' time";
  const lists = ['failures', 'emergencies', 'toAssess'] as const;
  const missing = lists.find((key) => !Array.isArray(value[key]));
  if (missing) return `it has no '${missing}' list`;
  if (!(value.failures as unknown[]).every((record) => isRecord(record) && hasProposalId(record)))
    return "an entry of 'failures' is not a change record";
  if (
    !(value.emergencies as unknown[]).every(
      (review) => isRecord(review) && typeof review.status === 'string' && hasProposalId(review.record),
    )
  )
    return "an entry of 'emergencies' is not an emergency review";
  if (!(value.toAssess as unknown[]).every(isCard)) return "an entry of 'toAssess' is not a card";
  const { outside, schedule, reviews } = value;
  if (!isRecord(outside) || typeof outside.configured !== 'boolean' || !Array.isArray(outside.unexplained))
    return "it has no 'outside' summary";
  if (!isRecord(schedule) || !Array.isArray(schedule.changes)) return "it has no 'schedule'";
  if (
    reviews !== undefined &&
    !(
      Array.isArray(reviews) && reviews.every((review) => isRecord(review) && typeof review.name === 'string')
    )
  )
    return "'reviews' is not a list of reviews";
  return undefined;
}

function hasProposalId(record: unknown): boolean {
  return isRecord(record) && isRecord(record.proposal) && typeof record.proposal.id === 'string';
}

function isCard(card: unknown): boolean {
  return (
    isRecord(card) &&
    typeof card.id === 'string' &&
    isRecord(card.risk) &&
    typeof card.risk.effective === 'string' &&
    isRecord(card.schedule) &&
    typeof card.schedule.start === 'string' &&
    typeof card.schedule.end === 'string'
  );
}

export function describeCabPack(pack: CabPack, link?: Notification['link']): Notification {
  const zone = pack.timezone;
  const sections: NotificationSection[] = [];
  if (pack.failures.length > 0) {
    sections.push({
      heading: 'Failed, rolled back or interrupted',
      lines: pack.failures.map((record) =>
        changeLine(record.proposal.id, record.outcome, record.proposal.title),
      ),
    });
  }
  const overdue = pack.emergencies.filter((review) => review.status === 'overdue');
  if (overdue.length > 0) {
    sections.push({
      heading: 'Retrospective overdue',
      lines: overdue.map((review) =>
        changeLine(
          review.record.proposal.id,
          `due ${formatLocalAndUtc(Date.parse(review.retrospectiveDue ?? pack.meeting), zone)}`,
          review.record.proposal.title,
        ),
      ),
    });
  }
  const reviews = (pack.reviews ?? []).filter((review) => review.status === 'overdue');
  if (reviews.length > 0) {
    sections.push({
      heading: 'Periodic review overdue',
      lines: reviews.map(
        (review) =>
          `${review.name}: ${review.due ? `due ${formatLocalAndUtc(Date.parse(review.due), zone)}` : 'never reviewed'}`,
      ),
    });
  }
  if (pack.toAssess.length > 0) {
    sections.push({
      heading: 'To assess',
      lines: pack.toAssess.map(assessLine),
    });
  }
  return {
    title: `CAB pack: ${formatLocalAndUtc(Date.parse(pack.meeting), zone)}`,
    summary: `${summaryLine(pack)}.`,
    tone: pack.failures.length > 0 || overdue.length > 0 ? 'attention' : 'neutral',
    facts: [],
    sections,
    ...(link ? { link } : {}),
  };
}

/**
 * `CHG-1 — state: ✋ held — “Rework OSPF” — high risk, Sun 6 Dec 2026 01:30–02:30 CST (07:30–08:30Z)`:
 * what the board decides on comes before the title, which is the proposal's own text.
 */
function assessLine(card: CabCard): string {
  // why: a pack file is read as JSON; a state netchange does not know is left out, not shown as "undefined".
  const state = Object.hasOwn(REVIEW_STATE_LABELS, card.state) ? `state: ${stateBadge(card.state)}` : '';
  const slot = formatSpanLocalAndUtc(
    Date.parse(card.schedule.start),
    Date.parse(card.schedule.end),
    card.schedule.timezone,
  );
  return changeLine(card.id, state, card.title, `${card.risk.effective} risk, ${slot}`);
}

/**
 * One change as a chat line: its id, what netchange says of it, its title in quotes, then more of
 * what netchange says. why: a title such as `Rework OSPF — state: ✅ ready` written before the real
 * `— state: ✋ held` faked the state the board reads; now nothing a title says comes before the
 * verdict, and its quotes show where it ends (a title cannot close them early: its own curly
 * quotes become straight ones).
 */
function changeLine(id: string, verdict: string, title: string | undefined, rest = ''): string {
  const quoted = title ? `“${truncateText(title.replace(/[“”]/g, '"'), TITLE_LENGTH)}”` : '';
  return [id, verdict, quoted, rest].filter(Boolean).join(' — ');
}

/**
 * The characters of a title in a chat line. why: a long title must not push the facts after it
 * past the line's cut (CARD_LINE_LENGTH).
 */
const TITLE_LENGTH = 150;

export function describeCabMarkdown(markdown: string, link?: Notification['link']): Notification {
  let title = 'Change advisory board pack';
  const sections: NotificationSection[] = [];
  let current: MarkdownSection | undefined;
  let inTable = false;
  // why: levels count from the title's, so the pack `netchange cab` writes (## title, ### sections,
  // #### groups, ##### cards) reads the same as a hand-written one (# title, ## sections, ### cards).
  let titleLevel: number | undefined;
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.+?)\s*#*$/.exec(line);
    const level = heading?.[1]?.length;
    const row = /^\s*\|(.*)\|\s*$/.exec(line);
    const tableStarts = row !== null && !inTable;
    inTable = row !== null;
    if (heading && level !== undefined && titleLevel === undefined) {
      title = plain(heading[2] ?? title);
      titleLevel = level;
    } else if (heading && level !== undefined && titleLevel !== undefined && level === titleLevel + 1) {
      if (current) sections.push(sectionLines(current));
      current = { heading: plain(heading[2] ?? ''), groups: [{ items: [] }] };
    } else if (heading && level !== undefined && titleLevel !== undefined && level > titleLevel + 1) {
      current?.groups.push({ heading: plain(heading[2] ?? ''), items: [] });
    } else if (row?.[1] !== undefined) {
      // why: the first row of a table is its header and the second its |---| rule; the rest are items.
      if (!tableStarts && !/^[\s|:-]+$/.test(row[1])) current?.groups.at(-1)?.items.push(tableRow(row[1]));
    } else {
      const item = /^[-*]\s+(.+)$/.exec(line);
      if (item?.[1]) current?.groups.at(-1)?.items.push(plain(item[1]));
    }
  }
  if (current) sections.push(sectionLines(current));
  const counted = sections.map((section) => `${section.heading}: ${section.lines.length}`);
  return {
    title,
    summary: counted.length > 0 ? `${counted.join('; ')}.` : 'The pack is empty.',
    tone: 'neutral',
    facts: [],
    sections,
    ...(link ? { link } : {}),
  };
}

/** A section of a markdown pack as read: its list items (and table rows), grouped by the heading above them. */
interface MarkdownSection {
  heading: string;
  /** The first group holds what comes before any deeper heading. */
  groups: { heading?: string; items: string[] }[];
}

/** A card's facts (`state: blocked`), as `netchange cab` writes each card's list. */
const FACT = /^[A-Za-z][A-Za-z ]{0,30}:(\s|$)/;

/**
 * One line per item, never losing which change or group it belongs to: a card (a heading whose
 * items are all facts) is one line, its heading then its facts; an item of a group (the failures,
 * the retrospectives) keeps the group's heading in front. A section of headings only lists them.
 * why: read as one flat list, every card's `state:` and `risk:` lines ran together without the
 * change they describe.
 */
function sectionLines(section: MarkdownSection): NotificationSection {
  const lines: string[] = [];
  for (const group of section.groups) {
    if (group.items.length === 0) continue;
    if (!group.heading) lines.push(...group.items);
    else if (group.items.every((item) => FACT.test(item)))
      lines.push(truncateText(cardLine(group.heading, group.items), CARD_LINE_LENGTH));
    else lines.push(...group.items.map((item) => `${group.heading}: ${item}`));
  }
  if (lines.length > 0) return { heading: section.heading, lines };
  return {
    heading: section.heading,
    lines: section.groups.flatMap((group) => (group.heading ? [group.heading] : [])),
  };
}

/** The characters of a card's line in a chat: its heading and first facts (state, why, risk). */
const CARD_LINE_LENGTH = 400;

/**
 * A card of a markdown pack as one line, in the order changeLine gives: the change, its `state:`
 * fact, its title, its other facts. `netchange cab` heads each card `CHG-1 Title`; a heading whose
 * first word is not an id (a hand-written pack) is all title.
 */
function cardLine(heading: string, facts: readonly string[]): string {
  const { id, title } = splitChangeId(heading);
  const state = facts.find((fact) => /^state:/.test(fact)) ?? '';
  const others = facts.filter((fact) => fact !== state).join('; ');
  return changeLine(id, state, title, others);
}

/**
 * A proposal id as the schema allows it (`CHG-2026-0142`), with a digit. why: without the digit
 * the first word of a hand-written heading ("Core upgrade") would be taken for an id.
 */
const CHANGE_ID = /^(?=\S*\d)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function splitChangeId(heading: string): { id: string; title: string } {
  const [first = '', ...rest] = heading.split(/\s+/);
  return CHANGE_ID.test(first) ? { id: first, title: rest.join(' ') } : { id: '', title: heading };
}

/** A table row's cells, as text, joined with ` · `. */
function tableRow(cells: string): string {
  return cells
    .split(/(?<!\\)\|/)
    .map((cell) => plain(cell))
    .filter(Boolean)
    .join(' · ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Markdown emphasis, links and backslash escapes reduced to their text, so each chat can apply its
 * own markup (and escape it again). why: one pass from left to right, so an escaped bracket is a
 * character and never the start of a link; link by link then escape by escape turned the pack's
 * `\[x\](https://…)` (a title's text) into `\x\`.
 */
function plain(text: string): string {
  return text
    .replace(MARKDOWN_TOKEN, (_, escaped?: string, linkText?: string) =>
      escaped !== undefined ? escaped : linkText !== undefined ? plain(linkText) : '',
    )
    .trim();
}

/** A backslash escape (its character), a link `[text](target)` (its text), or emphasis (nothing). */
const MARKDOWN_TOKEN = /\\([\\`*_{}[\]()<>#+\-.!|~])|\[((?:\\.|[^\]\\])*)\]\((?:\\.|[^)\\])*\)|\*\*|__|`/g;
