import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MAX_NESTING_DEPTH, parseFast, parseYaml, parseYamlWithPositions } from './parse-yaml.js';

describe('parseYaml', () => {
  it('never throws, whatever the bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        const document = parseYaml('changes/x.yaml', text);

        expect(document.findings.every((finding) => finding.line === undefined || finding.line >= 1)).toBe(
          true,
        );
      }),
      { numRuns: 2000 },
    );
  });

  // why: real proposals are full of the characters an anchor, alias or tag starts with.
  const realWorldText = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      'sw*',
      'sw-plant-a-*:!sw-plant-a-03',
      'R&D',
      'Important!',
      '**bold** and *emphasis*',
      '- item *one*\n- item two',
      '& leading ampersand',
      '*leading star',
      '!leading bang',
      'a: b # not a comment',
      '<<',
      '"quoted" & \'single\'',
      'line one\nline two!',
    ),
    fc
      .array(fc.constantFrom('sw', '*', '&', '!', '**', ' ', 'R', 'D', '#', ':', '-', '\n', '|', '>'), {
        maxLength: 8,
      })
      .map((parts) => parts.join('')),
  );
  // why: YAML 1.1 and 1.2 read these differently (`0b0` was an integer, `-.5` text); both parsers
  // must read them the 1.2 way, as keys and as values (a binary-looking key once became `0`).
  const numberLike = fc.oneof(
    fc.constantFrom(
      '0b0',
      '0b101',
      '-0x1F',
      '+0o17',
      '0x1F',
      '0o17',
      '017',
      '1_000',
      '-.5',
      '+.5',
      '.5',
      '1.',
      '-0',
      '1e3',
      '1.5E-3',
      '.inf',
      '-.Inf',
      '.NaN',
      '1:30',
      'yes',
      'off',
      '~',
      'Null',
      'TRUE',
      'tRUE',
      '2001-12-14',
    ),
    fc
      .array(fc.constantFrom('0', '1', '7', 'b', 'x', 'o', 'e', 'E', '.', '-', '+', '_', 'F', ':'), {
        minLength: 1,
        maxLength: 6,
      })
      .map((parts) => parts.join('')),
  );
  const scalar = fc.oneof(
    realWorldText,
    numberLike,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const key = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 8 }),
      numberLike,
      fc.constantFrom('limit', 'R&D', 'why!', '*x', '&y'),
    )
    .filter((text) => !['__proto__', 'constructor', 'prototype'].includes(text));
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  const data = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

  it('gives the same data on the fast path as the positional parser, for globs, Markdown and special characters', () => {
    fc.assert(
      fc.property(
        data,
        fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL'>('PLAIN', 'QUOTE_DOUBLE', 'BLOCK_LITERAL'),
        (content, defaultStringType) => {
          const text = stringify(content, { defaultStringType });

          const fast = parseYaml('a.yaml', text);
          const full = parseYamlWithPositions('a.yaml', text);

          // why: plain data never needs the positional parser; a character must not send it there.
          expect(parseFast(text)).toBeDefined();
          expect(fast.findings).toEqual(full.findings);
          expect(fast.value).toEqual(full.value);
          expect(fast.positionOf([])).toEqual(full.positionOf([]));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('sends anchors, aliases and explicit tags to the positional parser, and both agree on them', () => {
    const anchored = fc
      .tuple(data, fc.constantFrom('anchor', 'tag', 'non-specific', 'tagged-list'))
      .map(([content, form]) => {
        const text = stringify(content);
        switch (form) {
          case 'anchor':
            return `${text}shared: &base {limit: "sw*"}\ncopy: *base\n`;
          case 'tag':
            return `${text}port: !!str 22\n`;
          case 'non-specific':
            return `${text}note: ! 010\n`;
          default:
            return `${text}hosts: !!seq\n  - sw-1\n`;
        }
      });

    fc.assert(
      fc.property(anchored, (text) => {
        expect(parseFast(text)).toBeUndefined();
        const document = parseYaml('a.yaml', text);
        const full = parseYamlWithPositions('a.yaml', text);
        expect(document.value).toEqual(full.value);
        expect(document.findings).toEqual(full.findings);
      }),
      { numRuns: 200 },
    );
  });

  it.each([
    ['a glob in a limit', 'limit: "sw*"\nhosts: sw-plant-a-*\n'],
    ['Markdown in a description', 'description: |\n  **Why**: R&D asked for it. Important!\n  - *one*\n'],
    ['a comment with an ampersand', '# R&D * ! &anchor-looking text\nid: CHG-1\n'],
    ['YAML 1.1 numbers, which YAML 1.2 reads as text', '0b0: 0b101\nmask: -0x1F\nhalf: -.5\n'],
  ])('keeps %s on the fast path', (_, text) => {
    expect(parseFast(text)).toEqual(parseYamlWithPositions('a.yaml', text).value);
  });

  it.each([
    ['an alias with no anchor', 'a: *missing\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['an alias bomb', 'a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n'],
    ['a tag after a comment', 'a: # why\n  !!str 1\n'],
  ])('does not vouch for %s', (_, text) => {
    expect(parseFast(text)).toBeUndefined();
  });

  it.each([
    ['__proto__: {admin: true}\n', 1],
    ['a:\n  "\\u005f_proto__": {admin: true}\n', 2],
    ['list:\n  - {constructor: x}\n', 2],
  ])('refuses a forbidden key however it is spelt: %j', (text, line) => {
    const document = parseYaml('a.yaml', text);

    expect(document.value).toBeUndefined();
    expect(document.findings).toEqual([
      expect.objectContaining({ ruleId: 'yaml', line, message: expect.stringContaining('is not allowed') }),
    ]);
  });

  // why: both parsers recurse per level; thousands of levels ran them out of stack, and the finding
  // said only "Maximum call stack size exceeded".
  const nested = {
    'flow lists, never closed': (depth: number) => '['.repeat(depth),
    'flow lists': (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`,
    'flow mappings': (depth: number) => `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`,
    'block mappings': (depth: number) =>
      `${Array.from({ length: depth }, (_, level) => `${'  '.repeat(level)}k:`).join('\n')} 1\n`,
    'block lists': (depth: number) => `${'- '.repeat(depth)}x\n`,
  };

  it.each(
    Object.entries(nested).flatMap(([form, text]) => [
      [form, MAX_NESTING_DEPTH + 1, text],
      [form, 5000, text],
    ]),
  )('refuses %s %i deep at line 1, naming the limit', (_, depth, text) => {
    const document = parseYaml('changes/deep.yaml', text(depth));

    expect(document.value).toBeUndefined();
    expect(document.findings).toEqual([
      {
        ruleId: 'yaml',
        severity: 'error',
        message: `the document nests deeper than ${MAX_NESTING_DEPTH} levels`,
        hint: expect.stringContaining('Flatten'),
        file: 'changes/deep.yaml',
        line: 1,
        column: 1,
      },
    ]);
    expect(parseYamlWithPositions('changes/deep.yaml', text(depth)).findings).toEqual(document.findings);
  });

  it.each(
    Object.entries(nested)
      .filter(([form]) => !form.includes('never closed'))
      .map(([form, text]) => [form, text] as const),
  )('reads %s exactly as deep as the limit on both parsers alike', (_, text) => {
    const document = parseYaml('a.yaml', text(MAX_NESTING_DEPTH));

    expect(document.findings).toEqual([]);
    expect(document.value).toEqual(parseYamlWithPositions('a.yaml', text(MAX_NESTING_DEPTH)).value);
  });

  it('computes positions lazily for a clean file, at the right line', () => {
    const document = parseYaml(
      'a.yaml',
      'apiVersion: netchange/v1\nkind: ChangeProposal\nschedule:\n  start: "2026-11-29T02:00"\n',
    );

    expect(document.findings).toEqual([]);
    expect(document.positionOf(['schedule', 'start'])).toEqual({ line: 4, column: 10 });
    expect(document.keyPositionOf(['schedule', 'start'])).toEqual({ line: 4, column: 3 });
  });

  it.each([
    ['yes', 'the boolean true'],
    ['off', 'the boolean false'],
    ['010', 'the octal number 8'],
    ['22:22', 'the base-60 number 1342'],
  ])('lint: a plain %s in extraVars is %s to Ansible', async (scalar, reading) => {
    const { lintExtraVars } = await import('../proposals/lint.js');
    const document = parseYaml(
      'a.yaml',
      `execution:\n  - ansible:\n      extraVars:\n        flag: ${scalar}\n        quoted: "${scalar}"\n`,
    );

    const findings = lintExtraVars(document);

    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'lint',
        severity: 'warning',
        line: 4,
        column: 15,
        message: expect.stringContaining(reading),
      }),
    ]);
  });
});
