import { describe, expect, it } from 'vitest';
import type { StepResult } from '../executors/types.js';
import { GITHUB_LIMITS } from '../github/limits.js';
import type { PlanDocument } from './plan-document.js';
import { renderPlanMarkdown, renderPlanText } from './render-plan.js';

function plan(steps: StepResult[]): PlanDocument {
  return {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: '0.0.0' },
    createdAt: '2026-11-23T00:00:00.000Z',
    status: 'planned',
    proposals: [
      {
        file: 'changes/a.yaml',
        id: 'CHG-1',
        title: 'Add VLAN | 40',
        status: 'planned',
        changed: true,
        digest: 'sha256:abc',
        steps,
      },
    ],
    summary: { proposals: 1, planned: 1, failed: 0, errors: 0, cancelled: 0, changed: 1 },
  };
}

const base = {
  phase: 'execution',
  index: 0,
  mode: 'check',
  status: 'planned',
  changed: true,
  digest: 'sha256:x',
  startedAt: '',
  durationMs: 1,
} as const;

describe('renderPlanMarkdown', () => {
  it('puts per-device diffs in <details> and Terraform changes in a table', () => {
    const markdown = renderPlanMarkdown(
      plan([
        {
          ...base,
          name: 'vlans',
          kind: 'ansible',
          ansible: {
            completed: true,
            hosts: [
              {
                host: 'sw-1',
                ok: 1,
                changed: 1,
                failed: 0,
                unreachable: 0,
                skipped: 0,
                tasks: [
                  {
                    play: 'p',
                    task: 'Render',
                    status: 'changed',
                    hidden: false,
                    diffs: [{ path: 'state/sw-1.cfg', unified: '--- a\n+++ b\n+vlan 40\n' }],
                  },
                ],
              },
            ],
          },
        },
        {
          ...base,
          index: 1,
          name: 'sdwan',
          kind: 'terraform',
          terraform: {
            hasChanges: true,
            outputs: [],
            resources: [
              {
                address: 'terraform_data.a',
                type: 'terraform_data',
                mode: 'managed',
                action: 'replace',
                reason: 'replace_because_cannot_update',
                attributes: [],
              },
              {
                address: 'terraform_data.b',
                type: 'terraform_data',
                mode: 'managed',
                action: 'no-op',
                movedFrom: 'terraform_data.old',
                attributes: [],
              },
            ],
          },
        },
      ]),
    );

    expect(markdown).toContain('### ✅ CHG-1 — Add VLAN \\| 40');
    expect(markdown).toContain('<details><summary>sw-1 — 1 change</summary>');
    expect(markdown).toContain('```diff\n--- a\n+++ b\n+vlan 40\n```');
    expect(markdown).toContain('| replace | `terraform_data.a` | replace because cannot update |');
    expect(markdown).toContain('| move | `terraform_data.b` | moved from terraform_data.old |');
    expect(markdown).toContain('#### 2. sdwan (terraform) — planned: 1 to replace, 1 to move');
  });

  it('stays under GitHub’s comment limit, keeping every proposal’s summary', () => {
    const huge = '+x\n'.repeat(40_000);
    const step: StepResult = {
      ...base,
      name: 'big',
      kind: 'ansible',
      ansible: {
        completed: true,
        hosts: [
          {
            host: 'sw-1',
            ok: 1,
            changed: 1,
            failed: 0,
            unreachable: 0,
            skipped: 0,
            tasks: [{ play: 'p', task: 't', status: 'changed', hidden: false, diffs: [{ unified: huge }] }],
          },
        ],
      },
    };

    const markdown = renderPlanMarkdown(plan([step]));

    expect(markdown.length).toBeLessThanOrEqual(GITHUB_LIMITS.commentSection);
    expect(markdown).toContain('CHG-1');
    expect(markdown).toContain('per-device diffs are in plan.md');
  });
});

describe('renderPlanText', () => {
  it('names the shard in the summary line of a `plan --shard K/N` run', () => {
    const sharded = { ...plan([]), shard: { index: 2, count: 4, selected: ['changes/a.yaml'] } };

    const text = renderPlanText(sharded, { color: false });

    expect(text).toContain('\nshard 2/4: 1 proposal: 1 planned, 0 failed, 0 tool errors; 1 with changes\n');
  });

  it('says no shard in the summary line of an unsharded run', () => {
    const text = renderPlanText(plan([]), { color: false });

    expect(text).toContain('\n1 proposal: 1 planned');
    expect(text).not.toContain('shard');
  });
});
