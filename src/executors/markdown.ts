/** Small text helpers the executors' renderers and the plan renderer share. Pure. */

/** A fenced code block whose fence is longer than any backtick run inside the text. */
export function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text.replace(/\n$/, ''), fence, ''];
}

/** Text shown literally in markdown. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

/**
 * Text inside a markdown table cell, shown as written: `<`, `>` and `&` as HTML does, and the
 * characters that end a cell or open a code span (`|`, `` ` ``, `\`) as character references;
 * line breaks as spaces.
 * why: the text is the proposal's or the tool's (a Terraform variable key, an output value); raw,
 * `</td></table><h1>APPROVED</h1>` would reach the pull-request comment as HTML. A `\|` escape is
 * not enough: a backslash before it (`a\|b`) escapes the backslash and the pipe ends the cell.
 */
export function escapeCell(text: string): string {
  return escapeHtml(text)
    .replace(/[|\\`]/g, (character) => `&#${character.charCodeAt(0)};`)
    .replace(/\r\n|\r|\n/g, ' ');
}

/**
 * Code inside a markdown table cell: a code span, or `<code>` around escaped text when a backtick,
 * pipe, backslash or line break would break the span or the cell.
 * why: inside a code span nothing can be escaped, and a table splits cells before it reads spans.
 */
export function codeCell(text: string): string {
  if (text !== '' && text.trim() === text && !/[`|\\\r\n]/.test(text)) return `\`${text}\``;
  return `<code>${escapeCell(text)}</code>`;
}

/** Text inside an HTML element (a `<summary>`). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Whitespace runs, newlines included, as one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A value as JSON; nothing for undefined. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '';
  return JSON.stringify(value);
}
