import { describe, expect, it } from 'vitest';
import { parseYaml } from '../documents/parse-yaml.js';
import { lintExtraVars } from './lint.js';

function lint(extraVars: string) {
  const text = `execution:\n  - ansible: {playbook: p.yaml, extraVars: {${extraVars}}}\n`;
  return lintExtraVars(parseYaml('changes/chg-1.yaml', text));
}

describe('lintExtraVars: numbers the tool would receive changed', () => {
  it.each([
    ['big: 99999999999999999999999999999', 'integers past 2^53 arrive rounded (to 1e+29)', 50],
    ['prec: 9007199254740993', 'integers past 2^53 arrive rounded (to 9007199254740992)', 51],
    ['inf: 1e400', 'Infinity has no JSON form and would arrive as null', 50],
    ['nan: .nan', 'NaN has no JSON form and would arrive as null', 50],
    ['low: -.inf', '-Infinity has no JSON form and would arrive as null', 50],
  ])('%s is an error at its column', (entry, reason, column) => {
    expect(lint(entry)).toEqual([
      expect.objectContaining({
        ruleId: 'lint',
        severity: 'error',
        message: expect.stringContaining(reason),
        hint: expect.stringContaining('Quote it'),
        line: 2,
        column,
      }),
    ]);
  });

  it('passes exact numbers and quoted text', () => {
    expect(lint("id: 9007199254740991, mtu: 9216, rate: 1.5e3, text: '1e400', nan: '.nan'")).toEqual([]);
  });
});
