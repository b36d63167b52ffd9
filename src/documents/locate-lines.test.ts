import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { indexLines, locateByLines } from './locate-lines.js';
import { parseFast, parseYamlWithPositions } from './parse-yaml.js';

/** Every path into `value`, and one step past each key (a path that does not exist). */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const children = Array.isArray(value)
    ? value.flatMap((child, index) => pathsOf(child, [...prefix, index]))
    : value !== null && typeof value === 'object'
      ? Object.entries(value).flatMap(([key, child]) => [
          ...pathsOf(child, [...prefix, key]),
          [...prefix, key, 'missing'],
        ])
      : [];
  return [prefix, ...children];
}

/** Each path the line reader answers for, with its answer and the positional parser's. */
function compare(text: string): { path: (string | number)[]; byLines: unknown; positional: unknown }[] {
  const value = parseFast(text);
  const lines = indexLines(text);
  if (value === undefined || !lines) return [];
  const full = parseYamlWithPositions('a.yaml', text);
  return pathsOf(value).flatMap((path) => {
    const byLines = locateByLines(lines, value, path);
    return byLines ? [{ path, byLines, positional: full.positionOf(path) }] : [];
  });
}

describe('locateByLines', () => {
  const scalar = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('sw*', 'R&D', '**bold**', 'a: b # c', 'line one\nline two', '  indented\n text', '#x'),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
  );
  const key = fc.oneof(
    fc.constantFrom('schedule', 'start', 'end', 'limit', 'b', '1', 'a b', 'x-y', 'k_2'),
    fc.string({ minLength: 1, maxLength: 6 }),
  );
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      scalar,
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    ),
  })).node;
  const data = fc
    .dictionary(key, value, { minKeys: 1, maxKeys: 4 })
    .filter(
      (content) =>
        !Object.keys(content).some((name) => ['__proto__', 'constructor', 'prototype'].includes(name)),
    );

  it('gives the position the positional parser gives whenever it answers, in every writing style', () => {
    fc.assert(
      fc.property(
        data,
        fc.constantFrom<'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED'>(
          'PLAIN',
          'QUOTE_DOUBLE',
          'QUOTE_SINGLE',
          'BLOCK_LITERAL',
          'BLOCK_FOLDED',
        ),
        fc.integer({ min: 1, max: 40 }),
        fc.boolean(),
        (content, defaultStringType, lineWidth, flowCollections) => {
          const text = stringify(content, {
            defaultStringType,
            lineWidth,
            minContentWidth: 0,
            ...(flowCollections ? { collectionStyle: 'flow' as const } : {}),
          });

          for (const { byLines, positional } of compare(text)) expect(byLines).toEqual(positional);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it.each([
    [
      'a proposal written by hand',
      'id: X\nschedule:\n  # when\n  start: "2027-02-01T22:00"  # local\n  end: x\n',
      ['schedule', 'start'],
      { line: 4, column: 10 },
    ],
    [
      'a block scalar',
      'description: |\n  **Why:** R&D\nrisk: low\n',
      ['description'],
      { line: 1, column: 14 },
    ],
    ['a mapping under its key', 'targets:\n\n    sites: [a]\n', ['targets'], { line: 3, column: 5 }],
    [
      'an item of a list of mappings',
      'windows:\n  - name: a\n    effect: deny\n  - name: b\n',
      ['windows', 1, 'name'],
      { line: 4, column: 11 },
    ],
    ['a list item', 'windows:\n  - name: a\n  -\n    name: b\n', ['windows', 1], { line: 4, column: 5 }],
  ])('reads %s', (_name, text, path, position) => {
    const value = parseFast(text);

    const byLines = locateByLines(indexLines(text)!, value, path);

    expect(byLines).toEqual(position);
    expect(parseYamlWithPositions('a.yaml', text).positionOf(path)).toEqual(position);
  });

  it.each([
    ['a flow mapping', 'schedule: {start: x,\nend: y}\n', ['schedule', 'start']],
    ['a multi-line quoted value that looks like a key', 'a: "x\nb: y"\n', ['a']],
    ['a quoted key', '"schedule":\n  start: x\n', ['schedule', 'start']],
    ['an empty value', 'schedule:\nrisk: low\n', ['schedule']],
    ['a list at the indent of its key', 'steps:\n- start: x\n', ['steps', 0, 'start']],
    ['a list with more items than the data', 'steps:\n  - "a\n  - b"\n', ['steps', 0]],
    ['a document marker', '---\nschedule:\n  start: x\n', ['schedule', 'start']],
    ['a missing key', 'schedule:\n  start: x\n', ['schedule', 'end']],
  ])('leaves %s to the positional parser', (_name, text, path) => {
    const value = parseFast(text);
    const lines = indexLines(text);

    const byLines = lines && locateByLines(lines, value, path);

    expect(byLines).toBeUndefined();
  });
});
