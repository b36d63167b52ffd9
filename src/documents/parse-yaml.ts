import jsYaml from 'js-yaml';
import {
  Composer,
  type CST,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  Parser,
  type YAMLMap,
} from 'yaml';
import type { Finding } from '../core/findings.js';
import { indexLines, type LineIndex, locateByLines } from './locate-lines.js';
import type { DocumentPath, Position } from './position.js';
import { YAML_12_CORE_SCHEMA } from './yaml-core-schema.js';

export type { DocumentPath, Position } from './position.js';

/** A YAML file parsed with its source positions kept, so every finding can point at a line. */
export interface YamlDocument {
  /** Repository-relative POSIX path. */
  file: string;
  /** The text the document was parsed from. */
  source: string;
  /** The plain data; `undefined` when the file could not be parsed. */
  value: unknown;
  /** Parse problems: syntax, duplicate keys, alias bombs, forbidden keys, several documents. */
  findings: Finding[];
  /** The YAML syntax tree, for checks that need how a value was written (lint). */
  root?: Node;
  /** Position of the value at `path`, or of its nearest existing ancestor. */
  positionOf(path: DocumentPath): Position;
  /** Position of the key that holds `path` (for unknown keys); falls back to `positionOf`. */
  keyPositionOf(path: DocumentPath): Position;
  /** Position of a character offset in the source (for syntax-tree nodes' ranges). */
  positionAt(offset: number): Position;
}

// why: keys that would reach Object.prototype when the data is spread or merged downstream.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// why: a backslash may spell a forbidden key with escapes ("\u005f_proto__"), so it forces the walk too.
const FORBIDDEN_TEXT = /__proto__|constructor|prototype|\\/;
// why: an alias bomb expands a few lines into billions of nodes; 100 aliases is plenty for real files.
const MAX_ALIAS_COUNT = 100;
/**
 * How many mappings and lists may sit one inside another (the top one counts as 1).
 * why: a proposal, policy or inventory nests a few dozen levels at most. Both parsers recurse per
 * level and run out of stack some thousands deep ("Maximum call stack size exceeded", or a crash
 * of the process), so a deeper file is refused before either recurses that far.
 */
export const MAX_NESTING_DEPTH = 64;
// why: thrown from js-yaml's listener to stop it before its recursion goes deeper than the limit.
const TOO_DEEP = Symbol('too deep');

/** What a caller of `parseYaml` knows about the file it reads. */
export interface ParseOptions {
  /**
   * What the file should hold, for the hint of an empty one ("Write ..."). why: not every file is
   * a netchange document; an --approvals file is a list like `- {user: alice}`.
   */
  expected?: string;
}

/** What most files netchange reads hold: a proposal, a policy, netchange.yaml. */
const NETCHANGE_DOCUMENT = 'one YAML mapping with apiVersion and kind';

/**
 * Parses one YAML document, never throwing: every problem becomes a `yaml` finding with a position.
 * YAML 1.2 core schema, so `no`/`on` stay strings and timestamps stay text for us to parse.
 *
 * A clean file takes the fast path (js-yaml, with `yaml`'s own scalar rules: yaml-core-schema.ts)
 * and keeps only its text; the positional parse (`yaml`, with a syntax tree) runs the first time the
 * tree, or a position its lines cannot give (locate-lines.ts), is asked for. Any file the fast path
 * cannot vouch for — a syntax error, duplicate keys, several documents, anchors or aliases, explicit
 * tags, forbidden keys — goes straight to the positional parser, so both always agree on findings.
 * What the fast parser saw decides, not the characters: `limit: "sw*"`, "R&D" and "**bold**" in a
 * description stay on the fast path.
 */
export function parseYaml(file: string, text: string, options: ParseOptions = {}): YamlDocument {
  const value = parseFast(text);
  if (value === undefined) return parseYamlWithPositions(file, text, options);
  let full: YamlDocument | undefined;
  const positional = (): YamlDocument => {
    full ??= parseYamlWithPositions(file, text, options);
    return full;
  };
  let lines: LineIndex | undefined | null;
  // why: most findings in a clean file point at a plain key's value; reading its lines is far
  // cheaper than the positional parse, which answers whenever the lines cannot (locate-lines.ts).
  const positionByLines = (path: DocumentPath): Position | undefined => {
    if (full) return undefined;
    if (lines === undefined) lines = indexLines(text) ?? null;
    return lines ? locateByLines(lines, value, path) : undefined;
  };
  return {
    file,
    source: text,
    value,
    findings: [],
    get root() {
      return positional().root;
    },
    positionOf: (path) => positionByLines(path) ?? positional().positionOf(path),
    keyPositionOf: (path) => positional().keyPositionOf(path),
    positionAt: (offset) => positional().positionAt(offset),
  };
}

