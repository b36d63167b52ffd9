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
  /**
   * The text is Markdown: cut after a whole line, then close the code fence and the `<details>`
   * the cut left open. why: otherwise the note, and whatever follows the text (a footer), would
   * render as code or fold away inside a collapsed section. Default false.
   */
  markdown?: boolean;
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
  let budget = Math.max(0, limit - noteFor(text.length).length);
  for (;;) {
    const lineEnd = options.atLineEnd || options.markdown ? text.lastIndexOf('\n', budget - 1) : -1;
    const kept = text.slice(0, lineEnd > 0 ? lineEnd + 1 : budget);
    const closing = options.markdown ? markdownLeftOpen(kept) : '';
    const cut = `${kept}${closing}${noteFor(text.length - kept.length)}`;
    // why: the closing tags need room too; cut a line earlier until they fit.
    if (cut.length <= limit || budget === 0) return cut.length <= limit ? cut : cut.slice(0, limit);
    budget = Math.max(0, Math.min(budget - 1, kept.length - 1));
  }
}

/**
 * What closes the code fence and the `<details>` elements that `markdown` (cut after a whole line)
 * leaves open, innermost first; empty when nothing is open.
 */
export function markdownLeftOpen(markdown: string): string {
  let fence: string | undefined;
  let openDetails = 0;
  for (const line of markdown.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence) {
      // why: a fence ends at a line of its own character, at least as long, and nothing else.
      if (
        marker !== undefined &&
        marker[0] === fence[0] &&
        marker.length >= fence.length &&
        line.trim() === marker
      )
        fence = undefined;
      continue;
    }
    if (marker) {
      fence = marker;
      continue;
    }
    // why: in order, so a stray close before an open does not hide the open one.
    for (const tag of line.match(/<\/?details\b/gi) ?? [])
      openDetails = tag[1] === '/' ? Math.max(0, openDetails - 1) : openDetails + 1;
  }
  const closers = [...(fence ? [fence] : []), ...Array.from({ length: openDetails }, () => '</details>')];
  return closers.length > 0 ? `\n${closers.join('\n\n')}\n` : '';
}
