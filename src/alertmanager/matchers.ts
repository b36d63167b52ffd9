/**
 * Alertmanager matchers as people write them in a policy: `name="value"`, `name!="value"`,
 * `name=~"regex"`, `name!~"regex"`. Parsing returns a matcher or an error sentence; never throws.
 */

/** One label matcher, in the shape Alertmanager's API v2 takes for silences. */
export interface AlertMatcher {
  /** The label name. */
  name: string;
  /** The value, or the regular expression when `isRegex`. */
  value: string;
  /** The value is a regular expression, anchored at both ends (as Alertmanager anchors it). */
  isRegex: boolean;
  /** True for `=`/`=~`, false for `!=`/`!~`. */
  isEqual: boolean;
}

/** The result of parsing one matcher: the matcher, or why the text is not one. */
export type ParsedMatcher = { ok: true; matcher: AlertMatcher } | { ok: false; error: string };

// why: Prometheus label names: a letter or underscore, then letters, digits and underscores.
const MATCHER = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/s;

/** Parses `name OP "value"`; the value may be unquoted when it has no spaces or quotes. */
export function parseMatcher(text: string): ParsedMatcher {
  const found = MATCHER.exec(text);
  if (!found)
    return {
      ok: false,
      error: `"${text}" is not a matcher: write name="value", name!="value", name=~"regex" or name!~"regex"`,
    };
  const [, name = '', operator = '', rawValue = ''] = found;
  const value = unquote(rawValue);
  if (value === undefined)
    return { ok: false, error: `the value in "${text}" has an unbalanced quote or a bad escape` };
  const isRegex = operator === '=~' || operator === '!~';
  if (isRegex) {
    try {
      new RegExp(`^(?:${value})$`);
    } catch {
      return { ok: false, error: `"${value}" in "${text}" is not a valid regular expression` };
    }
  }
  return { ok: true, matcher: { name, value, isRegex, isEqual: operator === '=' || operator === '=~' } };
}

function unquote(raw: string): string | undefined {
  if (!raw.startsWith('"')) return /["\s]/.test(raw) ? undefined : raw;
  if (raw.length < 2 || !raw.endsWith('"')) return undefined;
  try {
    // why: the quoted form follows Go string syntax, which JSON strings cover for what labels hold.
    const value: unknown = JSON.parse(raw);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The matcher written back the way Alertmanager's `filter=` parameter reads it. */
export function formatMatcher(matcher: AlertMatcher): string {
  const operator = `${matcher.isEqual ? '=' : '!'}${matcher.isRegex ? '~' : matcher.isEqual ? '' : '='}`;
  return `${matcher.name}${operator}${JSON.stringify(matcher.value)}`;
}

/** Whether an alert's labels satisfy the matcher (a missing label reads as the empty string). */
export function matchesLabels(matcher: AlertMatcher, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[matcher.name] ?? '';
  const equal = matcher.isRegex ? new RegExp(`^(?:${matcher.value})$`).test(value) : value === matcher.value;
  return equal === matcher.isEqual;
}
