/**
 * Turns a device's raw diff (running → intended) into the diff drift reports: built-in
 * normalisation drops what changes without anyone changing the configuration (FRR's and Ansible's
 * volatile lines, trailing whitespace, timestamps), then the drift policy's ignore rules hide known,
 * accepted differences. What each rule hid is kept, so a report can show it. Pure.
 */
import type { IgnoredLines } from './model.js';
import type { DriftIgnoreRule } from './policy.js';

/** One line of a diff: unchanged (' '), only on the running side ('-'), only in the intended state ('+'). */
export interface DiffLine {
  type: ' ' | '-' | '+';
  text: string;
}

/** One file of a diff, read from a whole-file unified diff (every line of both sides present). */
export interface FileLines {
  /** The header lines (`--- a/…`, `+++ b/…`), kept as they are. */
  header: string[];
  lines: DiffLine[];
}

/** What normalising one target's diff gives. */
export interface NormalisedDiff {
  /** The unified diff left (3 lines of context), '' when nothing is left. */
  diff: string;
  /** Lines the drift policy's rules hid, by rule id. */
  ignored: IgnoredLines[];
  /** Lines built-in normalisation dropped, by `builtin:<name>`. */
  normalised: IgnoredLines[];
}

export interface NormaliseOptions {
  /** The ignore rules in force for this target. */
  rules: readonly DriftIgnoreRule[];
  /**
   * The host name of the machine running the checks: vtysh prints it as `hostname` for every FRR
   * instance it talks to, so a running `hostname` line with it is not the router's configuration.
   */
  localHostname?: string;
}

/** Built-in rules for volatile lines, by the name reports give them (`builtin:<name>`). */
const VOLATILE_LINES: readonly { name: string; pattern: RegExp }[] = [
  // why: vtysh's banner and footer, FRR's version and bare separators change with no configuration change.
  {
    name: 'frr-volatile',
    pattern: /^(?:Building configuration\.\.\.|Current configuration:|frr version .*|end|\s*!\s*)$/,
  },
  // why: Ansible's `ansible_managed` header names the template and sometimes who rendered it when.
  { name: 'ansible-managed', pattern: /^\s*[#!]+\s*Ansible managed\b/ },
  { name: 'whitespace', pattern: /^\s*$/ },
];

// why: ISO 8601 / RFC 3339 stamps, syslog-style `Dec  2 13:26:54`, clock times: two lines that differ
// only there (`! Last configuration change at …`) are the same configuration.
const TIMESTAMP =
  /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2}(?:\s+\d{4})?\b|\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g;

/**
 * Reads a unified diff (one or more files) into its files' lines. Hunk headers' counts decide what
 * is a line and what is the next file's `---` header; `\ No newline` markers are dropped.
 */
export function parseUnifiedDiff(text: string): FileLines[] {
  const files: FileLines[] = [];
  let current: FileLines | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of text.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      const type = raw[0];
      if (type === '\\') continue;
      const line: DiffLine = { type: type === '-' || type === '+' ? type : ' ', text: raw.slice(1) };
      if (line.type !== '+') oldLeft--;
      if (line.type !== '-') newLeft--;
      current?.lines.push(line);
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(raw);
    if (hunk) {
      oldLeft = Number(hunk[1] ?? 1);
      newLeft = Number(hunk[2] ?? 1);
      if (!current) {
        current = { header: [], lines: [] };
        files.push(current);
      }
      continue;
    }
    if (raw.startsWith('--- ')) {
      current = { header: [raw], lines: [] };
      files.push(current);
    } else if (raw.startsWith('+++ ') && current) {
      current.header.push(raw);
    }
  }
  return files;
}

/**
 * Normalises one target's diff: built-in rules first, then the policy's rules, then renders what is
 * left as a unified diff with three lines of context (line numbers count the normalised files).
 */
export function normaliseDiff(files: readonly FileLines[], options: NormaliseOptions): NormalisedDiff {
  const hidden = new Map<string, string[]>();
  const hide = (rule: string, line: DiffLine) => {
    const list = hidden.get(rule) ?? [];
    list.push(`${line.type}${line.text}`);
    hidden.set(rule, list);
  };
  const rendered: string[] = [];
  for (const file of files) {
    let lines = dropVolatile(file.lines, options, hide);
    lines = cancelEquivalentPairs(lines, hide);
    lines = applyRules(lines, options.rules, hide);
    const hunks = renderHunks(lines, 3);
    if (hunks.length > 0) rendered.push(...file.header, ...hunks);
  }
  const ignored: IgnoredLines[] = [];
  const normalised: IgnoredLines[] = [];
  for (const [rule, lines] of hidden) {
    if (rule.startsWith('builtin:')) normalised.push({ rule, lines });
    else ignored.push({ rule, lines });
  }
  return { diff: rendered.length > 0 ? `${rendered.join('\n')}\n` : '', ignored, normalised };
}