/**
 * NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR: line breaks to YAML 1.1 (PyYAML, so Ansible), plain
 * text to YAML 1.2 (netchange). why: a file holding one is read differently by the two, so it could
 * be a harmless proposal to netchange and a play or a vars file to Ansible.
 */
const YAML_1_1_LINE_BREAK = /[\u0085\u2028\u2029]/;

// why: a node's explicit tag is the first thing after its start, past spaces and comments.
const TAG_AT_NODE_START = /(?:[ \t\r\n]|#[^\n]*)*!/y;

/**
 * The fast parser's value, or undefined when it cannot vouch for the file: it failed, the document
 * is not a mapping or list, or it saw an anchor (every alias needs one; an alias bomb needs many) or
 * an explicit tag, which the positional parser bounds and reports with their lines, or the text holds
 * a YAML 1.1 line break, which the positional parser reports, or it nests so deep that the positional
 * parser must measure it.
 */
export function parseFast(text: string): unknown {
  if (YAML_1_1_LINE_BREAK.test(text)) return undefined;
  let value: unknown;
  let special = false;
  const starts: number[] = [];
  try {
    value = jsYaml.load(text, {
      schema: YAML_12_CORE_SCHEMA,
      json: false,
      // why: js-yaml reports every node it composes; an anchor shows on the node, a tag in the text
      // where the node starts (an implicitly typed `1` and an explicit `!!int 1` end up alike).
      listener(event, state) {
        // why: js-yaml opens at least one node per level (sometimes two), so a file this deep may
        // nest too deep; the positional parser measures it exactly, before it recurses.
        if (event === 'open') {
          starts.push(state.position);
          if (starts.length > MAX_NESTING_DEPTH) throw TOO_DEEP;
          return;
        }
        const start = starts.pop() ?? 0;
        if (special) return;
        if ((state as typeof state & { anchor?: string | null }).anchor != null) special = true;
        else {
          TAG_AT_NODE_START.lastIndex = start;
          if (TAG_AT_NODE_START.test(text)) special = true;
        }
      },
    });
  } catch {
    return undefined;
  }
  if (special || value === null || typeof value !== 'object') return undefined;
  // why: walking every key costs more than one look at the text, which rules most files out.
  if (FORBIDDEN_TEXT.test(text) && hasForbiddenKey(value)) return undefined;
  return value;
}

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (value === null || typeof value !== 'object') return false;
  for (const [key, child] of Object.entries(value)) {
    if (FORBIDDEN_KEYS.has(key) || hasForbiddenKey(child)) return true;
  }
  return false;
}

/**
 * The positional parse: a syntax tree with ranges, every problem a finding at its line. `parseYaml`
 * falls back to it; tests call it to compare the two parsers.
 */
