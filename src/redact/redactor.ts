/**
 * Secret redaction. Every output path (terminal, artifacts, JSON, PR comments, logs, evidence)
 * passes its data through one Redactor before rendering; text passes are the last line of defence,
 * not the first.
 *
 * Three layers, applied in this order:
 * 1. structure: values under secret-looking keys, Terraform `*_sensitive` trees and Ansible `no_log`
 *    results are replaced, and the replaced values are learned;
 * 2. values: every learned or configured secret value (and its base64 forms) is removed from text;
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
   * Returns a redacted deep copy of structured data: secret-looking keys are masked (and their
   * values learned), then every string goes through `redactText`.
   */
  redactValue<T>(value: T): T;
  /** Learns more secret values at run time (Terraform sensitive values, masked keys). */
  addSecretValues(values: Iterable<string>): void;
  /** Learns every string leaf of a value (e.g. a whole sensitive subtree) as secret. */
  learn(value: unknown): void;
}

export function createRedactor(options: RedactorOptions = {}): Redactor {
  const secrets = new Set<string>();
  let valuePattern: RegExp | undefined;
  let dirty = true;

  function addSecretValues(values: Iterable<string>): void {
    for (const raw of values) {
      for (const value of [raw, raw.trim()]) {
        if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) continue;
        secrets.add(value);
        for (const form of encodedForms(value)) secrets.add(form);
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
      valuePattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : undefined;
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
  return { redactText, redactValue, addSecretValues, learn };
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
