import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../redact/index.js';
import type { StepContext } from './context.js';
import { runStep, skippedStep } from './run-step.js';

const AT = new Date('2031-02-03T04:05:06.000Z');

let root: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-run-step-'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function context(): StepContext {
  return {
    repoRoot: root,
    mode: 'check',
    redactor: createRedactor(),
    timeoutMs: 10_000,
    killGraceMs: 1_000,
    commands: { ansiblePlaybook: 'ansible-playbook', terraform: 'terraform' },
    now: () => AT,
  };
}

describe("a step's times come from the context's clock", () => {
  it.each([
    ['ansible', { ansible: { playbook: '../outside.yaml' } }],
    ['terraform', { terraform: { dir: '../outside' } }],
  ] as const)(
    '%s: a step refused before its tool starts is stamped with the given clock',
    async (kind, step) => {
      const executed = await runStep(step, { phase: 'execution', index: 0 }, context());

      expect(executed.result.kind).toBe(kind);
      expect(executed.result.status).toBe('failed');
      expect(executed.result.startedAt).toBe('2031-02-03T04:05:06Z');
    },
  );

  it('a skipped step is stamped with the given clock', () => {
    const skipped = skippedStep(
      { terraform: { dir: 'terraform/sdwan' } },
      { phase: 'execution', index: 1 },
      'apply',
      'not run: step 1 failed',
      () => AT,
    );

    expect(skipped).toMatchObject({
      kind: 'terraform',
      status: 'skipped',
      startedAt: '2031-02-03T04:05:06Z',
    });
  });
});
