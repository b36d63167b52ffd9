/**
 * Positions in a plain block-style YAML file found by reading its lines, without the positional
 * parser. A clean file that has one finding (a closed window, a conflict) needs one line; the
 * `yaml` syntax tree costs milliseconds per file while its code is cold, which hundreds of findings
 * in a large run add up to a second or more, and a 2.5 MB window policy costs seconds.
 *
 * It answers only when the lines and the parsed value agree on every mapping and list it walks
 * through: each key of a mapping, in order, on a line of its own at the mapping's indent, and each
 * item of a list on a `- ` line at the list's indent. Anything else — flow collections, quoted or
 * unusual keys, a missing key, empty values, directives — gets no answer, and the caller asks the
 * positional parser, so both always give the same position.
 */
import type { DocumentPath, Position } from './position.js';

/** A key the line reader recognises: written plain, with characters that need no quoting. */
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;
// why: keys that look like integers come first in Object.keys, whatever order the file has.
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;
// why: a tab, a carriage return, a byte-order mark or a directive or document marker changes
// how lines and columns are counted or where the document starts; the positional parser decides.
const UNUSUAL_TEXT = /[\t\r\uFEFF]|^(?:---|\.\.\.|%)/m;
const KEY_LINE = /^( *)([A-Za-z_][A-Za-z0-9_-]*):(?: +|$)/;
const ITEM_LINE = /^( *)-(?: +|$)/;

interface Line {
  /** 0-based line number in the file. */
  number: number;
  text: string;
  /** Spaces before the first character; -1 for a blank or comment-only line. */
  indent: number;
}

/** The lines of a text, kept per text so many lookups in one file split it once. */
export type LineIndex = readonly Line[];

/** A key's or an item's value: where it starts, and the lines that hold it. */
interface Entry {
  start: { line: number; column: number };
  block: LineIndex;
}

export function indexLines(text: string): LineIndex | undefined {
  if (UNUSUAL_TEXT.test(text)) return undefined;
  return text.split('\n').map((line, number) => lineOf(number, line));
}

function lineOf(number: number, text: string): Line {
  const content = text.trimStart();
  const indent = content === '' || content.startsWith('#') ? -1 : text.length - content.length;
  return { number, text, indent };
}

/**
 * The position of the value at `path`, as the positional parser gives it, or undefined when the
 * lines alone cannot say for sure.
 */
export function locateByLines(lines: LineIndex, value: unknown, path: DocumentPath): Position | undefined {
  if (path.length === 0) return undefined;
  let block = lines;
  let current = value;
  let entry: Entry | undefined;
  for (const segment of path) {
    if (typeof segment === 'string') {
      if (!isPlainObject(current) || !Object.hasOwn(current, segment)) return undefined;
      entry = keyEntry(block, Object.keys(current), segment);
      current = current[segment];
    } else {
      if (!Array.isArray(current) || !Number.isInteger(segment) || segment < 0 || segment >= current.length)
        return undefined;
      entry = itemEntry(block, current.length, segment);
      current = current[segment];
    }
    if (!entry) return undefined;
    block = entry.block;
  }
  return entry && { line: entry.start.line + 1, column: entry.start.column + 1 };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The entry of `key` in a block mapping, when the block's lines at its indent are exactly the
 * mapping's keys in order; undefined otherwise.
 */
function keyEntry(block: LineIndex, keys: readonly string[], key: string): Entry | undefined {
  if (keys.some((name) => !PLAIN_KEY.test(name) || INTEGER_LIKE.test(name))) return undefined;
  const entries = entryLines(block, KEY_LINE);
  if (!entries || entries.length !== keys.length) return undefined;
  if (entries.some((position, index) => KEY_LINE.exec(block[position]!.text)?.[2] !== keys[index]))
    return undefined;
  return entryAt(block, entries[keys.indexOf(key)]!, KEY_LINE);
}

/** The entry of item `index` in a block list of `length` items, written one `- ` line each. */
function itemEntry(block: LineIndex, length: number, index: number): Entry | undefined {
  const entries = entryLines(block, ITEM_LINE);
  if (!entries || entries.length !== length) return undefined;
  return entryAt(block, entries[index]!, ITEM_LINE);
}

/**
 * The positions in `block` of the lines at its first line's indent, when every one matches `shape`.
 * why: a line left of that indent inside the block is not a shape this reader knows.
 */
function entryLines(block: LineIndex, shape: RegExp): number[] | undefined {
  const first = block.findIndex((line) => line.indent !== -1);
  if (first === -1) return undefined;
  const indent = block[first]!.indent;
  const entries: number[] = [];
  for (let position = first; position < block.length; position++) {
    const line = block[position]!;
    if (line.indent === -1 || line.indent > indent) continue;
    if (line.indent < indent || !shape.test(line.text)) return undefined;
    entries.push(position);
  }
  return entries;
}

/**
 * Where the value on the entry line at `position` starts (after the colon or dash, or on the next
 * deeper line) and its lines: what follows on the entry line, as if on a line of its own at that
 * column, and every deeper line after it.
 */
function entryAt(block: LineIndex, position: number, shape: RegExp): Entry | undefined {
  const line = block[position]!;
  const head = shape.exec(line.text)![0];
  const rest = line.text.slice(head.length);
  const deeper: Line[] = [];
  for (const next of block.slice(position + 1)) {
    if (next.indent !== -1 && next.indent <= line.indent) break;
    deeper.push(next);
  }
  if (rest !== '' && !rest.startsWith('#')) {
    const inline = lineOf(line.number, ' '.repeat(head.length) + rest);
    return { start: { line: line.number, column: head.length }, block: [inline, ...deeper] };
  }
  const first = deeper.find((next) => next.indent !== -1);
  // why: an empty value (a null) has no text of its own; the positional parser places it.
  if (!first) return undefined;
  return { start: { line: first.number, column: first.indent }, block: deeper };
}
