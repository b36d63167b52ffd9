/**
 * Secret redaction. Every output path (terminal, artifacts, JSON, PR comments, logs, evidence)
 * passes its data through one Redactor before rendering; text passes are the last line of defence,
 * not the first.
 *
 * Three layers, applied in this order:
 * 1. structure: values under secret-looking keys, Terraform `*_sensitive` trees and Ansible `no_log`
 *    results are replaced, and the replaced values are learned;
 * 2. values: every learned or configured secret value is removed from text in each form it takes in
 *    tool output: raw, JSON-escaped (also with `\/`), `\u00e4`-escaped (both cases), escaped twice
 *    (JSON in JSON), Go's HTML-safe JSON, Python-repr-escaped, `\xNN`-escaped (Python bytes, YAML),
 *    percent-encoded (once or twice), HTML-escaped (also with numeric entities), shell- and
 *    YAML-quoted, hex (plain, spaced, colon-separated), base64 (also wrapped across lines), in NFC
 *    and NFD, line by line for a multi-line secret (diffs split lines), and folded across lines at
 *    its spaces (YAML, `wordwrap`), each in any letter case (a template's upper, lower or title filter);
 * 3. formats: known secret formats (PEM keys, GitHub/AWS tokens, device config secret lines).
 */
import { isSecretKey, MAY_HOLD_A_FORMAT, SECRET_TEXT_PATTERNS } from './patterns.js';

/** What replaces a secret everywhere. */
export const REDACTED = '[REDACTED]';

/**
 * The start of already-redacted text, at most `maxLength` characters, never ending inside a marker.
 * why: redact first, then cut: a secret cut in two is no longer found by any later pass, and a
 * marker cut in two (`[REDAC`) would read as a bug.
 */
export function cutRedacted(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const marker = text.lastIndexOf(REDACTED, maxLength - 1);
  const end = marker >= 0 && marker + REDACTED.length > maxLength ? marker : maxLength;
  return text.slice(0, end);
}

/** Shortest value redacted by value: shorter ones would blank out ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;

/** Environment variables whose values are secret without being named in the config. */
const SECRET_ENV_NAME =
  /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PSK|API_?KEY|PRIVATE_?KEY|COMMUNITY|CREDENTIAL|WEBHOOK)/i;

/** Environment variables that hold a webhook URL, whose path is the credential. */
const WEBHOOK_ENV_NAME = /WEBHOOK/i;

export interface RedactorOptions {
  /** Values known to be secret (e.g. Ansible vault-decrypted variables). */
  secretValues?: readonly string[];
  /** The environment whose secret variables are redacted by value. */
  env?: NodeJS.ProcessEnv;
  /** Names of environment variables whose values are secret (`secrets.env` in netchange.yaml). */
  secretEnvNames?: readonly string[];
  /**
   * Names of environment variables that hold webhook URLs (`notify.*.webhookEnv`): the URL is secret,
   * and so is its path on its own (the credential), raw or percent-encoded.
   */
  webhookEnvNames?: readonly string[];
}

export interface Redactor {
  /** Removes every known secret value and every recognised secret format from a string. */
  redactText(text: string): string;
  /**
   * Redacts tool output (a step log): each line that is a JSON document is parsed, redacted as data
   * (`redactValue`) and serialised again, so a secret is caught whatever escaping the tool used;
   * then the whole text gets the text pass.
   */
  redactOutput(text: string): string;
  /**
   * Returns a redacted deep copy of structured data: secret-looking keys are masked (and their
   * values learned), then every string goes through `redactText`.
   */
  redactValue<T>(value: T): T;
  /** Learns more secret values at run time (Terraform sensitive values, masked keys). */
  addSecretValues(values: Iterable<string>): void;
  /** Learns every string leaf of a value (e.g. a whole sensitive subtree) as secret. */
  learn(value: unknown): void;
  /**
   * Learns the values stored under secret-looking keys anywhere in `value` (inventory variables,
   * extra vars, Terraform variables) without copying it.
   */
  learnSecretKeys(value: unknown): void;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Whether the value under `key` is masked whole: a secret-looking key holding something. */
function masksItem(key: string, item: unknown): boolean {
  return isSecretKey(key) && item !== null && typeof item !== 'boolean' && item !== '';
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const secrets = new Set<string>();
  /** The secrets whose spaces a tool may turn into line breaks (YAML folding, `wordwrap`). */
  const foldable = new Set<string>();
  let valuePattern: RegExp | undefined;
  /** The known forms that span lines, upper-cased: a match equal to one is one secret, one marker. */
  let multiLineForms = new Set<string>();
  let dirty = true;

  function addSecretValues(values: Iterable<string>): void {
    for (const raw of values) {
      for (const value of [...unicodeForms(raw), raw.trim(), ...linesOf(raw)]) {
        if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) continue;
        secrets.add(value);
        if (isFoldable(value)) foldable.add(value);
        for (const form of secretForms(value)) if (form.length >= MIN_SECRET_LENGTH) secrets.add(form);
        dirty = true;
      }
    }
  }

