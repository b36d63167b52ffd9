/**
 * Reads just enough of Terraform's native syntax (HCL) to know, before Terraform runs, which root
 * module variables are declared `sensitive = true` and which literal strings a var file or a
 * declaration's `default` gives them. Terraform parses the files for real; this only tells the
 * redactor what to hide.
 * why not a parser library: @cdktf/hcl2json, HashiCorp's HCL-to-JSON, starts a Go WebAssembly
 * runtime when loaded (about 0.2 s per step here, 1.7 MB) and polls until it is up; the question
 * here needs blocks, attributes and string literals only.
 */
type TokenKind = 'word' | 'string' | 'open' | 'close' | 'equals' | 'colon' | 'newline' | 'other';

interface Token {
  kind: TokenKind;
  /**
   * A word's name; a string's decoded value when it is a literal (no interpolation), else undefined;
   * the character of an `other`.
   */
  text?: string;
}

const WORD = /[A-Za-z_][\w-]*/y;
const HEREDOC_START = /<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n/y;

/** The tokens of an HCL text: comments dropped, strings and heredocs whole. */
function tokensOf(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === '\n') {
      tokens.push({ kind: 'newline' });
      index++;
    } else if (char === ' ' || char === '\t' || char === '\r') {
      index++;
    } else if (char === '#' || (char === '/' && next === '/')) {
      index = lineEnd(text, index);
    } else if (char === '/' && next === '*') {
      const end = text.indexOf('*/', index + 2);
      index = end < 0 ? text.length : end + 2;
    } else if (char === '"') {
      const end = quotedEnd(text, index);
      const body = text.slice(index + 1, end - 1);
      tokens.push({ kind: 'string', ...(isLiteral(body) ? { text: decodeHclString(body) } : {}) });
      index = end;
    } else if (char === '<' && next === '<' && heredocAt(text, index)) {
      const heredoc = heredocAt(text, index)!;
      tokens.push({
        kind: 'string',
        ...(isLiteral(heredoc.body) ? { text: unescapeTemplate(heredoc.body) } : {}),
      });
      index = heredoc.end;
    } else if (char === '{' || char === '[' || char === '(') {
      tokens.push({ kind: 'open' });
      index++;
    } else if (char === '}' || char === ']' || char === ')') {
      tokens.push({ kind: 'close' });
      index++;
    } else if (char === '=' && next !== '=' && !'!<>='.includes(text[index - 1] ?? '')) {
      tokens.push({ kind: 'equals' });
      index++;
    } else if (char === ':') {
      tokens.push({ kind: 'colon' });
      index++;
    } else {
      WORD.lastIndex = index;
      const word = WORD.exec(text);
      tokens.push(word ? { kind: 'word', text: word[0] } : { kind: 'other', text: char });
      index = word ? WORD.lastIndex : index + 1;
    }
  }
  return tokens;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end;
}

/** Whether a quoted or heredoc body has no `${...}` or `%{...}` (their `$${` and `%%{` escapes are text). */
function isLiteral(body: string): boolean {
  return !/(?<![$%])[$%]\{/.test(body.replaceAll('$${', '').replaceAll('%%{', ''));
}

/** The index just past the closing quote of the quoted template that opens at `start`. */
function quotedEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '\\') index += 2;
    else if (char === '"') return index + 1;
    else if (char === '\n') return index;
    else if ((char === '$' || char === '%') && text[index + 1] === char && text[index + 2] === '{')
      index += 3;
    else if ((char === '$' || char === '%') && text[index + 1] === '{')
      index = interpolationEnd(text, index + 2);
    else index++;
  }
  return index;
}

/** The index just past the `}` that closes an interpolation whose expression starts at `start`. */
function interpolationEnd(text: string, start: number): number {
  let depth = 0;
  let index = start;
  while (index < text.length) {
    const char = text[index]!;
    if (char === '"') index = quotedEnd(text, index);
    else if (char === '{') {
      depth++;
      index++;
    } else if (char === '}') {
      if (depth === 0) return index + 1;
      depth--;
      index++;
    } else index++;
  }
  return index;
}

/** A heredoc opening at `start` (`<<EOT` or `<<-EOT`): its body, indentation removed for `<<-`, and end. */
function heredocAt(text: string, start: number): { body: string; end: number } | undefined {
  HEREDOC_START.lastIndex = start;
  const opening = HEREDOC_START.exec(text);
  if (!opening) return undefined;
  const [, strip, marker] = opening;
  const lines: string[] = [];
  let index = HEREDOC_START.lastIndex;
  while (index < text.length) {
    const end = lineEnd(text, index);
    const line = text.slice(index, end).replace(/\r$/, '');
    if (line.trim() === marker) {
      const indent = strip ? commonIndent(lines) : 0;
      const body = lines.map((l) => l.slice(indent)).join('\n');
      return { body: lines.length > 0 ? `${body}\n` : '', end };
    }
    lines.push(line);
    index = end + 1;
  }
  return { body: lines.join('\n'), end: text.length };
}

