import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markdownLeftOpen, truncateToLimit } from './limits.js';

describe('truncateToLimit', () => {
  it('keeps text that fits whole', () => {
    expect(truncateToLimit('short', 5, '…')).toBe('short');
  });

  it('cuts to the limit, note included', () => {
    const cut = truncateToLimit('abcdefghij', 8, '…cut');

    expect(cut).toBe('abcd…cut');
  });

  it('cuts after the last whole line that fits and names what was cut', () => {
    const text = 'line one\nline two\nline three\n';

    const cut = truncateToLimit(text, 24, (hidden) => `[${hidden} cut]`, { atLineEnd: true });

    expect(cut).toBe('line one\n[20 cut]');
  });

  it('never returns more than the limit', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.integer({ min: 20, max: 200 }),
        fc.boolean(),
        (text, limit, atLineEnd) => {
          const cut = truncateToLimit(text, limit, (hidden) => `\n… ${hidden} more\n`, { atLineEnd });

          expect(cut.length).toBeLessThanOrEqual(limit);
          expect(
            text.startsWith(cut.slice(0, cut.indexOf('\n… ') < 0 ? cut.length : cut.indexOf('\n… '))),
          ).toBe(true);
        },
      ),
    );
  });

  it('cuts Markdown after a whole line and closes the section and the diff the cut left open', () => {
    const report = [
      '| proposal | verdict |',
      '| --- | --- |',
      '| a | ready |',
      '',
      '<details><summary>a: 1 device changes</summary>',
      '',
      '```diff',
      '+vlan 40',
      '+ name PACKAGING',
      '+vlan 41',
      '```',
      '',
      '</details>',
      '',
    ].join('\n');

    const cut = truncateToLimit(report, 150, '\n… (cut)\n', { markdown: true });

    expect(cut).toBe(
      '| proposal | verdict |\n| --- | --- |\n| a | ready |\n\n<details><summary>a: 1 device changes</summary>\n\n```diff\n+vlan 40\n\n```\n\n</details>\n\n… (cut)\n',
    );
    expect(cut.length).toBeLessThanOrEqual(150);
  });

  it('leaves nothing open in cut Markdown, within the limit', () => {
    const block = fc.constantFrom(
      '<details><summary>s</summary>',
      '</details>',
      '```diff',
      '````',
      '```',
      '~~~',
      '+ line',
      '| a | b |',
      '',
    );
    fc.assert(
      fc.property(fc.array(block, { maxLength: 60 }), fc.integer({ min: 60, max: 400 }), (lines, limit) => {
        const text = `${lines.join('\n')}\n`;
        const cut = truncateToLimit(text, limit, '\n… (cut)\n', { markdown: true });

        expect(cut.length).toBeLessThanOrEqual(limit);
        if (cut !== text) expect(markdownLeftOpen(cut.slice(0, cut.lastIndexOf('\n… (cut)')))).toBe('');
      }),
    );
  });
});

describe('markdownLeftOpen', () => {
  it('names nothing for balanced Markdown, and a tag inside a code block is code', () => {
    expect(markdownLeftOpen('<details>\n\n```\n<details>\n```\n</details>\n')).toBe('');
  });

  it('does not let a stray close hide a section opened after it', () => {
    expect(markdownLeftOpen('</details>\n<details><summary>b</summary>\n')).toBe('\n</details>\n');
  });

  it('closes the fence first, with its own marker, then each open section', () => {
    expect(markdownLeftOpen('<details>\n<details>\n````diff\n```\n+x\n')).toBe(
      '\n````\n\n</details>\n\n</details>\n',
    );
  });
});
