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

  it('writes a matcher back as Alertmanager reads it, and matches labels anchored', () => {
    const parsed = parseMatcher('severity=~"crit|major"');
    const matcher = parsed.ok ? parsed.matcher : undefined;

    expect(matcher && formatMatcher(matcher)).toBe('severity=~"crit|major"');
    expect(matcher && matchesLabels(matcher, { severity: 'major' })).toBe(true);
    expect(matcher && matchesLabels(matcher, { severity: 'critical' })).toBe(false);
  });
});
