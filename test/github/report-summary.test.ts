/**
 * The report comment's first screen, composed from reports a reviewer could meet: held and approved
 * proposals side by side, configuration lines an Ansible plan removes, a carried-over plan after a
 * review arrives, and a report far over GitHub's size limit.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/findings.js';
import type { ApprovalRequirement, ProposalReport, ValidationReport } from '../../src/core/model.js';
import { HOLD_POLICY } from '../../src/core/review-state.js';
import type { StepResult } from '../../src/executors/types.js';
import { composeReport, planSection, REPORT_MARKER } from '../../src/github/compose-report.js';
import { GITHUB_LIMITS, markdownLeftOpen } from '../../src/github/limits.js';
import type { PlanDocument } from '../../src/runs/plan-document.js';

const SCHEDULE = {
  start: '2026-11-29T08:00:00Z',
  end: '2026-11-29T09:00:00Z',
  timezone: 'America/Chicago',
};

function requirement(overrides: Partial<ApprovalRequirement> = {}): ApprovalRequirement {
  return {
    team: 'netops',
    count: 1,
    reason: 'the accountable team for switching; medium risk',
    approvedBy: [],
    satisfied: false,
    eligible: ['alice', 'bob'],
    ...overrides,
  };
}

function proposal(id: string, overrides: Partial<ProposalReport> = {}): ProposalReport {
  return {
    file: `changes/${id.toLowerCase()}.yaml`,
    id,
    ok: true,
    title: `Change ${id}`,
    type: 'normal',
    risk: { declared: 'medium', effective: 'medium', reasons: [] },
    schedule: SCHEDULE,
    windows: { overlapping: ['plant-a-sunday-maintenance'], open: true },
    findings: [],
    approvals: {
      required: [requirement({ approvedBy: ['alice'], satisfied: true, eligible: ['bob'] })],
      satisfied: true,
    },
    ...overrides,
  };
}

function report(proposals: ProposalReport[]): ValidationReport {
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: '0.0.0' },
    evaluatedAt: '2026-11-23T15:00:00Z',
    ok: proposals.every((entry) => entry.ok),
    proposals,
    findings: [],
    withdrawn: [],
    summary: { proposals: proposals.length, passed: 0, failed: 0, errors: 0, warnings: 0 },
  };
}

const HOLD: Finding = {
  ruleId: 'approval',
  policy: HOLD_POLICY,
  severity: 'error',
  message: 'held by carol: wait for the plant shutdown schedule',
  file: 'changes/chg-2.yaml',
};

function ansibleStep(unified: string): StepResult {
  return {
    phase: 'execution',
    index: 0,
    name: 'playbooks/acl.yaml',
    kind: 'ansible',
    mode: 'check',
    status: 'planned',
    changed: true,
    digest: 'sha256:abc',
    startedAt: '2026-11-23T12:00:00Z',
    durationMs: 1,
    ansible: {
      completed: true,
      hosts: [
        {
          host: 'fw-hq-01',
          ok: 1,
          changed: 1,
          failed: 0,
          unreachable: 0,
          skipped: 0,
          tasks: [
            {
              play: 'p',
              task: 'render the ACL',
              status: 'changed',
              hidden: false,
              diffs: [{ path: 'state/fw-hq-01.cfg', unified }],
            },
          ],
        },
      ],
    },
  };
}

function plan(file: string, id: string, steps: StepResult[]): PlanDocument {
  return {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: '0.0.0' },
    createdAt: '2026-11-23T12:00:00Z',
    status: 'planned',
    proposals: [{ file, id, status: 'planned', changed: true, digest: 'sha256:feed', steps }],
    summary: { proposals: 1, planned: 1, failed: 0, errors: 0, cancelled: 0, changed: 1 },
  };
}

describe('a pull request with one proposal held and one approved', () => {
  const composed = composeReport({
    report: report([
      proposal('CHG-1'),
      proposal('CHG-2', {
        ok: false,
        findings: [HOLD],
        holds: [{ user: 'carol', proposal: 'CHG-2' }],
      }),
    ]),
  });

  it('shows the held one first, who holds it, and ✅ only on the approved one', () => {
    const rows = composed.comment
      .split('\n')
      .filter((line) => line.startsWith('| ') && line.includes('**CHG-'));

    expect(rows[0]).toMatch(/^\| ✋ \*\*held\*\* \| \*\*CHG-2\*\*/);
    expect(rows[0]).toContain('| held by carol |');
    expect(rows[1]).toMatch(/^\| ✅ \*\*ready\*\* \| \*\*CHG-1\*\*/);
    for (const line of composed.comment.split('\n').filter((candidate) => candidate.includes('✅')))
      expect(line).toMatch(/CHG-1.*ready|ready.*CHG-1/);
  });

  it('asks for action in the check run, titled by the states, with no ✅', () => {
    expect(composed.check.conclusion).toBe('action_required');
    expect(composed.check.output.title).toBe('1 ready, 1 held');
    expect(composed.comment).toContain('### netchange: 1 ready, 1 held');
  });
});

