import { describe, expect, it } from 'vitest';
import {
  assessRisk,
  evaluateChangeControl,
  evaluatePolicyChange,
  loadApprovals,
  standingHolds,
  unknownProposalFindings,
} from '../../src/control/index.js';
import type { Approval } from '../../src/core/model.js';
import { HOLD_POLICY } from '../../src/core/review-state.js';
import { AT, compiled, openWindows, POLICY, proposalYaml, subjectOf } from './helpers.js';

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

  // why: YAML reads these unquoted shas as numbers (1234567, 123456 and Infinity), as about one
  // abbreviation in 25 is all decimal digits; the sha is what was written.
  it.each(['1234567', '0123456', '12e4567', '1234567890123456789012345678901234567890'])(
    'reads an unquoted sha that YAML takes for a number as written: commit: %s',
    (sha) => {
      const text = `- {user: alice, commit: ${sha}}\n- user: bob\n  commit: ${sha}\n`;

      const result = loadApprovals(text, 'approvals.yaml');

      expect(result).toEqual({
        approvals: [
          { user: 'alice', commit: sha },
          { user: 'bob', commit: sha },
        ],
        findings: [],
      });
    },
  );

  it('reads a login of digits as written, not as a number', () => {
    const result = loadApprovals('- {user: 0123456}\n- user: 42\n', 'approvals.yaml');

    expect(result).toEqual({ approvals: [{ user: '0123456' }, { user: '42' }], findings: [] });
  });

  it('reads a sha written as a JSON number as written', () => {
    const result = loadApprovals('[{"user": "alice", "commit": 1234567}]', 'approvals.json');

    expect(result.approvals).toEqual([{ user: 'alice', commit: '1234567' }]);
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
    [
      'a number too short for a sha',
      '- {user: alice}\n- {user: bob, commit: 123456}\n',
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

describe('loadApprovals per proposal', () => {
  it('reads proposal-scoped approvals and holds', () => {
    const text = [
      '- {user: alice}',
      '- {user: carol, proposal: CHG-2026-0147}',
      '- {user: carol, proposal: CHG-2026-0149, hold: true, commit: 3f2a9c1}',
      '',
    ].join('\n');

    const result = loadApprovals(text, 'approvals.yaml');

    expect(result).toEqual({
      approvals: [
        { user: 'alice' },
        { user: 'carol', proposal: 'CHG-2026-0147' },
        { user: 'carol', proposal: 'CHG-2026-0149', hold: true, commit: '3f2a9c1' },
      ],
      findings: [],
    });
  });

  it.each([
    [
      'a hold without a proposal',
      '- {user: alice}\n- {user: carol, hold: true}\n',
      2,
      'approval 2: a hold needs the proposal it holds',
    ],
    [
      'a hold that is no boolean',
      '- {user: carol, proposal: CHG-1, hold: yes please}\n',
      1,
      'approval 1: hold must be true or false',
    ],
    [
      'a proposal that is no id',
      '- {user: carol, proposal: "CHG 1"}\n',
      1,
      'approval 1: proposal must be a proposal id',
    ],
  ])('rejects %s at its line', (_name, text, line, message) => {
    const result = loadApprovals(text, 'approvals.yaml');

    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'error',
        file: 'approvals.yaml',
        line,
        message,
      }),
    ]);
  });
});

describe('per-proposal approvals and holds in change control', () => {
  const HEAD = 'a'.repeat(40);
  const OLD = 'b'.repeat(40);

  function evaluate(approvals: Approval[], id = 'CHG-1') {
    const policy = compiled();
    const subject = subjectOf(proposalYaml({ id }));
    return evaluateChangeControl(policy, subject, {
      at: AT,
      risk: assessRisk(policy, subject, { windows: [] }),
      approvals,
      commit: HEAD,
      windowVerdict: openWindows(),
    });
  }

  it('counts an approval for this proposal and ignores one for another', () => {
    const verdict = evaluate([
      { user: 'eli', proposal: 'CHG-1', commit: HEAD },
      { user: 'alice', proposal: 'CHG-2', commit: HEAD },
    ]);

    expect(verdict.approvals.required.map((requirement) => requirement.approvedBy)).toEqual([['eli'], []]);
    expect(verdict.approvals.satisfied).toBe(false);
  });

  it('turns a hold on the evaluated commit into an error finding, and cancels the holder’s own approval', () => {
    const verdict = evaluate([
      { user: 'eli', commit: HEAD },
      { user: 'alice', commit: HEAD },
      { user: 'eli', proposal: 'CHG-1', hold: true, commit: HEAD },
    ]);

    expect(verdict.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'error',
        policy: HOLD_POLICY,
        message: 'held by eli',
        hint: expect.stringContaining('/netchange hold CHG-1'),
      }),
    );
    expect(verdict.approvals.required.map((requirement) => requirement.approvedBy)).toEqual([[], ['alice']]);
  });

  it('lets a hold on an older commit or on another proposal lapse', () => {
    const verdict = evaluate([
      { user: 'carol', proposal: 'CHG-1', hold: true, commit: OLD },
      { user: 'carol', proposal: 'CHG-2', hold: true, commit: HEAD },
    ]);

    expect(verdict.findings.filter((finding) => finding.policy === HOLD_POLICY)).toEqual([]);
    expect(
      standingHolds({ approvals: [{ user: 'carol', proposal: 'CHG-2', hold: true }], proposal: 'CHG-2' }),
    ).toEqual([{ user: 'carol', proposal: 'CHG-2' }]);
  });

  it("explains a per-proposal approval of an older commit, and never counts the requester's own", () => {
    const verdict = evaluate([
      { user: 'eli', proposal: 'CHG-1', commit: OLD },
      { user: 'dana', proposal: 'CHG-1', commit: HEAD },
    ]);

    const notes = verdict.findings.map((finding) => finding.message).join('\n');
    expect(notes).toContain('approval by eli was given for another commit');
    expect(notes).toContain("dana's own approval does not count");
    expect(verdict.approvals.satisfied).toBe(false);
  });

  it('warns once about each approval or hold that names no proposal of the run', () => {
    const findings = unknownProposalFindings(
      [
        { user: 'carol', proposal: 'CHG-2026-0194', hold: true },
        { user: 'carol', proposal: 'CHG-2026-0194', hold: true },
        { user: 'erin', proposal: 'CHG-2026-0147' },
        { user: 'alice' },
      ],
      new Set(['CHG-2026-0147', 'CHG-2026-0149']),
      'changes',
    );

    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'warning',
        message: "carol's hold of CHG-2026-0194 names no proposal here, so it does nothing",
        file: 'changes',
      }),
    ]);
  });
});