function dropVolatile(
  lines: readonly DiffLine[],
  options: NormaliseOptions,
  hide: (rule: string, line: DiffLine) => void,
): DiffLine[] {
  const kept: DiffLine[] = [];
  for (const line of lines) {
    if (line.type === ' ') {
      kept.push(line);
      continue;
    }
    const trimmed = { type: line.type, text: line.text.trimEnd() };
    const volatile = VOLATILE_LINES.find(({ pattern }) => pattern.test(trimmed.text));
    if (volatile) {
      hide(`builtin:${volatile.name}`, line);
    } else if (
      options.localHostname !== undefined &&
      line.type === '-' &&
      trimmed.text === `hostname ${options.localHostname}`
    ) {
      hide('builtin:frr-volatile', line);
    } else {
      kept.push(trimmed);
    }
  }
  return kept;
}

/**
 * Within each run of changed lines, a removed and an added line that are equal once trailing
 * whitespace is trimmed (already done) and timestamps are masked are no change: both are dropped.
 */
function cancelEquivalentPairs(
  lines: readonly DiffLine[],
  hide: (rule: string, line: DiffLine) => void,
): DiffLine[] {
  const result: DiffLine[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] as DiffLine;
    if (line.type === ' ') {
      result.push(line);
      index++;
      continue;
    }
    const block: DiffLine[] = [];
    while (index < lines.length && (lines[index] as DiffLine).type !== ' ')
      block.push(lines[index++] as DiffLine);
    const dropped = new Set<number>();
    block.forEach((removed, removedIndex) => {
      if (removed.type !== '-') return;
      const key = masked(removed.text);
      const match = block.findIndex(
        (added, addedIndex) => added.type === '+' && !dropped.has(addedIndex) && masked(added.text) === key,
      );
      if (match < 0) return;
      const added = block[match] as DiffLine;
      const rule = removed.text === added.text ? 'builtin:whitespace' : 'builtin:timestamps';
      hide(rule, removed);
      hide(rule, added);
      dropped.add(removedIndex);
      dropped.add(match);
    });
    block.forEach((entry, entryIndex) => {
      if (!dropped.has(entryIndex)) result.push(entry);
    });
  }
  return result;
}

function masked(text: string): string {
  return text.replace(TIMESTAMP, '<time>');
}

/** Hides changed lines matched by a rule's `lines`, or inside a section a rule's `sections` names. */
function applyRules(
  lines: readonly DiffLine[],
  rules: readonly DriftIgnoreRule[],
  hide: (rule: string, line: DiffLine) => void,
): DiffLine[] {
  if (rules.length === 0) return [...lines];
  const kept: DiffLine[] = [];
  let section: DriftIgnoreRule | undefined;
  for (const line of lines) {
    const unindented = line.text.length > 0 && !/^\s/.test(line.text);
    if (unindented || /^\s*!/.test(line.text)) {
      // why: FRR closes a block with an unindented `exit`; it belongs to the block it closes.
      const closes = section !== undefined && /^exit(?:-[a-z-]+)?$/.test(line.text.trim());
      if (!closes) section = rules.find((rule) => rule.sections.some((pattern) => pattern.test(line.text)));
    }
    if (line.type === ' ') {
      kept.push(line);
      continue;
    }
    const rule =
      section ?? rules.find((candidate) => candidate.lines.some((pattern) => pattern.test(line.text)));
    if (rule) hide(rule.id, line);
    else kept.push(line);
  }
  return kept;
}

/** Unified-diff hunks of `lines` with `context` unchanged lines around each run of changes. */
function renderHunks(lines: readonly DiffLine[], context: number): string[] {
  const changed = lines.flatMap((line, index) => (line.type === ' ' ? [] : [index]));
  if (changed.length === 0) return [];
  const output: string[] = [];
  let position = 0;
  while (position < changed.length) {
    const first = changed[position] as number;
    let last = first;
    while (position + 1 < changed.length && (changed[position + 1] as number) - last <= 2 * context + 1) {
      position++;
      last = changed[position] as number;
    }
    position++;
    const start = Math.max(0, first - context);
    const end = Math.min(lines.length, last + context + 1);
    const before = lines.slice(0, start);
    const hunk = lines.slice(start, end);
    const oldStart = before.filter((line) => line.type !== '+').length + 1;
    const newStart = before.filter((line) => line.type !== '-').length + 1;
    const oldLines = hunk.filter((line) => line.type !== '+').length;
    const newLines = hunk.filter((line) => line.type !== '-').length;
    // why: as diff(1) writes it, an empty side starts at the line before (`-0,0`).
    output.push(
      `@@ -${oldLines === 0 ? oldStart - 1 : oldStart},${oldLines} +${newLines === 0 ? newStart - 1 : newStart},${newLines} @@`,
    );
    output.push(...hunk.map((line) => `${line.type}${line.text}`));
  }
  return output;
}

/** A list of changed lines that is not a file diff (Terraform's plan, a hidden task), through the policy's line rules. */
export function normaliseChangeLines(
  lines: readonly DiffLine[],
  rules: readonly DriftIgnoreRule[],
): NormalisedDiff {
  const hidden = new Map<string, string[]>();
  const kept = applyRules(lines, rules, (rule, line) => {
    hidden.set(rule, [...(hidden.get(rule) ?? []), `${line.type}${line.text}`]);
  });
  const changed = kept.some((line) => line.type !== ' ');
  return {
    diff: changed ? `${kept.map((line) => `${line.type}${line.text}`).join('\n')}\n` : '',
    ignored: [...hidden].map(([rule, hiddenLines]) => ({ rule, lines: hiddenLines })),
    normalised: [],
  };
}
