import { describe, expect, it } from 'vitest';
import { formatMatcher, matchesLabels, parseMatcher } from './matchers.js';

describe('parseMatcher', () => {
  it.each([
    ['severity="critical"', { name: 'severity', value: 'critical', isRegex: false, isEqual: true }],
    ['site!="plant-b"', { name: 'site', value: 'plant-b', isRegex: false, isEqual: false }],
    [
      'severity=~"critical|major"',
      { name: 'severity', value: 'critical|major', isRegex: true, isEqual: true },
    ],
    ['instance!~"lab-.*"', { name: 'instance', value: 'lab-.*', isRegex: true, isEqual: false }],
    [' site = plant-a ', { name: 'site', value: 'plant-a', isRegex: false, isEqual: true }],
  ])('%s', (text, matcher) => {
    expect(parseMatcher(text)).toEqual({ ok: true, matcher });
  });

  it.each([
    ['severity', 'is not a matcher'],
    ['1abc="x"', 'is not a matcher'],
    ['severity="critical', 'unbalanced quote'],
    ['severity=~"(crit"', 'not a valid regular expression'],
    ['site=plant a', 'unbalanced quote'],
  ])('%s is refused with a clear error', (text, words) => {
    const parsed = parseMatcher(text);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(words);
  });

  it.each([
    ['severity=~"(?!warning).*"', 'the negative lookahead (?!'],
    ['severity=~"crit(?=ical)"', 'the lookahead (?='],
    ['severity=~"(?<=x)y"', 'the lookbehind (?<='],
    ['severity=~"(?<!x)y"', 'the negative lookbehind (?<!'],
    ['severity=~"(a)\\\\1"', 'the backreference \\1'],
    ['severity=~"(?<s>a)\\\\k<s>"', 'the named backreference'],
  ])('%s, valid in JavaScript, is refused as RE2 refuses it, with a hint naming RE2', (text, words) => {
    const parsed = parseMatcher(text);

    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(`uses ${words}`);
    expect(parsed.ok ? '' : parsed.hint).toContain("Go's RE2");
  });

  it.each([
    ['severity=~"\\\\(\\\\?=x\\\\)"', { severity: '(?=x)' }],
    ['severity=~"[(?!]+"', { severity: '(?!' }],
  ])('%s keeps escaped and bracketed lookaround characters as plain characters', (text, labels) => {
    const parsed = parseMatcher(text);

    expect(parsed.ok && matchesLabels(parsed.matcher, labels)).toBe(true);
  });

  it.each([
    ['severity=~"(?i)CRITICAL"', 'critical', true],
    ['severity=~"(?i)CRITICAL"', 'critical-x', false],
    ['severity=~"(?s)a.b"', 'a\nb', true],
    ['severity=~"a.b"', 'a\nb', false],
  ])('%s, an RE2 leading flag group, matches %j anchored: %s', (text, label, expected) => {
    const parsed = parseMatcher(text);

    expect(parsed.ok && matchesLabels(parsed.matcher, { severity: label })).toBe(expected);
  });

  it('refuses the ungreedy flag (?U), which JavaScript cannot run, saying what to write instead', () => {
    const parsed = parseMatcher('severity=~"(?U)a+"');

    expect(parsed.ok ? '' : parsed.error).toContain('ungreedy flag (?U)');
    expect(parsed.ok ? '' : parsed.error).toContain('lazy quantifiers');
  });

  it('writes a matcher back as Alertmanager reads it, and matches labels anchored', () => {
    const parsed = parseMatcher('severity=~"crit|major"');
    const matcher = parsed.ok ? parsed.matcher : undefined;

    expect(matcher && formatMatcher(matcher)).toBe('severity=~"crit|major"');
    expect(matcher && matchesLabels(matcher, { severity: 'major' })).toBe(true);
    expect(matcher && matchesLabels(matcher, { severity: 'critical' })).toBe(false);
  });
});