  function learn(value: unknown): void {
    if (typeof value === 'string') addSecretValues([value]);
    else if (typeof value === 'number') addSecretValues([String(value)]);
    else if (Array.isArray(value)) for (const item of value) learn(item);
    else if (value !== null && typeof value === 'object')
      for (const item of Object.values(value)) learn(item);
  }

  function currentValuePattern(): RegExp | undefined {
    if (dirty) {
      const built = buildValuePattern(secrets, foldable);
      valuePattern = built?.pattern;
      multiLineForms = built?.multiLine ?? new Set();
      dirty = false;
    }
    return valuePattern;
  }

  /**
   * One marker for a match on one line or for a known multi-line secret; one marker per line for a
   * secret a tool folded across lines. why: a folded value's diff then keeps its line count (and its
   * hunk headers stay true), and each of its lines still shows that it changes.
   */
  function replacementFor(match: string): string {
    if (!LINE_BREAK.test(match) || multiLineForms.has(match.toUpperCase())) return REDACTED;
    return markEachLine(match);
  }

  function redactText(text: string): string {
    let result = text;
    const pattern = currentValuePattern();
    if (pattern) {
      result = result.replace(pattern, replacementFor);
      result = redactWrappedBase64(result, pattern, replacementFor);
    }
    if (!MAY_HOLD_A_FORMAT.test(result)) return result;
    for (const { pattern: formatPattern, replace } of SECRET_TEXT_PATTERNS) {
      result = result.replace(formatPattern, replace);
    }
    return result;
  }

  /** Learns the values under secret-looking keys, without copying. */
  function learnUnderSecretKeys(value: unknown, depth: number): void {
    if (depth > 200 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) learnUnderSecretKeys(item, depth + 1);
      return;
    }
    for (const [key, item] of Object.entries(value)) {
      if (masksItem(key, item)) learn(item);
      else learnUnderSecretKeys(item, depth + 1);
    }
  }

  /** A copy with the values under secret-looking keys masked and every string redacted. */
  function redactCopy(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return redactText(value);
    // why: a secret that is a number (a key, a PIN) stays a number in JSON, where no text pass sees it.
    if (typeof value === 'number' && secrets.has(String(value))) return REDACTED;
    if (depth > 200 && value !== null && typeof value === 'object') return REDACTED;
    if (Array.isArray(value)) return value.map((item) => redactCopy(item, depth + 1));
    if (value instanceof Map) {
      return new Map([...value].map(([key, item]) => [key, redactCopy(item, depth + 1)]));
    }
    // why: a Date or another class instance is no data to copy key by key (it would become {}).
    if (value !== null && typeof value === 'object' && !isPlainObject(value)) return value;
    if (value !== null && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        copy[redactText(key)] = masksItem(key, item) ? REDACTED : redactCopy(item, depth + 1);
      }
      return copy;
    }
    return value;
  }

  function redactOutput(text: string): string {
    const lines = text.split('\n').map((line) => {
      const trimmed = line.trim();
      if (!/^[[{]/.test(trimmed)) return line;
      try {
        return JSON.stringify(redactValue(JSON.parse(trimmed) as unknown));
      } catch {
        // why: not JSON after all (a line cut short, a bracketed message): the text pass handles it.
        return line;
      }
    });
    return redactText(lines.join('\n'));
  }

  function learnSecretKeys(value: unknown): void {
    learnUnderSecretKeys(value, 0);
  }

  function redactValue<T>(value: T): T {
    // why: learn what sits under secret keys first, so those values are known before any string
    // is scanned: a password under `password:` then also disappears from a free-text `msg` next to
    // it. One copy, not two: validate redacts a report of thousands of proposals this way.
    learnUnderSecretKeys(value, 0);
    return redactCopy(value, 0) as T;
  }

  addSecretValues(options.secretValues ?? []);
  const env = options.env ?? {};
  const names = new Set(options.secretEnvNames ?? []);
  const webhooks = new Set(options.webhookEnvNames ?? []);
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (webhooks.has(name) || WEBHOOK_ENV_NAME.test(name)) addSecretValues(webhookSecretForms(value.trim()));
    else if (names.has(name) || SECRET_ENV_NAME.test(name)) addSecretValues([value]);
  }
  return { redactText, redactOutput, redactValue, addSecretValues, learn, learnSecretKeys };
}

