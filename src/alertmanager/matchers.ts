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

/** The result of parsing one matcher: the matcher, or why the text is not one (and what to do). */
export type ParsedMatcher = { ok: true; matcher: AlertMatcher } | { ok: false; error: string; hint?: string };

/** A regex matcher's value compiled as Alertmanager reads it, or why it cannot be. */
export type CompiledRegex = { ok: true; regex: RegExp } | { ok: false; error: string; hint?: string };

/** Said whenever a regex is refused for what Go's RE2 cannot do, so the writer knows the dialect. */
export const RE2_HINT =
  "Alertmanager uses Go's RE2 regular expressions: no lookahead, lookbehind, backreferences, atomic groups or possessive quantifiers; flags only as (?i), (?m), (?s).";

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
    const compiled = compileRegex(value);
    if (!compiled.ok)
      return { ok: false, error: `"${value}" in "${text}" ${compiled.error}`, ...hintOf(compiled) };
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
  const equal = matcher.isRegex ? regexOf(matcher.value).test(value) : value === matcher.value;
  return equal === matcher.isEqual;
}

/**
 * Compiles a regex matcher's value the way Alertmanager runs it: anchored at both ends, in Go's RE2
 * dialect. A leading RE2 flag group becomes JavaScript flags; syntax RE2 refuses is refused here,
 * though JavaScript would run it, so the policy check fails instead of every alert query. Pure.
 */
export function compileRegex(value: string): CompiledRegex {
  const leading = /^\(\?([A-Za-z]+)\)/.exec(value);
  const flags = leading?.[1] ?? '';
  const body = value.slice(leading?.[0].length ?? 0);
  const unknown = [...flags].find((flag) => !'imsU'.includes(flag));
  if (unknown !== undefined)
    return { ok: false, error: `has the flag (?${unknown}), which RE2 does not know`, hint: RE2_HINT };
  if (flags.includes('U'))
    return {
      ok: false,
      error:
        'uses the ungreedy flag (?U), which netchange cannot evaluate: write lazy quantifiers (*?, +?) instead',
      hint: RE2_HINT,
    };
  const unsupported = re2Unsupported(body);
  if (unsupported !== undefined)
    return { ok: false, error: `uses ${unsupported}, which Alertmanager (Go RE2) refuses`, hint: RE2_HINT };
  try {
    // why: Alertmanager anchors regex matchers; the flags apply to the whole value as RE2's leading group does.
    return { ok: true, regex: new RegExp(`^(?:${body})$`, [...new Set(flags)].join('')) };
  } catch {
    return { ok: false, error: 'is not a valid regular expression' };
  }
}

/** The compiled regex of a value `parseMatcher` accepted; a value it refused matches nothing. */
function regexOf(value: string): RegExp {
  const compiled = compileRegex(value);
  // why: matchers reach here only through parseMatcher; a refused one must not hold or release anything.
  return compiled.ok ? compiled.regex : /(?!)/;
}

/**
 * The first construct JavaScript runs but RE2 does not (lookaround, backreference, atomic group),
 * named for the message; undefined when there is none. Escapes and character classes are skipped,
 * so `\(?=` and `[(?!]` are plain characters. Pure.
 */
function re2Unsupported(pattern: string): string | undefined {
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index];
    const next = pattern[index + 1] ?? '';
    if (char === '\\') {
      if (/[1-9]/.test(next)) return `the backreference \\${next}`;
      if (next === 'k' && pattern[index + 2] === '<') return 'the named backreference \\k<…>';
      index++;
    } else if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
      // why: a `]` first in a class (after an optional `^`) is a literal, in RE2 as in POSIX.
      if (pattern[index + 1] === '^') index++;
      if (pattern[index + 1] === ']') index++;
    } else if (char === '(' && next === '?') {
      const construct = LOOKAROUND.find(([opening]) => pattern.startsWith(opening, index));
      if (construct) return `${construct[1]} ${construct[0]}`;
    }
  }
  return undefined;
}

const LOOKAROUND: readonly (readonly [string, string])[] = [
  ['(?=', 'the lookahead'],
  ['(?!', 'the negative lookahead'],
  ['(?<=', 'the lookbehind'],
  ['(?<!', 'the negative lookbehind'],
  ['(?>', 'the atomic group'],
];

function hintOf(compiled: { hint?: string }): { hint?: string } {
  return compiled.hint ? { hint: compiled.hint } : {};
}
