/**
 * The change advisory board's pack as a chat message: from the pack itself (assembled for
 * `--meeting`, or read from `netchange cab --format json`), else from a markdown outline.
 * - A pack: the summary line, then failures, overdue retrospectives and the cards to assess.
 * - Markdown: the first heading is the title; each heading one level below it is a section whose
 *   list items and table rows (or, failing those, its deeper headings) are its lines, each card one.
 * - Other JSON is not a pack (cabPackProblem says why), and is refused.
 */
import type { CabPack } from '../../cab/pack.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import { summaryLine } from '../../reporters/cab/markdown.js';
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
      lines: pack.failures.map(
        (record) => `${record.proposal.id} ${record.proposal.title}: ${record.outcome}`,
      ),
    });
  }
  const overdue = pack.emergencies.filter((review) => review.status === 'overdue');
  if (overdue.length > 0) {
    sections.push({
      heading: 'Retrospective overdue',
      lines: overdue.map(
        (review) =>
          `${review.record.proposal.id} ${review.record.proposal.title}: due ${formatLocalAndUtc(Date.parse(review.retrospectiveDue ?? pack.meeting), zone)}`,
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
      lines: pack.toAssess.map(
        (card) =>
          `${card.id} ${card.title ?? ''} (${card.risk.effective} risk, ${formatSpanLocalAndUtc(Date.parse(card.schedule.start), Date.parse(card.schedule.end), card.schedule.timezone)})`,
      ),
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
      lines.push(truncateText(`${group.heading} — ${group.items.join('; ')}`, CARD_LINE_LENGTH));
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
 * own markup (and escape it again).
 */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\\([\\`*_{}[\]()<>#+\-.!|~])/g, '$1')
    .trim();
}
