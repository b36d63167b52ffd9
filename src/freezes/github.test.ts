import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IssueInfo } from '../github/port.js';
import { confirmFreezeIssue, freezeIssue, readFreezeIssue } from './github.js';
import type { Freeze } from './model.js';

const MEANT: Omit<Freeze, 'id'> = {
  sites: ['plant-a'],
  devices: [],
  until: '2026-11-29T18:00:00Z',
  reason: 'INC-0042',
  by: 'frank',
  createdAt: '2026-11-29T06:00:00Z',
};

/** Reasons built from what ends or opens HTML comments and JSON strings, among any characters. */
const REASONS = fc.string({
  unit: fc.oneof(
    fc.constantFrom('}', '-->', '--!>', '<!--', '&', '"', '\\'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
});

function issueWith(body: string): IssueInfo {
  return { number: 42, title: 't', body, state: 'open', labels: ['netchange-freeze'] };
}

describe('the freeze block of an issue', () => {
  it('reads back any reason as written, and its HTML comment ends only where the block does', () => {
    fc.assert(
      fc.property(REASONS, (reason) => {
        const { body } = freezeIssue({ ...MEANT, reason }, 'Sun 29 Nov 2026 12:00 CST (18:00Z)');

        const reading = readFreezeIssue(issueWith(body));
        const block = body.slice(body.indexOf('<!-- netchange-freeze'));

        expect(reading).toEqual({ freeze: { ...MEANT, reason, id: '#42' } });
        expect(block.indexOf('-->')).toBe(block.length - '-->'.length);
        expect(block).not.toContain('--!>');
      }),
    );
  });

  it('keeps a reason holding "} -->" or "<!--" from ending or opening a comment in the issue', () => {
    const { body } = freezeIssue({ ...MEANT, reason: 'INC-9 a} --> x <!-- y' }, 'soon');

    expect(body).toContain('Reason: INC-9 a} --> x &lt;!-- y\n');
    expect(body).toContain('"reason":"INC-9 a} --\\u003e x \\u003c!-- y"');
  });

  it.each([
    [
      'JSON with a trailing comma',
      '{"sites":["plant-a"],"until":"2026-11-30T06:00:00Z",}',
      /^its netchange-freeze block is not JSON \(.+\)$/,
    ],
    [
      'an until that is not an instant',
      '{"sites":["plant-a"],"until":"tomorrow 06:00"}',
      /^its netchange-freeze block has "until": "tomorrow 06:00", which is not an RFC 3339 instant/,
    ],
    [
      'no site or device',
      '{"sites":[],"until":"2026-11-30T06:00:00Z"}',
      /^its netchange-freeze block names no site or device/,
    ],
    ['no JSON object', 'sites: plant-a', /^its netchange-freeze block holds no JSON object/],
  ])('says what is wrong with a hand-written block: %s', (_name, block, problem) => {
    const reading = readFreezeIssue(issueWith(`Freeze please.\n<!-- netchange-freeze ${block} -->`));

    expect(reading).toEqual({ problem: expect.stringMatching(problem) });
  });

  it('reads an issue an older netchange wrote with "} -->" unescaped in its reason', () => {
    const block = `{"sites":["plant-a"],"devices":[],"until":"${MEANT.until}","reason":"INC-9 a} --> x","by":"frank","createdAt":"${MEANT.createdAt}"}`;

    const reading = readFreezeIssue(issueWith(`Frozen.\n\n<!-- netchange-freeze ${block} -->`));

    expect(reading).toEqual({ freeze: { ...MEANT, reason: 'INC-9 a} --> x', id: '#42' } });
  });

  it('says so when the body has no block at all', () => {
    expect(readFreezeIssue(issueWith('please freeze plant-a'))).toEqual({
      problem: 'its body has no <!-- netchange-freeze {...} --> block',
    });
  });
});

describe('confirmFreezeIssue: freeze --github reads back what it opened', () => {
  it('returns the freeze of an issue that carries the one meant', () => {
    const issue = issueWith(freezeIssue(MEANT, 'soon').body);

    expect(confirmFreezeIssue(issue, MEANT)).toEqual({ ...MEANT, id: '#42' });
  });

  it.each([
    ['its block is gone', (body: string) => body.replace(/<!--[\s\S]*-->/, ''), /no <!-- netchange-freeze/],
    [
      'it reads as another freeze',
      (body: string) => body.replace('plant-a"]', 'plant-b"]'),
      /its sites reads \["plant-b"\] instead of \["plant-a"\]/,
    ],
  ])('throws E_GITHUB naming the issue when %s', (_name, mangle, why) => {
    const issue = issueWith(mangle(freezeIssue(MEANT, 'soon').body));

    expect(() => confirmFreezeIssue(issue, MEANT)).toThrow(
      expect.objectContaining({
        code: 'E_GITHUB',
        message: expect.stringMatching(/^issue #42 was opened but does not read back as the freeze: /),
        hint: expect.stringContaining('issue #42'),
      }),
    );
    expect(() => confirmFreezeIssue(issue, MEANT)).toThrow(why);
  });
});
