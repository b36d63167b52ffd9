import { describe, expect, it } from 'vitest';
import type { ProposalReport, ValidationReport } from '../core/model.js';
import type { StepResult } from '../executors/types.js';
import type { PlanDocument } from '../runs/plan-document.js';
import {
  checkConclusion,
  composeReport,
  heldPlanMarkdown,
  planSection,
  REPORT_MARKER,
} from './compose-report.js';
import { GITHUB_LIMITS } from './limits.js';

function proposal(overrides: Partial<ProposalReport> = {}): ProposalReport {
  return {
    file: 'changes/a.yaml',
    id: 'CHG-1',
    ok: true,
    findings: [],
    approvals: { required: [], satisfied: true },
    ...overrides,
  };
}

function report(proposals: ProposalReport[]): ValidationReport {
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: '0.0.0' },
    evaluatedAt: '2026-11-23T12:00:00Z',
    ok: proposals.every((entry) => entry.ok),
    proposals,
    findings: [],
    withdrawn: [],
    summary: { proposals: proposals.length, passed: 0, failed: 0, errors: 0, warnings: 0 },
  };
}

function hugePlan(devices: number, linesPerDiff: number): PlanDocument {
  const diff = Array.from(
    { length: linesPerDiff },
    (_, index) => `+interface Gi1/0/${index} description line-${index}`,
  ).join('\n');
  const step: StepResult = {
    phase: 'execution',
    index: 0,
    name: 'playbooks/ports.yaml',
    kind: 'ansible',
    mode: 'check',
    status: 'planned',
    changed: true,
    digest: 'sha256:abc',
    startedAt: '2026-11-23T12:00:00Z',
    durationMs: 1,
    ansible: {
      completed: true,
      hosts: Array.from({ length: devices }, (_, index) => ({
        host: `sw-${index}`,
        ok: 1,
        changed: 1,
        failed: 0,
        unreachable: 0,
        skipped: 0,
        tasks: [
          {
            play: 'p',
            task: 'ports',
            status: 'changed',
            hidden: false,
            diffs: [{ path: `state/sw-${index}.cfg`, unified: diff }],
          },
        ],
      })),
    },
  };
  return {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: '0.0.0' },
    createdAt: '2026-11-23T12:00:00Z',
    status: 'planned',
    proposals: [
      {
        file: 'changes/a.yaml',
        id: 'CHG-1',
        status: 'planned',
        changed: true,
        digest: 'sha256:feed',
        steps: [step],
      },
    ],
    summary: { proposals: 1, planned: 1, failed: 0, errors: 0, cancelled: 0, changed: 1 },
  };
}