/** Shortest line of a multi-line secret redacted on its own: shorter lines are ordinary text. */
const MIN_SECRET_LINE_LENGTH = 6;

const LINE_BREAK = /\r\n|\r|\n/;
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * What may stand between two words of a secret in output: any whitespace (also JSON-escaped), a
 * line break with the next line's indentation and diff marker (`+`, `-`), YAML's double-quoted
 * continuation (`\` at the end of a line, `\ ` for the space), and terminal colour codes.
 */
const FOLD_SPACE = String.raw`(?:\s|\\[nrt]|\x1b\[[0-9;]*m)`;
const FOLD = String.raw`(?:\\?${FOLD_SPACE})+(?:[+\-]${FOLD_SPACE}*)?(?:\\ )?`;

/**
 * Most words a secret is matched folded with. why: a long secret with many spaces (a whole learned
 * file) would make a huge pattern; its lines are still redacted one by one.
 */
const MAX_FOLDED_WORDS = 64;

/** What one line of a folded secret keeps before its marker: indentation, diff marker, colour. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character starts a colour code.
const LINE_LEAD = /^(?:[ \t]|[+-]|\\ |\x1b\[[0-9;]*m)*/;

/** True when a tool may break `value` across lines at its spaces. */
function isFoldable(value: string): boolean {
  const words = value.trim().split(/\s+/).length;
  return words > 1 && words <= MAX_FOLDED_WORDS;
}

/**
 * One case-insensitive alternation of every form, longest first (a secret that contains a shorter
 * one is removed whole); a foldable secret matches with each of its spaces folded.
 */
function buildValuePattern(
  secrets: ReadonlySet<string>,
  foldable: ReadonlySet<string>,
): { pattern: RegExp; multiLine: Set<string> } | undefined {
  // why: the pattern ignores case, so forms that differ only in case (`\u00E4`, `\u00e4`, hex) are one alternative.
  const forms = new Map<string, string>();
  for (const value of secrets) {
    const key = value.toUpperCase();
    if (value.length >= MIN_SECRET_LENGTH && (!forms.has(key) || foldable.has(value))) forms.set(key, value);
  }
  if (forms.size === 0) return undefined;
  const alternatives = [...forms.values()]
    .sort((a, b) => b.length - a.length)
    .map((form) => (foldable.has(form) ? foldedSource(form) : escapeRegExp(form)));
  return {
    // why: ignoring case, because a template's upper, lower or title filter changes only the case.
    pattern: new RegExp([...new Set(alternatives)].join('|'), 'gi'),
    multiLine: new Set([...forms.keys()].filter((key) => LINE_BREAK.test(key))),
  };
}

/** The secret with each run of whitespace allowed to be any {@link FOLD}. */
function foldedSource(value: string): string {
  return value.trim().split(/\s+/).map(escapeRegExp).join(FOLD);
}

/** A folded match with a marker on each of its lines, each line keeping its lead. */
function markEachLine(match: string): string {
  return match
    .split(/(\r\n|\r|\n)/)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      const lead = index === 0 ? '' : (LINE_LEAD.exec(part)?.[0] ?? '');
      return lead.length === part.length && index > 0 ? part : `${lead}${REDACTED}`;
    })
    .join('');
}

/**
 * Base64 wrapped across lines (MIME at 76 columns, PEM at 64, `wordwrap`): a run of base64 that ends
 * its line, then lines that are base64 to their end (or to a closing quote, tag or bracket), each
 * indented or not. why: the lookbehind starts a block only where a run starts, so a long line is
 * scanned once; whole lines only, so prose whose line ends in a long word is no block.
 */
const WRAPPED_BASE64 =
  /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}(?:[ \t]*(?:\r\n|\r|\n)[ \t]*[A-Za-z0-9+/_-]+={0,2}(?=[ \t]*(?:[\r\n"'<,;)\]}]|$)))+/g;
/** Shortest run of base64 before a line break that {@link WRAPPED_BASE64} takes as wrapped. */
const MIN_WRAPPED_RUN = 16;
const LINE_BREAK_OR_INDENT = /[ \t]*(?:\r\n|\r|\n)[ \t]*/g;
/** What may end the last line of wrapped base64: the line's end, a closing quote, tag or bracket. */
const WRAPPED_END = new Set([...'\r\n"\'<,;)]}'].map((character) => character.charCodeAt(0)));

/**
 * Finds the secrets' base64 forms in wrapped base64: each block is matched with its line breaks and
 * indentation taken out, and what matched is replaced where it sits in the text.
 */
function redactWrappedBase64(text: string, pattern: RegExp, replace: (match: string) => string): string {
  if (!hasWrappedRun(text)) return text;
  return text.replace(WRAPPED_BASE64, (block) => {
    const joined = block.replace(LINE_BREAK_OR_INDENT, '');
    pattern.lastIndex = 0;
    // why: the common case, a block with no secret in it, costs one test and no position table.
    if (!pattern.test(joined)) return block;
    const positions: number[] = [];
    for (let index = 0; index < block.length; index++)
      if (!/\s/.test(block.charAt(index))) positions.push(index);
    let result = '';
    let from = 0;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(joined); match; match = pattern.exec(joined)) {
      const start = positions[match.index] ?? 0;
      const end = (positions[match.index + match[0].length - 1] ?? start) + 1;
      result += `${block.slice(from, start)}${replace(block.slice(start, end))}`;
      from = end;
    }
    return `${result}${block.slice(from)}`;
  });
}

/**
 * True when some line ends with a run of base64 and the next is base64 to its end. why: checked at
 * each line break only, so text without wrapped base64 (nearly all of it) costs a scan for line
 * breaks instead of a regular expression tried at every character.
 */
function hasWrappedRun(text: string): boolean {
  for (let lineBreak = text.indexOf('\n'); lineBreak >= 0; lineBreak = text.indexOf('\n', lineBreak + 1)) {
    let before = lineBreak - 1;
    while (before >= 0 && isBlank(text.charCodeAt(before))) before--;
    let run = 0;
    while (run < MIN_WRAPPED_RUN && before - run >= 0 && isBase64(text.charCodeAt(before - run))) run++;
    if (run < MIN_WRAPPED_RUN) continue;
    let after = lineBreak + 1;
    while (after < text.length && isBlank(text.charCodeAt(after))) after++;
    const start = after;
    while (after < text.length && isBase64(text.charCodeAt(after))) after++;
    while (after < text.length && isBlank(text.charCodeAt(after))) after++;
    if (after > start && (after === text.length || WRAPPED_END.has(text.charCodeAt(after)))) return true;
  }
  return false;
}

/** A space, a tab or a carriage return. */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** A character of base64 or base64url. */
function isBase64(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2b ||
    code === 0x2f ||
    code === 0x5f ||
    code === 0x2d ||
    code === 0x3d
  );
}

/**
 * The secret as written and in both Unicode normalisations: a tool (or a macOS file name) may give
 * `ä` as one code point (NFC) or as `a` and a combining mark (NFD).
 */
function unicodeForms(value: string): string[] {
  if (!NON_ASCII.test(value)) return [value];
  return [...new Set([value, value.normalize('NFC'), value.normalize('NFD')])];
}

/**
 * The lines of a multi-line secret: a unified diff, a heredoc or a YAML block shows each line
 * apart (after a `+`, indented), so no form of the whole value is ever on one line.
 */
function linesOf(value: string): string[] {
  if (!/[\r\n]/.test(value)) return [];
  return value
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_SECRET_LINE_LENGTH);
}

/** Every form a secret takes in tool output and in the files netchange writes. */
function secretForms(value: string): string[] {
  const escaped = new Set<string>();
  for (const once of [
    jsonEscaped(value),
    asciiJsonEscaped(value, 'lower'),
    asciiJsonEscaped(value, 'upper'),
  ]) {
    escaped.add(once);
    // why: JSON inside a JSON string (a module's stdout in an event, an event in a JSON log) escapes again.
    escaped.add(jsonEscaped(once));
    // why: PHP's json_encode and some Java serialisers write `/` as `\/`.
    escaped.add(once.replaceAll('/', '\\/'));
  }
  // why: Terraform's jsonencode (Go) also writes &, < and > as \u0026, \u003c and \u003e.
  escaped.add(htmlSafeJson(jsonEscaped(value)));
  escaped.add(pythonEscaped(value));
  for (const form of [
    ...urlEncodedForms(value),
    ...markupForms(value),
    ...byteEscapedForms(value),
    ...hexForms(value),
  ])
    escaped.add(form);
  escaped.delete(value);
  return [...escaped, ...encodedForms(value)];
}

function htmlSafeJson(json: string): string {
  return json.replaceAll('&', '\\u0026').replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');
}

/**
 * The secret percent-encoded as the tools do it: Jinja's `urlencode` and Python's `quote` keep `/`,
 * `quote_plus` and Go's `QueryEscape` (Terraform's `urlencode`) write a space as `+`, JavaScript's
 * `encodeURIComponent` keeps `!'()*`; and each encoded twice (a URL in a URL's query: `%` as `%25`).
 */
function urlEncodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const encode = (keep: RegExp, space: string) =>
    [...bytes]
      .map((byte) => {
        const character = String.fromCharCode(byte);
        if (byte < 0x80 && keep.test(character)) return character;
        if (character === ' ') return space;
        return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join('');
  const once = [
    encode(/[A-Za-z0-9_.~\-/]/, '%20'),
    encode(/[A-Za-z0-9_.~-]/, '%20'),
    encode(/[A-Za-z0-9_.~-]/, '+'),
    encode(/[A-Za-z0-9_.~\-/]/, '+'),
    encodeURIComponent(value),
  ];
  const twice = once.filter((form) => form.includes('%')).map((form) => form.replaceAll('%', '%25'));
  return [...once, ...twice];
}

/**
 * The secret as markup and quoting escape it: HTML entities (Jinja's `e`, Python's `html.escape`),
 * with non-ASCII characters as numeric references too (`&#228;`, `&#xe4;`: `xmlcharrefreplace`,
 * ASCII-only XML writers), a shell single-quoted word (Ansible's `quote`, `shlex.quote`), a YAML
 * single-quoted scalar.
 */
function markupForms(value: string): string[] {
  const html = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  const entities = [
    html.replaceAll('"', '&#34;').replaceAll("'", '&#39;'),
    html.replaceAll('"', '&quot;').replaceAll("'", '&#x27;'),
  ];
  const numeric = NON_ASCII.test(value)
    ? entities.flatMap((form) => [
        replaceNonAscii(form, (point) => `&#${point};`),
        replaceNonAscii(form, (point) => `&#x${point.toString(16)};`),
      ])
    : [];
  return [
    ...entities,
    ...numeric,
    value.replaceAll("'", `'"'"'`),
    value.replaceAll("'", `'\\''`),
    value.replaceAll("'", "''"),
  ];
}

/**
 * The secret with `\xNN` escapes, when it has non-ASCII characters: a Python bytes repr escapes each
 * UTF-8 byte (`b'P\xc3\xa4ss'`; in `b"…"`, chosen when the value holds `'` and no `"`, the `'` is
 * not escaped), PyYAML's double-quoted style each character up to U+00FF (`"P\xE4ss"`; `\uXXXX`
 * and `\UXXXXXXXX` above).
 */
function byteEscapedForms(value: string): string[] {
  if (!NON_ASCII.test(value)) return [];
  const hex = (number: number, digits: number) => number.toString(16).padStart(digits, '0');
  const utf8Bytes = (text: string) =>
    replaceNonAscii(text, (point) =>
      [...Buffer.from(String.fromCodePoint(point), 'utf8')].map((byte) => `\\x${hex(byte, 2)}`).join(''),
    );
  const repr = pythonEscaped(value);
  const yaml = replaceNonAscii(jsonEscaped(value), (point) =>
    point <= 0xff ? `\\x${hex(point, 2)}` : point <= 0xffff ? `\\u${hex(point, 4)}` : `\\U${hex(point, 8)}`,
  );
  return [utf8Bytes(repr), utf8Bytes(repr.replaceAll("\\'", "'")), yaml];
}

/** Each non-ASCII character (code point, not UTF-16 unit) of `text` replaced. */
function replaceNonAscii(text: string, replace: (codePoint: number) => string): string {
  return text.replace(/[\u{80}-\u{10ffff}]/gu, (character) => replace(character.codePointAt(0) ?? 0));
}

/**
 * The secret's UTF-8 bytes in hex: run together (`.hex()`, a hex dump), spaced (`bytes.hex(' ')`)
 * and colon-separated (`50:6c:34`, as keys and fingerprints are shown). Either case: the pattern
 * ignores case.
 */
function hexForms(value: string): string[] {
  const bytes = [...Buffer.from(value, 'utf8')].map((byte) => byte.toString(16).padStart(2, '0'));
  return [bytes.join(''), bytes.join(' '), bytes.join(':')];
}

/** The secret inside a JSON string as JavaScript writes it (non-ASCII characters kept). */
function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * The secret inside a JSON string as Python's `json.dumps` writes it by default (Ansible's
 * callbacks, `to_json`): every non-ASCII character as `\uXXXX`, in either hex case.
 */
function asciiJsonEscaped(value: string, hexCase: 'lower' | 'upper'): string {
  // why: per UTF-16 unit, so a character outside the BMP becomes its surrogate pair, as Python writes it.
  return jsonEscaped(value).replace(/[\u0080-\uffff]/g, (character) => {
    const hex = character.charCodeAt(0).toString(16).padStart(4, '0');
    return `\\u${hexCase === 'lower' ? hex : hex.toUpperCase()}`;
  });
}

/** The secret inside a Python repr (`'…'`), as tracebacks and Ansible error messages show values. */
function pythonEscaped(value: string): string {
  return value
    .replaceAll('\\', '\\\\')
    .replaceAll("'", "\\'")
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
}

/**
 * Base64 forms of a secret, including the forms it takes inside a longer base64 string
 * (it may start at any of three byte alignments): slurped files and Kubernetes-style blobs.
 */
function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = padded.toString(encoding).replace(/=+$/, '');
      // why: only characters computed from the secret's own bits are stable in any context.
      const first = Math.ceil((offset * 8) / 6);
      const last = Math.floor(((offset + bytes.length) * 8) / 6);
      const inner = encoded.slice(first, last);
      if (inner.length >= 8) forms.push(inner);
    }
  }
  return forms;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A webhook URL's forms besides those derived from every secret (escaped, base64): the URL
 * percent-encoded, and its path with its query, which is the credential itself.
 */
function webhookSecretForms(url: string): string[] {
  const forms = [url, encodeURIComponent(url)];
  try {
    const parsed = new URL(url);
    const credential = `${parsed.pathname}${parsed.search}`;
    // why: a bare `/` path would redact every slash; a real webhook path carries a long token.
    if (credential.length >= 12) forms.push(credential, encodeURIComponent(credential));
  } catch {
    // not a URL: the whole value is still redacted
  }
  return forms;
}
