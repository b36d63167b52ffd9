/**
 * GitHub's size limits, in one table, and the one way netchange cuts text to fit them.
 * why: GitHub rejects a body over its limit (HTTP 422) instead of cutting it, and a report must never
 * fail because of its size: netchange cuts, says where the rest is, and keeps the whole in the run
 * directory.
 */
export const GITHUB_LIMITS = {
  /** Characters GitHub accepts in an issue's body or a comment's. */
  body: 65_536,
  /** Characters GitHub accepts in a check run's summary or text. */
  checkRunText: 65_535,
  /**
   * Characters one section of a comment may take (the plan, an apply's result): the body limit less
   * room for the markers, notes and footer that go around it.
   */
  commentSection: 65_000,
} as const;

/** How `truncateToLimit` may cut. */
export interface TruncateOptions {
  /** Cut after the last whole line that fits, not in the middle of one. Default false. */
  atLineEnd?: boolean;
}

/**
 * `text` when it fits in `limit` characters; otherwise its start and then `note`, `limit`
 * characters at most. `note` may be a function of the number of characters cut, for a note that
 * names it.
 */
export function truncateToLimit(
  text: string,
  limit: number,
  note: string | ((cutCharacters: number) => string),
  options: TruncateOptions = {},
): string {
  if (text.length <= limit) return text;
  const noteFor = typeof note === 'string' ? () => note : note;
  // why: the note's length may grow with the number it names; reserve room for the largest one.
  const budget = Math.max(0, limit - noteFor(text.length).length);
  const lineEnd = options.atLineEnd ? text.lastIndexOf('\n', budget - 1) : -1;
  const kept = text.slice(0, lineEnd > 0 ? lineEnd + 1 : budget);
  return `${kept}${noteFor(text.length - kept.length)}`;
}
