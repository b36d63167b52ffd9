import { describe, expect, it } from 'vitest';
import { buildSubject } from '../windows/test-support.js';
import { refusalHint } from './apply-proposal.js';

const subject = buildSubject({ startMs: Date.UTC(2026, 11, 6, 18, 0), lengthMs: 3_600_000 });

describe('refusalHint', () => {
  it('gives a lock held now its own hint, naming the local unlock, not the review hold’s', () => {
    const hint = refusalHint(subject, ['lock device-sw-lab-03 is held by run 7 for OTHER now']);

    expect(hint).toContain('to finish or its lease to end');
    expect(hint).toContain('netchange unlock device-sw-lab-03 --local');
    expect(hint).not.toContain('later review');
  });

  it('names every lock held now', () => {
    const hint = refusalHint(subject, [
      'lock device-a is held by run 7 for OTHER now',
      'lock device-b is held by run 7 for OTHER now',
    ]);

    expect(hint).toContain('netchange unlock device-a --local, netchange unlock device-b --local');
  });

  it('still tells a review hold to be lifted by a later review', () => {
    const hint = refusalHint(subject, ['held by carol; approvals missing: 1 of netops (alice)']);

    expect(hint).toContain('whoever held it lifts the hold with a later review');
    expect(hint).not.toContain('netchange unlock');
  });
});
