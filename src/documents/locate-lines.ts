/**
 * Positions in a plain block-style YAML file found by reading its lines, without the positional
 * parser. A clean file that has one finding (a closed window, a conflict) needs one line; the
 * `yaml` syntax tree costs milliseconds per file while its code is cold, which hundreds of findings
 * in a large run add up to a second or more.
 *
 * It answers only when the lines and the parsed value agree on every mapping it walks through:
 * each key of the mapping, in order, on a line of its own at the mapping's indent. Anything else —
 * flow collections, sequences, quoted or unusual keys, a missing key, directives — gets no answer,
 * and the caller asks the positional parser, so both always give the same position.
 */
import type { DocumentPath, Position } from './parse-yaml.js';

/** A key the line reader recognises: written plain, with characters that need no quoting. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
// why: keys that look like integers come first in Object.keys, whatever order the file has.
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;
// why: a tab, a carriage return, a byte-order mark or a directive or document marker changes
// how lines and columns are counted or where the document starts; the positional parser decides.
const UNUSUAL_TEXT = /[\t\r\uFEFF]|^(?:---|\.\.\.|%)/m;
const KEY_LINE = /^( *)([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;

interface Line {
  text: string;
  /** Spaces before the first character; -1 for a blank or comment-only line. */
  indent: number;
}

/** The lines of a text, kept per text so many lookups in one file split it once. */
export type LineIndex = readonly Line[];

export function indexLines(text: string): LineIndex | undefined {
  if (UNUSUAL_TEXT.test(text)) return undefined;
  const lines: Line[] = [];
  for (const line of text.split('\n')) {
    const content = line.trimStart();
    const indent = content === '' || content.startsWith('#') ? -1 : line.length - content.length;
    lines.push({ text: line, indent });
  }
  return lines;
}

/**
 * The position of the value at `path`, as the positional parser gives it, or undefined when the
 * lines alone cannot say for sure.
 */
export function locateByLines(lines: LineIndex, value: unknown, path: DocumentPath): Position | undefined {
  if (path.length === 0) return undefined;
  let block = { from: 0, to: lines.length };
  let current = value;
  let found: { line: number; column: number } | undefined;
  for (const segment of path) {
    if (typeof segment !== 'string' || !isPlainObject(current) || !Object.hasOwn(current, segment))
      return undefined;
    const keyLine = keyLineIn(lines, block, current, segment);
    if (keyLine === undefined) return undefined;
    found = valueStart(lines, keyLine, block.to);
    if (!found) return undefined;
    block = { from: keyLine + 1, to: blockEnd(lines, keyLine, block.to) };
    current = current[segment];
  }
  return found && { line: found.line + 1, column: found.column + 1 };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The line of `key` among the mapping's key lines in `block`, when those lines are exactly the
 * mapping's keys in order; undefined otherwise.
 */
function keyLineIn(
  lines: LineIndex,
  block: { from: number; to: number },
  mapping: Record<string, unknown>,
  key: string,
): number | undefined {
  const keys = Object.keys(mapping);
  if (keys.some((name) => !PLAIN_KEY.test(name) || INTEGER_LIKE.test(name))) return undefined;
  const first = firstContentLine(lines, block.from, block.to);
  if (first === undefined) return undefined;
  const indent = lines[first]!.indent;
  let index = 0;
  let wanted: number | undefined;
  for (let line = first; line < block.to; line++) {
    const { indent: lineIndent, text } = lines[line]!;
    if (lineIndent === -1 || lineIndent > indent) continue;
    // why: a line left of the mapping's indent inside its block is not a shape this reader knows.
    if (lineIndent < indent) return undefined;
    const match = KEY_LINE.exec(text);
    if (!match || match[2] !== keys[index]) return undefined;
    if (match[2] === key) wanted = line;
    index++;
  }
  return index === keys.length ? wanted : undefined;
}

function firstContentLine(lines: LineIndex, from: number, to: number): number | undefined {
  for (let line = from; line < to; line++) if (lines[line]!.indent !== -1) return line;
  return undefined;
}

/** Where the value of the key on `keyLine` starts: after the colon, or on the next deeper line. */
function valueStart(
  lines: LineIndex,
  keyLine: number,
  to: number,
): { line: number; column: number } | undefined {
  const { text, indent } = lines[keyLine]!;
  const match = KEY_LINE.exec(text)!;
  const rest = text.slice(match[0].length);
  if (rest !== '' && !rest.startsWith('#')) return { line: keyLine, column: match[0].length };
  const next = firstContentLine(lines, keyLine + 1, to);
  // why: an empty value (a null) has no text of its own; the positional parser places it.
  if (next === undefined || lines[next]!.indent <= indent) return undefined;
  return { line: next, column: lines[next]!.indent };
}

/** The end (exclusive) of the lines that belong to the value of the key on `keyLine`. */
function blockEnd(lines: LineIndex, keyLine: number, to: number): number {
  const indent = lines[keyLine]!.indent;
  for (let line = keyLine + 1; line < to; line++) {
    const lineIndent = lines[line]!.indent;
    if (lineIndent !== -1 && lineIndent <= indent) return line;
  }
  return to;
}
