import { describe, expect, it } from 'vitest';
import type { ProposalReport } from '../core/model.js';
import { evidenceFromReport } from './record-apply.js';

function report(overrides: Partial<ProposalReport> = {}): ProposalReport {
  return {
    file: 'changes/chg-1.yaml',
    id: 'CHG-1',
    ok: true,
    type: 'normal',
    findings: [],
    approvals: {
      satisfied: true,
      required: [
        {
          role: 'accountable',
          count: 1,
          reason: 'medium risk',
          approvedBy: ['alice'],
          satisfied: true,
          eligible: [],
        },
        {
          team: 'cab',
          count: 2,
          reason: 'high risk',
          approvedBy: ['carol', 'dave'],
          satisfied: true,
          eligible: [],
        },
      ],
    },
    windows: { overlapping: ['sunday-maintenance'], open: true },
    ...overrides,
  };
}

describe('evidenceFromReport', () => {
  it('lists the approvals that counted, with their role or team and when they were given', () => {
    const evidence = evidenceFromReport(report(), [
      { user: 'alice', at: '2026-11-21T20:00:00Z', commit: 'abc1234' },
      { user: 'carol' },
      { user: 'mallory', at: '2026-11-21T21:00:00Z' },
      { user: 'dave' },
    ]);

    expect(evidence.approvers).toEqual([
      { user: 'alice', role: 'accountable', at: '2026-11-21T20:00:00Z', commit: 'abc1234' },
      { user: 'carol', team: 'cab' },
      { user: 'dave', team: 'cab' },
    ]);
    expect(evidence.window).toEqual({ status: 'open', windows: ['sunday-maintenance'] });
  });

  it.each([
    [
      'an emergency that bypassed a closed window',
      { type: 'emergency', retrospectiveDue: '2026-11-24T08:00:00Z' },
      'bypassed',
    ],
    ['a closed window that validation still passed', { ok: true }, 'overridden'],
    ['a closed window that blocks the change', { ok: false }, 'blocked'],
  ] as const)('names %s', (_case, overrides, status) => {
    const closed = report({
      ...overrides,
      windows: { overlapping: ['plant-a-production'], open: false },
      findings: [
        {
          ruleId: 'window',
          severity: 'warning',
          message: 'overlaps plant-a-production',
          file: 'changes/chg-1.yaml',
        },
      ],
    });

    const evidence = evidenceFromReport(closed, []);

    expect(evidence.window).toEqual({
      status,
      windows: ['plant-a-production'],
      message: 'overlaps plant-a-production',
    });
  });

  it('says the window was not checked without a window policy', () => {
    expect(evidenceFromReport(report({ windows: undefined }), []).window).toEqual({ status: 'not-checked' });
  });
});