describe('the check run follows the review states', () => {
  const blocked = proposal('CHG-3', {
    ok: false,
    windows: { overlapping: ['plant-a-production'], open: false },
    findings: [
      {
        ruleId: 'window',
        policy: 'plant-a-production',
        severity: 'error',
        message: 'the change overlaps the plant-a-production window',
        file: 'changes/chg-3.yaml',
      },
    ],
  });
  const waiting = proposal('CHG-4', {
    approvals: {
      required: [requirement({ team: 'cab', count: 2, eligible: ['carol', 'dave', 'erin'] })],
      satisfied: false,
    },
  });

  it.each([
    ['success when every proposal is ready', [proposal('CHG-1')], 'success', '1 ready'],
    [
      'action_required when approvals are missing',
      [proposal('CHG-1'), waiting],
      'action_required',
      '1 ready, 1 needs approvals',
    ],
    ['failure when one is blocked', [waiting, blocked], 'failure', '1 needs approvals, 1 blocked'],
  ])('%s', (_name, proposals, conclusion, title) => {
    const composed = composeReport({ report: report(proposals) });

    expect(composed.check.conclusion).toBe(conclusion);
    expect(composed.check.output.title).toBe(title);
  });

  it('says who is still missing and which window blocks', () => {
    const composed = composeReport({ report: report([waiting, blocked]) });

    expect(composed.comment).toContain('| 2 of cab (carol, dave, erin) |');
    expect(composed.comment).toContain('| blocked by plant-a-production |');
  });

  it('reads an emergency outside its windows as bypassed, not blocked, and offers it no later slot', () => {
    const emergency = proposal('CHG-5', {
      type: 'emergency',
      windows: {
        overlapping: ['plant-a-production'],
        open: false,
        nextAllowed: { start: '2026-11-29T07:00:00Z', end: '2026-11-29T07:30:00Z' },
      },
    });

    const composed = composeReport({ report: report([emergency]) });

    expect(composed.comment).toContain('| bypassed (emergency) |');
    expect(composed.comment).not.toContain('next allowed');
    expect(composed.comment).not.toMatch(/\| Window \| blocked/);
  });

  it('folds a finding’s detail inside its proposal', () => {
    const detailed = proposal('CHG-6', {
      findings: [
        {
          ruleId: 'window',
          policy: 'plant-a-production',
          severity: 'warning',
          message: 'the override of plant-a-production needs plant-ops',
          detail: 'occupies Tue 24 Nov 2026 07:30–08:15 CST (13:30–14:15Z)',
          file: 'changes/chg-6.yaml',
        },
      ],
    });

    const composed = composeReport({ report: report([detailed]) });

    expect(composed.comment).toMatch(
      /<details><summary>details<\/summary>\s+occupies Tue 24 Nov 2026 07:30–08:15 CST \(13:30–14:15Z\)\s+<\/details>/,
    );
  });
});

