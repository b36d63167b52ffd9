import { describe, expect, it } from 'vitest';
import { type Finding, MAX_MESSAGE_LENGTH, withBoundedMessage } from './findings.js';

const base: Finding = { ruleId: 'schema', severity: 'error', file: 'changes/a.yaml', message: '' };

describe('withBoundedMessage', () => {
  it('leaves a short message alone', () => {
    const finding = { ...base, message: 'risk is missing' };

    expect(withBoundedMessage(finding)).toBe(finding);
  });

  it('cuts a long message at a word and keeps it whole in detail, before the old detail', () => {
    const message = `the rule says ${'very '.repeat(40)}long things`;

    const bounded = withBoundedMessage({ ...base, message, detail: 'where: policies/x.yaml:3' });

    expect(bounded.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(bounded.message).toMatch(/^the rule says (very )+very…$/);
    expect(bounded.detail).toBe(`${message}\nwhere: policies/x.yaml:3`);
  });

  it('cuts a message without spaces at the limit', () => {
    const bounded = withBoundedMessage({ ...base, message: 'x'.repeat(400) });

    expect(bounded.message).toBe(`${'x'.repeat(MAX_MESSAGE_LENGTH - 1)}…`);
    expect(bounded.detail).toBe('x'.repeat(400));
  });
});
