/**
 * Secret redaction. Every output path (terminal, artifacts, JSON, PR comments, logs, evidence)
 * passes its data through one Redactor before rendering; text passes are the last line of defence,
 * not the first.
 *
 * Three layers, applied in this order:
 * 1. structure: values under secret-looking keys, Terraform `*_sensitive` trees and Ansible `no_log`
 *    results are replaced, and the replaced values are learned;
 * 2. values: every learned or configured secret value is removed from text in each form it takes in
 *    tool output: raw, JSON-escaped, `\u00e4`-escaped (both cases), escaped twice (JSON in JSON),
 *    Go's HTML-safe JSON, Python-repr-escaped, percent-encoded, HTML-escaped, shell- and
 *    YAML-quoted, hex, base64, and line by line for a multi-line secret (diffs split lines), each
 *    in any letter case (a template's upper, lower or title filter);
 * 3. formats: known secret formats (PEM keys, GitHub/AWS tokens, device config secret lines).
 */
import { isSecretKey, SECRET_TEXT_PATTERNS } from './patterns.js';

/** What replaces a secret everywhere. */
export const REDACTED = '[REDACTED]';

/** Shortest value redacted by value: shorter ones would blank out ordinary words and numbers. */
const MIN_SECRET_LENGTH = 4;

/** Environment variables whose values are secret without being named in the config. */
const SECRET_ENV_NAME =
  /(TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|PSK|API_?KEY|PRIVATE_?KEY|COMMUNITY|CREDENTIAL)/i;

export interface RedactorOptions {
  /** Values known to be secret (e.g. Ansible vault-decrypted variables). */
  secretValues?: readonly string[];
  /** The environment whose secret variables are redacted by value. */
  env?: NodeJS.ProcessEnv;
  /** Names of environment variables whose values are secret (`secrets.env` in netchange.yaml). */
  secretEnvNames?: readonly string[];
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

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const secrets = new Set<string>();
  let valuePattern: RegExp | undefined;
  let dirty = true;

  function addSecretValues(values: Iterable<string>): void {
    for (const raw of values) {
      for (const value of [raw, raw.trim(), ...linesOf(raw)]) {
        if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) continue;
        secrets.add(value);
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
      // why: longest first, so a secret that contains another shorter one is removed whole.
      const alternatives = [...secrets]
        .filter((value) => value.length >= MIN_SECRET_LENGTH)
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp);
      // why: ignoring case, because a template's upper, lower or title filter changes only the case.
      valuePattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'gi') : undefined;
      dirty = false;
    }
    return valuePattern;
  }

  function redactText(text: string): string {
    let result = text;
    const pattern = currentValuePattern();
    if (pattern) result = result.replace(pattern, REDACTED);
    for (const { pattern: formatPattern, replace } of SECRET_TEXT_PATTERNS) {
      result = result.replace(formatPattern, replace);
    }
    return result;
  }

  function maskKeys(value: unknown, depth: number): unknown {
    if (depth > 200) return REDACTED;
    if (Array.isArray(value)) return value.map((item) => maskKeys(item, depth + 1));
    if (value !== null && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (isSecretKey(key) && item !== null && typeof item !== 'boolean' && item !== '') {
          learn(item);
          copy[key] = REDACTED;
        } else {
          copy[key] = maskKeys(item, depth + 1);
        }
      }
      return copy;
    }
    return value;
  }

  function redactStrings(value: unknown): unknown {
    if (typeof value === 'string') return redactText(value);
    if (Array.isArray(value)) return value.map(redactStrings);
    if (value !== null && typeof value === 'object') {
      const copy: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) copy[redactText(key)] = redactStrings(item);
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
    maskKeys(value, 0);
  }

  function redactValue<T>(value: T): T {
    // why: mask by key first so the masked values are learned before any string is scanned;
    // a password under `password:` then also disappears from a free-text `msg` next to it.
    return redactStrings(maskKeys(value, 0)) as T;
  }

  addSecretValues(options.secretValues ?? []);
  const env = options.env ?? {};
  const names = new Set(options.secretEnvNames ?? []);
  for (const [name, value] of Object.entries(env)) {
    if (value && (names.has(name) || SECRET_ENV_NAME.test(name))) addSecretValues([value]);
  }
  return { redactText, redactOutput, redactValue, addSecretValues, learn, learnSecretKeys };
}

/** Shortest line of a multi-line secret redacted on its own: shorter lines are ordinary text. */
const MIN_SECRET_LINE_LENGTH = 6;

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
  }
  // why: Terraform's jsonencode (Go) also writes &, < and > as \u0026, \u003c and \u003e.
  escaped.add(htmlSafeJson(jsonEscaped(value)));
  escaped.add(pythonEscaped(value));
  for (const form of [...urlEncodedForms(value), ...markupForms(value)]) escaped.add(form);
  const hex = Buffer.from(value, 'utf8').toString('hex');
  escaped.add(hex);
  escaped.add(hex.toUpperCase());
  escaped.delete(value);
  return [...escaped, ...encodedForms(value)];
}

function htmlSafeJson(json: string): string {
  return json.replaceAll('&', '\\u0026').replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');
}

/**
 * The secret percent-encoded as the tools do it: Jinja's `urlencode` and Python's `quote` keep `/`,
 * `quote_plus` and Go's `QueryEscape` (Terraform's `urlencode`) write a space as `+`, JavaScript's
 * `encodeURIComponent` keeps `!'()*`.
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
  return [
    encode(/[A-Za-z0-9_.~\-/]/, '%20'),
    encode(/[A-Za-z0-9_.~-]/, '%20'),
    encode(/[A-Za-z0-9_.~-]/, '+'),
    encode(/[A-Za-z0-9_.~\-/]/, '+'),
    encodeURIComponent(value),
  ];
}

/**
 * The secret as markup and quoting escape it: HTML entities (Jinja's `e`, Python's `html.escape`),
 * a shell single-quoted word (Ansible's `quote`, `shlex.quote`), a YAML single-quoted scalar.
 */
function markupForms(value: string): string[] {
  const html = value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return [
    html.replaceAll('"', '&#34;').replaceAll("'", '&#39;'),
    html.replaceAll('"', '&quot;').replaceAll("'", '&#x27;'),
    value.replaceAll("'", `'"'"'`),
    value.replaceAll("'", `'\\''`),
    value.replaceAll("'", "''"),
  ];
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