/**
 * The indentation every non-blank line shares. why: a loop, not Math.min(...lines): a heredoc of a
 * few hundred thousand lines overflows the call stack when spread.
 */
function commonIndent(lines: readonly string[]): number {
  let indent = Number.POSITIVE_INFINITY;
  for (const line of lines) {
    if (line.trim() !== '') indent = Math.min(indent, line.length - line.trimStart().length);
  }
  return Number.isFinite(indent) ? indent : 0;
}

/**
 * The tokens of each attribute's value in a body, by attribute name: for the top level of a var
 * file, or the inside of one block. `tokens` from `from` to the body's end (depth 0 there).
 */
function attributeTokens(tokens: readonly Token[], from = 0): { values: Map<string, Token[]>; end: number } {
  const values = new Map<string, Token[]>();
  let depth = 0;
  let attribute: string | undefined;
  let atLineStart = true;
  let index = from;
  for (; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'close' && depth === 0) break;
    if (token.kind === 'newline' && depth === 0) {
      attribute = undefined;
      atLineStart = true;
      continue;
    }
    if (depth === 0 && atLineStart && token.kind === 'word' && tokens[index + 1]?.kind === 'equals') {
      attribute = token.text!;
      values.set(attribute, values.get(attribute) ?? []);
      index++;
    } else {
      if (token.kind === 'open') depth++;
      else if (token.kind === 'close') depth--;
      if (attribute !== undefined) values.get(attribute)!.push(token);
    }
    atLineStart = false;
  }
  return { values, end: index };
}

/** The literal strings among a value's tokens. */
function literalStrings(tokens: readonly Token[]): string[] {
  return tokens.flatMap((token) => (token.kind === 'string' && token.text !== undefined ? [token.text] : []));
}

/** The input variables a value's tokens name (`var.NAME`). */
function variableReferences(tokens: readonly Token[]): string[] {
  const names: string[] = [];
  for (let index = 0; index + 2 < tokens.length; index++) {
    const [first, dot, name] = [tokens[index]!, tokens[index + 1]!, tokens[index + 2]!];
    if (first.kind === 'word' && first.text === 'var' && dot.text === '.' && name.kind === 'word')
      names.push(name.text!);
  }
  return names;
}

/** A variable the module declares `sensitive = true`, with the literal strings of its `default`. */
export interface SensitiveVariable {
  name: string;
  defaults: string[];
}

/** A variable a module declares: whether it is sensitive, and the literal strings of its `default`. */
export interface DeclaredVariable extends SensitiveVariable {
  sensitive: boolean;
}

/** A `module` block: its `source`, and each argument's literal strings and `var.NAME` references. */
export interface ModuleCall {
  source?: string;
  arguments: Map<string, { strings: string[]; variables: string[] }>;
}

/** The top-level blocks of one type (`variable`, `module`): label and body. */
function blocksOf(
  tokens: readonly Token[],
  type: string,
): { label: string; body: Map<string, Token[]>; from: number; end: number }[] {
  const blocks: { label: string; body: Map<string, Token[]>; from: number; end: number }[] = [];
  let depth = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index]!;
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth = Math.max(0, depth - 1);
    const label = tokens[index + 1];
    if (
      depth !== 0 ||
      token.kind !== 'word' ||
      token.text !== type ||
      // why: a block's label may be written without quotes (`variable psk {`), as HCL allows.
      (label?.kind !== 'string' && label?.kind !== 'word') ||
      label.text === undefined ||
      tokens[index + 2]?.kind !== 'open'
    )
      continue;
    const body = attributeTokens(tokens, index + 3);
    blocks.push({ label: label.text, body: body.values, from: index + 3, end: body.end });
    index = body.end;
  }
  return blocks;
}

/** The variables an HCL file (`*.tf`) declares. */
export function variablesOf(text: string): DeclaredVariable[] {
  const tokens = tokensOf(text);
  return blocksOf(tokens, 'variable').map((block) => ({
    name: block.label,
    sensitive: isTrue(tokens, block.from, block.end),
    defaults: literalStrings(block.body.get('default') ?? []),
  }));
}

/** The variables an HCL file (`*.tf`) declares sensitive. */
export function sensitiveVariablesOf(text: string): SensitiveVariable[] {
  return variablesOf(text).flatMap(({ name, sensitive, defaults }) =>
    sensitive ? [{ name, defaults }] : [],
  );
}

/** The `module` blocks of an HCL file (`*.tf`). */
export function moduleCallsOf(text: string): ModuleCall[] {
  return blocksOf(tokensOf(text), 'module').map((block) => {
    const [source] = literalStrings(block.body.get('source') ?? []);
    const calls = new Map<string, { strings: string[]; variables: string[] }>();
    for (const [name, value] of block.body) {
      if (name !== 'source')
        calls.set(name, { strings: literalStrings(value), variables: variableReferences(value) });
    }
    return { ...(source !== undefined ? { source } : {}), arguments: calls };
  });
}