export function parseYamlWithPositions(file: string, text: string, options: ParseOptions = {}): YamlDocument {
  const lineCounter = new LineCounter();
  // why: parseAllDocuments, split at the syntax tree (which the parser builds without recursing), so
  // the depth is measured there before the composer recurses through it.
  const tokens = Array.from(new Parser(lineCounter.addNewLine).parse(text));
  if (tokens.some((token) => token.type === 'document' && nestsDeeperThan(token.value, MAX_NESTING_DEPTH)))
    return emptyResult(file, text, [tooDeepFinding(file)]);
  const documents = Array.from(new Composer({ uniqueKeys: true }).compose(tokens));
  const findings: Finding[] = [];
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const yamlFinding = (message: string, offset: number, hint?: string): Finding => ({
    ruleId: 'yaml',
    severity: 'error',
    message,
    ...(hint ? { hint } : {}),
    file,
    ...at(offset),
  });

  const list = documents;
  const document = list[0];
  if (!document || document.contents === null) {
    return emptyResult(file, text, [
      yamlFinding('the file is empty', 0, `Write ${options.expected ?? NETCHANGE_DOCUMENT}.`),
    ]);
  }
  if (list.length > 1) {
    const second = list[1]!;
    findings.push(
      yamlFinding(
        `the file holds ${list.length} YAML documents; netchange reads exactly one`,
        second.range[0],
        'Split the documents into one file each, or remove the `---` separator.',
      ),
    );
  }
  const lineBreak = YAML_1_1_LINE_BREAK.exec(text);
  if (lineBreak) {
    const code = lineBreak[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    findings.push(
      yamlFinding(
        `the character U+${code} is a line break to YAML 1.1 (Ansible reads the file that way) but text to netchange`,
        lineBreak.index,
        'Replace it with a newline, or write it as an escape (\\N, \\L or \\P) in a double-quoted string, so that every tool reads the file alike.',
      ),
    );
  }
  for (const error of document.errors) {
    findings.push(
      yamlFinding(describeYamlError(error.code, error.message), error.pos[0], hintFor(error.code)),
    );
  }

  const root = document.contents as Node;
  const positionOf = (path: DocumentPath): Position => {
    const node = nearestNode(root, path);
    return at(node?.range?.[0] ?? 0);
  };
  const keyPositionOf = (path: DocumentPath): Position => {
    const parent = nearestNode(root, path.slice(0, -1));
    const last = path[path.length - 1];
    if (parent && isMap(parent)) {
      const pair = (parent as YAMLMap).items.find(
        (item) => isPair(item) && keyText(item.key) === String(last),
      );
      const key = pair?.key as Node | undefined;
      if (key?.range) return at(key.range[0]);
    }
    return positionOf(path);
  };

  if (findings.length === 0) {
    walkKeys(root, (key) => {
      if (FORBIDDEN_KEYS.has(keyText(key))) {
        findings.push(
          yamlFinding(
            `the key '${keyText(key)}' is not allowed`,
            key.range?.[0] ?? 0,
            'Rename the key; it collides with JavaScript object internals.',
          ),
        );
      }
    });
  }

  let value: unknown;
  if (findings.length === 0) {
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      findings.push(
        yamlFinding(
          `the document expands too far through aliases (${error instanceof Error ? error.message : 'alias limit'})`,
          0,
          'Remove the anchors and aliases that repeat large structures.',
        ),
      );
    }
  }
  return {
    file,
    source: text,
    value: findings.length === 0 ? value : undefined,
    findings,
    root,
    positionOf,
    keyPositionOf,
    positionAt: at,
  };
}

/** The one finding for a document nested deeper than MAX_NESTING_DEPTH, at its start. */
function tooDeepFinding(file: string): Finding {
  return {
    ruleId: 'yaml',
    severity: 'error',
    message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels`,
    hint: 'Flatten the structure: a proposal, policy or inventory needs a few levels of mappings and lists, never dozens.',
    file,
    line: 1,
    column: 1,
  };
}

/**
 * Whether mappings and lists in the syntax tree sit more than `limit` deep, the top one at depth 1.
 * Stops past the limit, so the walk's own recursion stays shallow.
 */
function nestsDeeperThan(token: CST.Token | null | undefined, limit: number, depth = 0): boolean {
  if (!token) return false;
  if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')
    return false;
  if (depth + 1 > limit) return true;
  return token.items.some(
    (item) =>
      ('key' in item && nestsDeeperThan(item.key, limit, depth + 1)) ||
      nestsDeeperThan(item.value, limit, depth + 1),
  );
}

function emptyResult(file: string, source: string, findings: Finding[]): YamlDocument {
  const origin = (): Position => ({ line: 1, column: 1 });
  return {
    file,
    source,
    value: undefined,
    findings,
    positionOf: origin,
    keyPositionOf: origin,
    positionAt: origin,
  };
}

function keyText(key: unknown): string {
  if (isScalar(key)) return String(key.value);
  return String(key);
}

function walkKeys(node: unknown, visit: (key: Node) => void): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (pair.key) visit(pair.key as Node);
      walkKeys(pair.value, visit);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) walkKeys(item, visit);
  }
}

function nearestNode(root: Node, path: DocumentPath): Node | undefined {
  let current: Node | undefined = root;
  for (const segment of path) {
    let next: unknown;
    if (isMap(current)) {
      const pair = current.items.find((item) => keyText(item.key) === String(segment));
      next = pair?.value ?? undefined;
    } else if (isSeq(current)) {
      next = current.items[Number(segment)];
    }
    if (!next || typeof next !== 'object' || !('range' in next)) return current;
    current = next as Node;
  }
  return current;
}

function describeYamlError(code: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'duplicate key: a key appears twice in the same mapping';
    case 'TAB_AS_INDENT':
      return 'tab used for indentation';
    default:
      return `invalid YAML: ${firstLine.replace(/ at line \d+, column \d+:?$/, '')}`;
  }
}

function hintFor(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'Keep one of the two keys; YAML tools disagree about which one wins.';
    case 'TAB_AS_INDENT':
      return 'Indent with spaces.';
    default:
      return 'Check indentation and quoting around this line.';
  }
}
