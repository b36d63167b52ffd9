import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncateToLimit } from './limits.js';

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
});