describe('configuration lines an Ansible plan removes', () => {
  it('are named in the banner above the table, per host and file', () => {
    const removing = ansibleStep(
      '--- before: state/fw-hq-01.cfg\n+++ after: state/fw-hq-01.cfg\n@@ -1,3 +1,2 @@\n permit tcp any host 10.0.0.5 eq 443\n-permit tcp any host 10.0.0.9 eq 22\n-deny ip any any log\n+deny ip any any\n',
    );

    const composed = composeReport({
      report: report([proposal('CHG-7')]),
      plan: plan('changes/chg-7.yaml', 'CHG-7', [removing]),
    });

    const banner = composed.comment.indexOf('> [!CAUTION]');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(composed.comment.indexOf('| State |'));
    expect(composed.comment).toContain(
      '> - CHG-7: remove 2 configuration lines from `fw-hq-01` (`state/fw-hq-01.cfg`): `permit tcp any host 10.0.0.9 eq 22`, `deny ip any any log`',
    );
    expect(composed.comment).toContain('| 1 host changes |');
  });

  it('caps the banner and says how many more', () => {
    const steps = Array.from({ length: 15 }, (_, index) => ({
      ...ansibleStep(`--- a\n+++ b\n-line ${index}\n`),
      index,
    }));

    const composed = composeReport({
      report: report([proposal('CHG-8')]),
      plan: plan('changes/chg-8.yaml', 'CHG-8', steps),
    });

    expect(composed.comment).toContain('destroys or removes 15 things');
    expect(composed.comment).toContain('> - and 5 more');
  });

  it('is carried over with the plan when a review re-evaluates without a new plan', () => {
    const first = composeReport({
      report: report([proposal('CHG-7')]),
      plan: plan('changes/chg-7.yaml', 'CHG-7', [ansibleStep('--- a\n+++ b\n-deny ip any any log\n')]),
    });
    const carried = planSection(first.comment);

    const again = composeReport({
      report: report([proposal('CHG-7')]),
      ...(carried
        ? {
            planMarkdown: carried.markdown,
            planStatus: carried.status,
            ...(carried.digests ? { planHashes: carried.digests } : {}),
            ...(carried.views ? { planViews: carried.views } : {}),
            ...(carried.parts ? { planParts: carried.parts } : {}),
          }
        : {}),
    });

    expect(carried?.digests).toEqual({ 'changes/chg-7.yaml': 'sha256:feed' });
    expect(again.comment).toContain('> - CHG-7: remove 1 configuration line from `fw-hq-01`');
    expect(again.comment).toContain('digest `sha256:feed`');
    expect(again.comment).toContain('| 1 host changes |');
  });
});

describe("GitHub's size limit", () => {
  it('keeps the table whole when the details of many proposals do not fit', () => {
    const long = 'x'.repeat(150);
    const proposals = Array.from({ length: 40 }, (_, index) =>
      proposal(`CHG-${100 + index}`, {
        findings: Array.from({ length: 30 }, (_, finding) => ({
          ruleId: 'lint' as const,
          severity: 'warning' as const,
          message: `${long} ${finding}`,
          hint: long,
          file: `changes/chg-${100 + index}.yaml`,
          line: finding + 1,
        })),
      }),
    );

    const composed = composeReport({
      report: report(proposals),
      origin: { runUrl: 'https://github.example/r/actions/runs/1' },
    });

    expect(composed.comment.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    expect(composed.comment.startsWith(REPORT_MARKER)).toBe(true);
    for (const entry of proposals) expect(composed.comment).toContain(`| ✅ **ready** | **${entry.id}**`);
    expect(composed.comment).toContain("cut at GitHub's comment limit");
    expect(
      composed.comment.trimEnd().endsWith('[CI run](https://github.example/r/actions/runs/1)</sub>'),
    ).toBe(true);
    // The cut leaves no proposal's folded section open: the note and the footer show below it.
    const beforeNote = composed.comment.slice(
      0,
      composed.comment.indexOf("… (cut at GitHub's comment limit"),
    );
    expect(markdownLeftOpen(beforeNote)).toBe('');
    expect(composed.check.output.summary.length).toBeLessThanOrEqual(GITHUB_LIMITS.checkRunText);
  });
});
