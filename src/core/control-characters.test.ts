import { describe, expect, it } from 'vitest';
import { neutralizeControlCharacters, neutralizeDeep } from './control-characters.js';

describe('neutralizeControlCharacters', () => {
  it.each([
    ['ESC and a screen clear', 'a\u001b[2Jb', 'a\u241b[2Jb'],
    ['a window-title sequence', '\u001b]0;pwned\u0007', '\u241b]0;pwned\u2407'],
    ['a carriage return that would rewrite the line', 'ok\rFAIL', 'ok\u240dFAIL'],
    ['DEL and a C1 CSI', 'x\u007fy\u009bz', 'x\u2421y<U+009B>z'],
    ['a right-to-left override', 'evil\u202Etxt.yaml', 'evil<U+202E>txt.yaml'],
    ['an isolate', 'a\u2066b\u2069c', 'a<U+2066>b<U+2069>c'],
  ])('shows %s as visible marks', (_case, text, shown) => {
    expect(neutralizeControlCharacters(text)).toBe(shown);
  });

  it('keeps newlines, tabs and ordinary Unicode', () => {
    const text = 'line 1\n\tline 2 — Zürich 03:30–03:45 ✓';
    expect(neutralizeControlCharacters(text)).toBe(text);
  });
});

describe('neutralizeDeep', () => {
  it('cleans every string in plain objects and arrays, and leaves the input as it was', () => {
    const when = new Date(0);
    const input = { title: 'a\u001bb', list: ['ok', 'c\u202Ed'], nested: { clean: 'x' }, when };

    const output = neutralizeDeep(input);

    expect(output).toEqual({ title: 'a\u241bb', list: ['ok', 'c<U+202E>d'], nested: { clean: 'x' }, when });
    expect(output.nested).toBe(input.nested);
    expect(output.when).toBe(when);
    expect(input.title).toBe('a\u001bb');
  });

  it('returns a clean value itself, uncopied', () => {
    const input = { a: ['b', { c: 'd' }] };
    expect(neutralizeDeep(input)).toBe(input);
  });
});