/** Whether the block body in `tokens[from, end)` says `sensitive = true` at its own level. */
function isTrue(tokens: readonly Token[], from: number, end: number): boolean {
  let depth = 0;
  for (let index = from; index < end; index++) {
    const token = tokens[index]!;
    if (token.kind === 'open') depth++;
    else if (token.kind === 'close') depth--;
    else if (
      depth === 0 &&
      token.kind === 'word' &&
      token.text === 'sensitive' &&
      tokens[index + 1]?.kind === 'equals' &&
      // why: Terraform converts the string "true" to the bool, so `sensitive = "true"` counts too.
      (tokens[index + 2]?.kind === 'word' || tokens[index + 2]?.kind === 'string') &&
      tokens[index + 2]?.text === 'true'
    )
      return true;
  }
  return false;
}

/** A JSON configuration file's blocks of one type (`variable`, `module`): `{label: body}`, either JSON form. */
function jsonBlocksOf(text: string, type: string): [string, Record<string, unknown>][] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return [];
  }
  const blocks = (document as Record<string, unknown> | null)?.[type];
  const found: [string, Record<string, unknown>][] = [];
  for (const group of Array.isArray(blocks) ? blocks : [blocks]) {
    if (group === null || typeof group !== 'object') continue;
    for (const [label, bodies] of Object.entries(group)) {
      for (const body of Array.isArray(bodies) ? bodies : [bodies])
        if (body !== null && typeof body === 'object') found.push([label, body as Record<string, unknown>]);
    }
  }
  return found;
}

/** The variables a JSON configuration file (`*.tf.json`) declares. */
export function jsonVariablesOf(text: string): DeclaredVariable[] {
  return jsonBlocksOf(text, 'variable').map(([name, body]) => ({
    name,
    sensitive: body.sensitive === true || body.sensitive === 'true',
    defaults: stringLeaves(body.default),
  }));
}

/** The variables a JSON configuration file (`*.tf.json`) declares sensitive. */
export function sensitiveJsonVariablesOf(text: string): SensitiveVariable[] {
  return jsonVariablesOf(text).flatMap(({ name, sensitive, defaults }) =>
    sensitive ? [{ name, defaults }] : [],
  );
}

/** The `module` blocks of a JSON configuration file (`*.tf.json`); its expressions are `${...}` strings. */
export function jsonModuleCallsOf(text: string): ModuleCall[] {
  return jsonBlocksOf(text, 'module').map(([, body]) => {
    const calls = new Map<string, { strings: string[]; variables: string[] }>();
    for (const [name, value] of Object.entries(body)) {
      if (name === 'source') continue;
      const leaves = stringLeaves(value);
      calls.set(name, {
        strings: leaves.filter((leaf) => !leaf.includes('${')),
        variables: leaves.flatMap((leaf) =>
          [...leaf.matchAll(/\bvar\.([A-Za-z_][\w-]*)/g)].map((match) => match[1]!),
        ),
      });
    }
    return { ...(typeof body.source === 'string' ? { source: body.source } : {}), arguments: calls };
  });
}

/** The literal strings each top-level attribute of an HCL var file (`*.tfvars`) holds, at any depth. */
export function varFileStrings(text: string): Map<string, string[]> {
  const values = attributeTokens(tokensOf(text)).values;
  return new Map([...values].map(([name, value]) => [name, literalStrings(value)]));
}

/**
 * Every literal string an HCL text assigns to a key, at any depth, as `{key: value}` pairs (an
 * object's keys may be quoted and use `:`): what sits under a secret-looking name, wherever it is.
 */
export function keyedStrings(text: string): Record<string, string>[] {
  const tokens = tokensOf(text);
  const pairs: Record<string, string>[] = [];
  for (let index = 0; index + 2 < tokens.length; index++) {
    const [key, assign, value] = [tokens[index]!, tokens[index + 1]!, tokens[index + 2]!];
    if (
      (key.kind === 'word' || key.kind === 'string') &&
      key.text !== undefined &&
      (assign.kind === 'equals' || assign.kind === 'colon') &&
      value.kind === 'string' &&
      value.text !== undefined
    )
      pairs.push({ [key.text]: value.text });
  }
  return pairs;
}

/** Every string and number inside a JSON value, numbers as text. */
export function stringLeaves(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) return value.flatMap(stringLeaves);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

/** An HCL quoted string's body with its escapes decoded. */
export function decodeHclString(body: string): string {
  return unescapeTemplate(body).replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_escape, code: string) => {
    if (code.length > 1) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[code] ?? code;
  });
}

/** A template's literal text: `$${` is the text `${`, and `%%{` is `%{`. */
function unescapeTemplate(body: string): string {
  return body.replaceAll('$${', '${').replaceAll('%%{', '%{');
}
