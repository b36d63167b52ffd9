/**
 * What a secret looks like: key names and text formats. Kept apart from the redactor so the list
 * can be read (and extended) on one screen.
 */

/** Replacement used by the format patterns (same marker as the redactor's). */
const MARK = '[REDACTED]';

/** Words that make a key secret wherever they sit in its name. */
const SECRET_KEY_WORDS = new Set([
  'password',
  'passwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'tokens',
  'community',
  'psk',
  'credential',
  'credentials',
  'apikey',
  'privatekey',
  'presharedkey',
  'authkey',
]);

/** Keys that contain a secret word but hold no secret (structure of tool output). */
const NOT_SECRET_KEYS = new Set(['no_log', 'token_type', 'password_required', 'secret_name']);

/**
 * The rule of `isSecretKey` as data, for code that judges names outside this process (the Ansible
 * callback renders the templated inventory variables it names secret).
 */
export const SECRET_KEY_RULE = {
  words: [...SECRET_KEY_WORDS].sort(),
  notSecret: [...NOT_SECRET_KEYS].sort(),
  lastWords: ['key', 'keys'],
} as const;

/**
 * True when a value stored under `key` must be masked. Splits snake_case, kebab-case and camelCase
 * names into words: `db_password`, `snmpCommunity`, `api-key`, `private_key`, `tunnel_psk` match.
 */
export function isSecretKey(key: string): boolean {
  let secret = secretKeys.get(key);
  if (secret === undefined) {
    secret = judgeKey(key);
    // why: a report repeats a handful of keys (file, line, message) thousands of times.
    if (secretKeys.size < 10_000) secretKeys.set(key, secret);
  }
  return secret;
}

const secretKeys = new Map<string, boolean>();

function judgeKey(key: string): boolean {
  if (NOT_SECRET_KEYS.has(key.toLowerCase())) return false;
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
  if (words.some((word) => SECRET_KEY_WORDS.has(word))) return true;
  // why: a bare `key` is too common in plain data (maps, loop items) to mask, but `ssh_key`,
  // `api_key` or `pre_shared_key` name a secret.
  return words.length > 1 && SECRET_KEY_RULE.lastWords.some((last) => words.at(-1) === last);
}

export interface SecretTextPattern {
  /** What the pattern catches, for documentation and tests. */
  name: string;
  pattern: RegExp;
  /** Replacement string (may keep a non-secret prefix with `$1`). */
  replace: string;
}

/**
 * A secret-looking key from its secret word on (`db_password`, `wpa_passphrase`, `api-key`), with
 * an optional closing quote. why: starting at the secret word, a literal the engine scans for
 * quickly, keeps these patterns cheap on large texts; what comes before the word is left as it is.
 */
const SECRET_KEY = `(?:password|passwd|passphrase|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|psk|community|credential)[A-Za-z0-9_.-]*["']?`;
/**
 * Where a value starts: not at a space (so the separator's spaces cannot be given back to skip a
 * marker) and not at a value already replaced (redacting twice changes nothing).
 */
const NOT_REDACTED = String.raw`(?=\S)(?!["']?\[REDACTED\])`;
const QUOTED = String.raw`"[^"\n]*"|'[^'\n]*'`;
/** One unquoted word of a value: up to a space or a JSON/flow delimiter. */
const UNQUOTED = String.raw`[^\s,;}\]]+`;

/**
 * A word every text format below needs (case aside): a text without one cannot match any of them.
 * why: most strings in a report are ids, paths and messages; one scan for these words spares them
 * the whole list (validate redacts every string of a 5,000-proposal report). Keep it in step with
 * the list: the redactor's tests check every format's samples against it.
 */
export const MAY_HOLD_A_FORMAT =
  /-----BEGIN|gh[pousr]_|github_pat_|AKIA|ASIA|ABIA|ACCA|aws_|secret|passw|passphrase|community|key|psk|token|credential/i;

/**
 * Text formats. Each keeps the words that say *what* the secret is (`snmp-server community`) and
 * replaces only the secret itself, so a reviewer still sees that the line changes.
 */
export const SECRET_TEXT_PATTERNS: readonly SecretTextPattern[] = [
  {
    name: 'PEM private key',
    pattern: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g,
    replace: `-----BEGIN $1PRIVATE KEY-----${MARK}-----END $1PRIVATE KEY-----`,
  },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{20,255}/g, replace: MARK },
  { name: 'GitHub fine-grained token', pattern: /\bgithub_pat_[A-Za-z0-9_]{20,255}/g, replace: MARK },
  { name: 'AWS access key id', pattern: /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/g, replace: MARK },
  {
    name: 'AWS secret access key',
    pattern:
      /(aws_secret_access_key|secretAccessKey|aws_session_token)(["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}/gi,
    replace: `$1$2${MARK}`,
  },
  {
    name: 'SNMP community',
    pattern: /(snmp-server\s+community\s+|community\s+(?:string\s+)?)()(?!\[REDACTED\]|[=:](?:\s|$))\S+/gi,
    replace: `$1$2${MARK}`,
  },
  {
    name: 'Cisco password/secret line (type 0/5/7/8/9 or plain)',
    pattern:
      /(\b(?:password|secret|passwd)\s+)(?!(?:[0-9]\s+)?\[REDACTED\]|[=:](?:\s|$))((?:[0-9]\s+)?)\S+/gi,
    replace: `$1$2${MARK}`,
  },
  {
    name: 'Key strings and authentication keys',
    pattern:
      /(\b(?:key-string|authentication-key|message-digest-key\s+\d+\s+md5|key\s+(?:ascii|hex)|set-key\s+(?:ascii|hex))\s+)(?!(?:[0-9]\s+)?\[REDACTED\]|[=:](?:\s|$))((?:[0-9]\s+)?)\S+/gi,
    replace: `$1$2${MARK}`,
  },
  {
    name: 'Pre-shared key',
    pattern:
      /(\b(?:pre-shared-key|pre_shared_key|preshared-key|psk|wpa-psk)(?:\s+address\s+\S+)?(?:\s+(?:key|ascii|hex|local|remote))?\s+)(?!(?:(?:key|ascii|hex|local|remote)\s+)?(?:[0-9]\s+)?\[REDACTED\]|set-key\b|address\b|ascii\b|hex\b|[=:](?:\s|$))((?:[0-9]\s+)?)\S+/gi,
    replace: `$1$2${MARK}`,
  },
  {
    name: 'secret-looking key: value (YAML, JSON)',
    // why: a YAML plain scalar runs to the end of its line, so a passphrase with spaces is one value.
    pattern: new RegExp(
      `(${SECRET_KEY}\\s*:\\s*)${NOT_REDACTED}(?:${QUOTED}|${UNQUOTED}(?:[ \\t]+[^\\s,;}\\]|#][^\\s,;}\\]]*)*)`,
      'gi',
    ),
    replace: `$1${MARK}`,
  },
  {
    name: 'secret-looking key = value',
    pattern: new RegExp(`(${SECRET_KEY}\\s*=\\s*)${NOT_REDACTED}(?:${QUOTED}|${UNQUOTED})`, 'gi'),
    replace: `$1${MARK}`,
  },
];
