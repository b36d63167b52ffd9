import { describe, expect, it } from 'vitest';
import type { VerifyResult } from '../../audit/verify.js';
import { renderVerifyText } from './text.js';

describe('audit verify text', () => {
  it("shows an open change's start in its proposal's zone with UTC beside it", () => {
    const result: VerifyResult = {
      ok: true,
      checked: 2,
      openChanges: [
        {
          sequence: 2,
          proposal: 'CHG-NIGHT',
          file: 'changes/chg-night.yaml',
          commit: '0123456789abcdef0123',
          startedAt: '2026-11-29T08:14:07Z',
          actor: 'dana',
          timezone: 'America/Chicago',
        },
      ],
    };

    const text = renderVerifyText(result);

    expect(text).toContain(
      'open change: CHG-NIGHT started Sun 29 Nov 2026 02:14 CST (08:14Z) by dana (record #2, commit 0123456789ab)',
    );
  });
});