describe('composeReport', () => {
  it('moves long diffs to the check run text, keeping per-device counts and the end of each diff', () => {
    const plan = hugePlan(30, 400);
    const planMarkdown =
      plan.proposals[0]?.steps[0]?.ansible?.hosts
        .map((host) => `${host.host}\n${host.tasks[0]?.diffs[0]?.unified}`)
        .join('\n') ?? '';

    const composed = composeReport({
      report: report([proposal()]),
      reportMarkdown: '### report',
      plan,
      planMarkdown,
    });

    expect(planMarkdown.length).toBeGreaterThan(GITHUB_LIMITS.body);
    expect(composed.overflowed).toBe(true);
    expect(composed.comment.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    expect(composed.comment.startsWith(REPORT_MARKER)).toBe(true);
    expect(composed.comment).toContain('longer than a GitHub comment allows');
    expect(composed.comment).toContain('digest `sha256:feed`');
    expect(composed.check.output.text?.length).toBeLessThanOrEqual(GITHUB_LIMITS.checkRunText);
    expect(composed.check.output.text).toContain('#### sw-0: 1 changed, 0 failed, 1 ok');
    expect(composed.check.output.text).toContain('(400 lines, last 40 shown)');
    expect(composed.check.output.text).toContain('line-399');
    expect(composed.check.output.text).not.toContain('line-10\n');
  });

  it('keeps a short report whole in the comment', () => {
    const composed = composeReport({
      report: report([proposal()]),
      reportMarkdown: '### report',
      planMarkdown: '## plan',
    });

    expect(composed.overflowed).toBe(false);
    expect(composed.comment).toContain('| ✅ **ready** | **CHG-1** |');
    expect(composed.comment).toContain('## plan');
    expect(composed.check.output.text).toBeUndefined();
  });

  it('ignores volatile text when deciding whether anything changed', () => {
    const first = composeReport({ reportMarkdown: 'evaluated at 12:00', volatile: ['12:00'] });
    const second = composeReport({ reportMarkdown: 'evaluated at 12:05', volatile: ['12:05'] });
    const different = composeReport({
      reportMarkdown: 'evaluated at 12:05, one more error',
      volatile: ['12:05'],
    });

    expect(second.contentHash).toBe(first.contentHash);
    expect(different.contentHash).not.toBe(first.contentHash);
  });
});

describe('annotations', () => {
  it('annotates up to 250 findings and says how many more there are', () => {
    const findings = Array.from({ length: 260 }, (_, index) => ({
      ruleId: 'schema' as const,
      severity: 'error' as const,
      message: `finding ${index}`,
      file: 'changes/a.yaml',
      line: index + 1,
    }));

    const composed = composeReport({
      report: report([proposal({ ok: false, findings })]),
      reportMarkdown: '### report',
    });

    expect(composed.check.output.annotations).toHaveLength(250);
    expect(composed.check.output.annotations?.[0]).toMatchObject({
      path: 'changes/a.yaml',
      startLine: 1,
      level: 'failure',
    });
    expect(composed.check.output.summary).toContain('10 more findings are not annotated');
  });
});

describe('checkConclusion', () => {
  const missing = {
    required: [{ team: 'cab', count: 1, reason: 'r', approvedBy: [], satisfied: false, eligible: ['carol'] }],
    satisfied: false,
  };
  const error = {
    ruleId: 'window' as const,
    severity: 'error' as const,
    message: 'blocked',
    file: 'changes/a.yaml',
    line: 3,
  };

  it.each([
    ['success when everything passes', [proposal()], 'success'],
    [
      'action_required when only approvals are missing',
      [proposal({ approvals: missing })],
      'action_required',
    ],
    [
      'failure when a finding is an error, approvals or not',
      [proposal({ ok: false, findings: [error], approvals: missing })],
      'failure',
    ],
  ])('%s', (_name, proposals, expected) => {
    expect(checkConclusion(report(proposals as ProposalReport[]), undefined)).toBe(expected);
  });

  it('fails when the plan failed', () => {
    expect(checkConclusion(report([proposal()]), 'failed')).toBe('failure');
  });

  it('carries the plan section and its status over to a report without a new plan', () => {
    const first = composeReport({
      reportMarkdown: '### report',
      planMarkdown: '## plan\ndigest `sha256:feed`',
      planStatus: 'failed',
    });
    const carried = planSection(first.comment);

    const second = composeReport({
      report: report([proposal()]),
      reportMarkdown: '### report',
      ...(carried ? { planMarkdown: carried.markdown, planStatus: carried.status } : {}),
    });

    expect(carried).toEqual({ markdown: '## plan\ndigest `sha256:feed`', status: 'failed' });
    expect(second.comment).toContain('digest `sha256:feed`');
    expect(second.check.conclusion).toBe('failure');
  });
});

describe('a plan held for a code review', () => {
  const held = {
    reason: 'code changes in playbooks/vlans.yaml need a review before they run',
    files: ['playbooks/vlans.yaml'],
    reviewers: ['netops'],
  };

  it('asks for the review in the check run, and keeps asking when a re-evaluation carries the section', () => {
    const markdown = heldPlanMarkdown(held);

    const fresh = composeReport({
      report: report([proposal()]),
      reportMarkdown: 'ok',
      planMarkdown: markdown,
    });
    const carried = planSection(fresh.comment);
    const again = composeReport({
      report: report([proposal()]),
      reportMarkdown: 'ok',
      ...(carried ? { planMarkdown: carried.markdown, planStatus: carried.status } : {}),
    });

    for (const composed of [fresh, again]) {
      expect(composed.check.conclusion).toBe('action_required');
      expect(composed.check.output.title).toBe(`1 needs a code review — ${held.reason}`);
      expect(composed.check.output.summary).toContain('Code changes in playbooks/vlans.yaml need a review');
      expect(composed.comment).toContain('| 🔍 **code review needed** | **CHG-1** |');
      expect(composed.check.output.summary).toContain('- `playbooks/vlans.yaml`');
      expect(composed.comment).toContain('When a member of netops approves the head commit, plan runs.');
    }
  });

  it('asks for the review when plan.json says "held", and the carried section keeps that status', () => {
    const plan: PlanDocument = {
      schemaVersion: 1,
      kind: 'NetchangePlan',
      tool: { name: 'netchange', version: '0.0.0' },
      createdAt: '2026-11-23T12:00:00Z',
      status: 'held',
      proposals: [],
      held,
      summary: { proposals: 0, planned: 0, failed: 0, errors: 0, cancelled: 0, changed: 0 },
    };

    const fresh = composeReport({ report: report([proposal()]), reportMarkdown: 'ok', plan });
    const carried = planSection(fresh.comment);
    const again = composeReport({
      report: report([proposal()]),
      reportMarkdown: 'ok',
      ...(carried ? { planMarkdown: carried.markdown, planStatus: carried.status } : {}),
    });

    expect(carried?.status).toBe('held');
    for (const composed of [fresh, again]) {
      expect(composed.check.conclusion).toBe('action_required');
      expect(composed.check.output.title).toBe(`1 needs a code review — ${held.reason}`);
    }
  });

  it('still fails when validation has errors', () => {
    const failing = proposal({
      ok: false,
      findings: [{ ruleId: 'schema', severity: 'error', message: 'bad', file: 'changes/a.yaml' }],
    });

    expect(checkConclusion(report([failing]), 'planned', true)).toBe('failure');
  });
});
