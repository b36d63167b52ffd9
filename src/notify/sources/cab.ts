/**
 * The change advisory board's pack as a chat message: from the pack itself (assembled for
 * `--meeting`, or read from `netchange cab --format json`), else from a markdown outline.
 * - A pack: the summary line, then failures, overdue retrospectives and the cards to assess.
 * - Markdown: the first heading is the title; each heading one level below it is a section whose
 *   list items (or, failing those, its deeper headings) are its lines.
 * - Other JSON: `title` (or `meeting`) and each top-level array, counted and listed by its items'
 *   `id`, `title` or `name`.
 */
import type { CabPack } from '../../cab/pack.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../../core/time.js';
import { summaryLine } from '../../reporters/cab/markdown.js';
import type { Notification, NotificationSection } from '../model.js';

/** True for what `netchange cab --format json` writes. */
export function isCabPack(value: unknown): value is CabPack {
  return (
    isRecord(value) &&
    value.schemaVersion === 1 &&
    typeof value.meeting === 'string' &&
    Array.isArray(value.toAssess) &&
    Array.isArray(value.failures)
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
  let current: { heading: string; items: string[]; cards: string[] } | undefined;
  const flush = () => {
    if (current)
      sections.push({
        heading: current.heading,
        lines: current.items.length > 0 ? current.items : current.cards,
      });
  };
  // why: levels count from the title's, so the pack `netchange cab` writes (## title, ### sections,
  // #### groups) reads the same as a hand-written one (# title, ## sections, ### cards).
  let titleLevel: number | undefined;
  for (const raw of markdown.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.+?)\s*#*$/.exec(line);
    const level = heading?.[1]?.length;
    if (heading && level !== undefined && titleLevel === undefined) {
      title = plain(heading[2] ?? title);
      titleLevel = level;
    } else if (heading && level !== undefined && titleLevel !== undefined && level === titleLevel + 1) {
      flush();
      current = { heading: plain(heading[2] ?? ''), items: [], cards: [] };
    } else if (heading && level !== undefined && titleLevel !== undefined && level > titleLevel + 1) {
      current?.cards.push(plain(heading[2] ?? ''));
    } else {
      const item = /^[-*]\s+(.+)$/.exec(line);
      if (item?.[1] && current) current.items.push(plain(item[1]));
    }
  }
  flush();
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

export function describeCabJson(pack: unknown, link?: Notification['link']): Notification {
  if (isCabPack(pack)) return describeCabPack(pack, link);
  const record = isRecord(pack) ? pack : {};
  const title =
    typeof record.title === 'string'
      ? record.title
      : typeof record.meeting === 'string'
        ? `CAB pack for ${record.meeting}`
        : 'Change advisory board pack';
  const sections: NotificationSection[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (Array.isArray(value)) sections.push({ heading: key, lines: value.map(itemName) });
    else if (isRecord(value)) {
      for (const [inner, list] of Object.entries(value)) {
        if (Array.isArray(list)) sections.push({ heading: `${key} · ${inner}`, lines: list.map(itemName) });
      }
    }
  }
  return {
    title,
    summary:
      sections.length > 0
        ? `${sections.map((section) => `${section.heading}: ${section.lines.length}`).join('; ')}.`
        : 'The pack is empty.',
    tone: 'neutral',
    facts: [],
    sections,
    ...(link ? { link } : {}),
  };
}

function itemName(item: unknown): string {
  if (!isRecord(item)) return String(item);
  const id = typeof item.id === 'string' ? item.id : undefined;
  const name = [item.title, item.name, item.summary].find(
    (value): value is string => typeof value === 'string',
  );
  return [id, name].filter(Boolean).join(' ') || JSON.stringify(item).slice(0, 200);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Markdown emphasis and links reduced to their text, so each chat can apply its own markup. */
function plain(text: string): string {
  return text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|`)/g, '')
    .trim();
}
