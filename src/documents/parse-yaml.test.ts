import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml } from './parse-yaml.js';

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

  it('gives the same data on the fast path as the positional parser', () => {
    const scalar = fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean(), fc.constant(null));
    const key = fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((text) => !['__proto__', 'constructor', 'prototype'].includes(text));
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 3 }),
        fc.dictionary(key, tie('node'), { maxKeys: 3 }),
      ),
    })).node;

    fc.assert(
      fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), (data) => {
        const text = stringify(data);

        const fast = parseYaml('a.yaml', text);
        const full = parseYaml('a.yaml', `${text}# &forces-the-positional-parser\n`);

        expect(fast.findings).toEqual([]);
        expect(fast.value).toEqual(full.value);
        expect(fast.positionOf([])).toEqual(full.positionOf([]));
      }),
      { numRuns: 500 },
    );
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
