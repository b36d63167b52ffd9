import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../redact/index.js';
import { parseTerraformPlan } from './parse-plan.js';
import { terraformPlanHash } from './plan-hash.js';
import { terraformChangeLine, terraformSummary } from './render.js';
import type { TerraformRun } from './types.js';

function planWith(actions: string[]): unknown {
  return {
    resource_changes: [
      {
        address: 'terraform_data.x',
        type: 'terraform_data',
        mode: 'managed',
        change: { actions, before: { input: 'a' }, after: null },
      },
    ],
  };
}

function shown(run: TerraformRun) {
  return {
    terraform: run,
    phase: 'execution' as const,
    index: 0,
    name: 'terraform/x',
    mode: 'check' as const,
    status: 'planned' as const,
    changed: run.hasChanges,
    digest: '',
    startedAt: '2026-11-29T08:00:00Z',
    durationMs: 0,
  };
}

describe('parseTerraformPlan: actions', () => {
  it.each([
    [['create', 'delete'], 'replace'],
    [['delete', 'create'], 'replace'],
    [['forget'], 'forget'],
    [['read'], 'read'],
  ])('reads %j as %s', (actions, action) => {
    const run = parseTerraformPlan(planWith(actions), createRedactor());

    expect(run.resources[0]?.action).toBe(action);
    expect(run.resources[0]?.rawActions).toBeUndefined();
  });

  it.each([
    [['create', 'forget'], 'create/forget'],
    [['frobnicate'], 'frobnicate'],
    [[], 'unknown action'],
  ])('keeps %j, an action it does not know, as a change shown by its raw name', (actions, label) => {
    const run = parseTerraformPlan(planWith(actions), createRedactor());

    expect(run.hasChanges).toBe(true);
    expect(run.resources[0]).toMatchObject({ action: 'unknown', rawActions: actions });
    expect(terraformSummary(shown(run))).toBe(`planned: 1 to ${label}`);
    expect(terraformChangeLine(shown(run))).toBe(`1 to ${label}`);
    expect(terraformPlanHash(run)).not.toBe(terraformPlanHash(parseTerraformPlan({}, createRedactor())));
  });

  it('keeps an output change whose action it does not know', () => {
    const plan = { output_changes: { site: { actions: ['frobnicate'], before: 'a', after: 'b' } } };

    const run = parseTerraformPlan(plan, createRedactor());

    expect(run.outputs).toEqual([
      {
        name: 'site',
        action: 'unknown',
        rawActions: ['frobnicate'],
        sensitive: false,
        before: 'a',
        after: 'b',
      },
    ]);
    expect(run.hasChanges).toBe(true);
  });
});

describe('parseTerraformPlan: addresses', () => {
  it('redacts a learned secret in an address (a for_each key) before any renderer escapes it', () => {
    const redactor = createRedactor({ secretValues: ['PlainPipe|KeyR4t5y6u7'] });
    const run = parseTerraformPlan(
      {
        resource_changes: [
          {
            address: 'terraform_data.x["PlainPipe|KeyR4t5y6u7"]',
            previous_address: 'terraform_data.old["PlainPipe|KeyR4t5y6u7"]',
            type: 'terraform_data',
            mode: 'managed',
            change: { actions: ['update'], before: { input: 'a' }, after: { input: 'b' } },
          },
        ],
      },
      redactor,
    );

    expect(run.resources[0]?.address).toBe('terraform_data.x["[REDACTED]"]');
    expect(run.resources[0]?.movedFrom).toBe('terraform_data.old["[REDACTED]"]');
    expect(JSON.stringify(run)).not.toContain('KeyR4t5y6u7');
  });
});
