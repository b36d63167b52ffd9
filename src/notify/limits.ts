/**
 * The size limits of each chat, in one table, and the one way text is cut to them.
 * why: a message over a limit is rejected whole (Slack answers 400 invalid_blocks, Teams 413 or a
 * silently dropped card), so every builder cuts before it posts rather than hoping.
 */

/** Slack Block Kit limits (api.slack.com/reference/block-kit/blocks). */
export const SLACK_LIMITS = {
  /** Blocks per message. */
  blocks: 50,
  /** `header` block text (plain_text). */
  headerText: 150,
  /** `section` block text. */
  sectionText: 3000,
  /** Fields in one section. */
  sectionFields: 10,
  /** One section field's text. */
  fieldText: 2000,
  /** Elements in one `context` block. */
  contextElements: 10,
  /** The top-level `text` (the notification fallback); Slack truncates at 40,000, we keep it short. */
  fallbackText: 3000,
} as const;

/** Microsoft Teams incoming-webhook limits. */
export const TEAMS_LIMITS = {
  /** The whole message (card included) must stay under about 28 KB; we keep a margin. */
  payloadBytes: 27_000,
  /** One TextBlock; not a documented Teams limit, the same as Slack's section so both read alike. */
  textBlock: 3000,
  /** Facts in the FactSet. */
  facts: 10,
} as const;

/** The marker that says text was cut. */
export const ELLIPSIS = '…';

/**
 * Cuts `text` to at most `max` characters (UTF-16 code units, as both chats count), ending with an
 * ellipsis when cut; never splits a surrogate pair.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - ELLIPSIS.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

/**
 * Joins lines under a character budget: whole lines while they fit, then a line saying how many
 * were left out, so a long list reads as cut rather than ending mid-item.
 */
export function joinLinesWithin(lines: readonly string[], max: number, separator = '\n'): string {
  const kept: string[] = [];
  let used = 0;
  for (const [index, line] of lines.entries()) {
    const rest = lines.length - index - 1;
    const more = rest > 0 ? `${separator}${ELLIPSIS} and ${rest} more` : '';
    const cost = (kept.length > 0 ? separator.length : 0) + line.length;
    if (used + cost + more.length > max) {
      const left = lines.length - index;
      const note = `${ELLIPSIS} and ${left} more`;
      if (kept.length === 0) return truncateText(line, max);
      return `${kept.join(separator)}${separator}${note}`;
    }
    kept.push(line);
    used += cost;
  }
  return kept.join(separator);
}
