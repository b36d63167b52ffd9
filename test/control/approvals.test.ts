import { describe, expect, it } from 'vitest';
import { evaluatePolicyChange, loadApprovals } from '../../src/control/index.js';
import { compiled, POLICY } from './helpers.js';

describe('loadApprovals', () => {
  it('reads a YAML list of approvals', () => {
    const text = '- {user: alice, commit: 3f2a9c1}\n- user: carol\n  at: "2026-11-28T09:00:00Z"\n';

    const result = loadApprovals(text, 'approvals.yaml');

    expect(result).toEqual({
      approvals: [
        { user: 'alice', commit: '3f2a9c1' },
        { user: 'carol', at: '2026-11-28T09:00:00Z' },
      ],
      findings: [],
    });
  });

  it('reads the same list as JSON', () => {
    const result = loadApprovals(
      '[{"user": "alice"}, {"user": "bob", "commit": "3f2a9c1d"}]',
      'approvals.json',
    );

    expect(result.approvals).toEqual([{ user: 'alice' }, { user: 'bob', commit: '3f2a9c1d' }]);
  });

  it.each([
    [
      'a mapping',
      'approvals:\n  - user: alice\n',
      1,
      'the approvals file must be a list of approvals, not a mapping',
    ],
    ['a string', 'alice\n', 1, 'the approvals file must be a list of approvals, not a string'],
    ['an empty file', '', 1, 'the file is empty'],
  ])('rejects %s with a finding, not a crash', (_name, text, line, message) => {
    const result = loadApprovals(text, 'approvals.yaml');

    expect(result.approvals).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({ severity: 'error', file: 'approvals.yaml', line, message }),
    ]);
  });

  it.each([
    ['a missing user', '- {user: alice}\n- {commit: 3f2a9c1}\n', 2, 'approval 2 needs user: a GitHub login'],
    ['a login with a space', '- {user: "al ice"}\n', 1, 'approval 1 needs user: a GitHub login'],
    [
      'a commit that is no sha',
      '- {user: alice}\n- {user: bob, commit: main}\n',
      2,
      'approval 2: commit must be a commit sha (7 to 64 hex digits)',
    ],
    ['a bad date', '- {user: alice, at: yesterday}\n', 1, 'approval 1: at must be an RFC 3339 date-time'],
    [
      'an unknown key',
      '- {user: alice}\n-  {user: bob, approved: true}\n',
      2,
      "unknown key 'approved' in approval 2",
    ],
    ['an entry that is not a mapping', '- alice\n', 1, 'approval 1 must be a mapping with user'],
  ])('rejects %s at its line and keeps the good entries', (_name, text, line, message) => {
    const result = loadApprovals(text, 'approvals.yaml');

    expect(result.findings).toEqual([
      expect.objectContaining({ ruleId: 'approval', severity: 'error', line, message }),
    ]);
    expect(result.approvals.length).toBe(line - 1);
  });
});

describe('evaluatePolicyChange', () => {
  it('needs every accountable team and every board by default', () => {
    const report = evaluatePolicyChange(
      compiled(),
      { files: ['policies/change-control.yaml'], requester: 'alice' },
      { approvals: [{ user: 'alice' }, { user: 'bob' }, { user: 'carol' }] },
    );

    expect(report).toMatchObject({ file: 'policies/change-control.yaml', ok: true });
    expect(report.approvals.required).toEqual([
      expect.objectContaining({
        team: 'netops',
        count: 1,
        approvedBy: ['bob'],
        satisfied: true,
        eligible: [],
      }),
      expect.objectContaining({ team: 'cab', count: 1, approvedBy: ['carol'], satisfied: true }),
    ]);
    expect(report.approvals.satisfied).toBe(true);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        message: "alice's own approval does not count: the policy separates duties",
      }),
    );
  });

  it('uses the approvals the policy names for policy changes', () => {
    const policy = compiled(
      POLICY.replace(
        'separationOfDuties: true',
        'separationOfDuties: true\npolicyChanges:\n  approvals: [{team: cab, count: 3}]',
      ),
    );

    const report = evaluatePolicyChange(
      policy,
      { files: ['policies/windows.yaml'] },
      { approvals: [{ user: 'carol' }, { user: 'dave' }] },
    );

    expect(report.approvals).toEqual({
      satisfied: false,
      required: [
        expect.objectContaining({
          team: 'cab',
          count: 3,
          approvedBy: ['carol', 'dave'],
          eligible: ['erin'],
          satisfied: false,
        }),
      ],
    });
  });
});
