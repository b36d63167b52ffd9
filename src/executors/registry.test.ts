import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StepResult } from './registry.js';
import {
  EXECUTOR_KINDS,
  EXECUTORS,
  executorCommands,
  executorOfResult,
  stepKind,
  stepOf,
} from './registry.js';

const SCHEMAS = path.resolve(import.meta.dirname, '../../schemas');

async function schema(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(SCHEMAS, name), 'utf8')) as Record<string, unknown>;
}

function at(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = (current as Record<string, unknown>)[key];
  return current;
}

describe('the executor registry', () => {
  it('registers each executor under its own kind', () => {
    for (const [kind, executor] of Object.entries(EXECUTORS)) expect(executor.kind).toBe(kind);
  });

  it('agrees with the schemas users write against: step fields, rollback fields, evidence tools, config commands', async () => {
    const proposal = await schema('change-proposal.schema.json');
    const evidence = await schema('evidence-record.schema.json');
    const config = await schema('config.schema.json');

    const stepFields = Object.keys(at(proposal, '$defs', 'step', 'properties') as object);
    const rollbackFields = Object.keys(at(proposal, 'properties', 'rollback', 'properties') as object);
    const tools = at(evidence, 'properties', 'steps', 'items', 'properties', 'tool', 'enum');
    const configKeys = Object.keys(at(config, 'properties', 'executors', 'properties') as object);

    expect(stepFields.filter((field) => field !== 'name')).toEqual(EXECUTOR_KINDS);
    expect(rollbackFields.filter((field) => field !== 'description' && field !== 'auto')).toEqual(
      EXECUTOR_KINDS,
    );
    expect(tools).toEqual(EXECUTOR_KINDS);
    expect(configKeys).toEqual(expect.arrayContaining(Object.keys(executorCommands())));
  });

  it('finds the kind of a step by the field it is written under', () => {
    expect(stepKind({ ansible: { playbook: 'playbooks/vlans.yaml' } })).toBe('ansible');
    expect(stepKind(stepOf('terraform', { dir: 'terraform/sdwan' }, 'rollback (terraform)'))).toBe(
      'terraform',
    );
    expect(() => stepKind({})).toThrow(/internal/);
  });

  it('fills each command from netchange.yaml, else from its executor', () => {
    expect(executorCommands({ terraform: '/opt/terraform' })).toEqual({
      ansiblePlaybook: 'ansible-playbook',
      ansibleInventory: 'ansible-inventory',
      terraform: '/opt/terraform',
    });
  });

  it("narrows a result by kind and renders it with its own executor's summary", () => {
    const result: StepResult = {
      phase: 'execution',
      index: 0,
      name: 'sdwan',
      kind: 'terraform',
      mode: 'check',
      status: 'planned',
      changed: false,
      digest: 'sha256:x',
      startedAt: '2026-11-29T08:00:00.000Z',
      durationMs: 1,
      terraform: { resources: [], outputs: [], hasChanges: false },
    };

    const summary = executorOfResult(result).summary(result);

    expect(result.kind === 'terraform' ? result.terraform?.hasChanges : undefined).toBe(false);
    expect(summary).toBe('planned: no changes');
  });
});
