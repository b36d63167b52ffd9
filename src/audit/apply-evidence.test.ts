import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ChangeProposal } from '../core/model.js';
import type { StepResult } from '../executors/types.js';
import type { ApplyResult } from '../runs/apply-proposal.js';
import { MAX_DIFF_CHARACTERS, redactDraft } from './chain.js';
import { evidenceDraftFromApply } from './record-apply.js';

const schema = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../schemas/evidence-record.schema.json'), 'utf8'),
);
const fields = ['startedAt', 'finishedAt', 'steps', 'verification', 'rollback', 'outcome'];
const validateFields = new Ajv2020({ strict: false }).compile({
  type: 'object',
  required: fields,
  properties: Object.fromEntries(
    fields.map((field) => [field, { ...schema.properties[field], format: undefined }]),
  ),
});

function step(
  phase: StepResult['phase'],
  status: StepResult['status'],
  extra: Partial<Extract<StepResult, { kind: 'ansible' }>> = {},
): StepResult {
  return {
    phase,
    index: 0,
    name: `${phase} step`,
    kind: 'ansible',
    mode: 'apply',
    status,
    changed: status === 'applied',
    digest: 'sha256:x',
    startedAt: '2026-11-29T08:00:00.000Z',
    durationMs: 10,
    argv: ['ansible-playbook', 'playbooks/vlans.yaml'],
    exitCode: status === 'applied' ? 0 : 2,
    ...extra,
  };
}

function result(
  outcome: ApplyResult['outcome'],
  steps: StepResult[],
  verification: StepResult[],
  rollback: StepResult[],
): ApplyResult {
  return {
    schemaVersion: 1,
    kind: 'NetchangeApplyResult',
    tool: { name: 'netchange', version: '0.0.0' },
    proposal: {
      file: 'changes/a.yaml',
      id: 'CHG-1',
      title: 't',
      type: 'normal',
      risk: 'low',
      domain: 'switching',
    },
    outcome,
    message: '',
    startedAt: '2026-11-29T08:00:00.000Z',
    finishedAt: '2026-11-29T08:01:00.000Z',
    durationMs: 60_000,
    plan: [],
    steps,
    verification,
    rollback,
  };
}

const proposal = {
  id: 'CHG-1',
  title: 't',
  type: 'normal',
  domain: 'switching',
  risk: 'low',
  requester: { team: 'partner-noc', github: 'dana' },
  targets: { devices: ['sw-1'] },
  schedule: { start: '2026-11-29T02:00', duration: 'PT1H', timezone: 'America/Chicago' },
  execution: [],
  verification: [{ ansible: { playbook: 'playbooks/verify.yaml' } }],
} as unknown as ChangeProposal;

/** The run-related fields of the evidence record an apply result becomes (what netchange apply records). */
async function toEvidenceFields(applyResult: ApplyResult) {
  const draft = redactDraft(
    await evidenceDraftFromApply(
      '/repo',
      { ...applyResult, commit: 'a'.repeat(40) },
      { proposal, approvers: [], window: { status: 'not-checked' } },
    ),
  );
  return {
    startedAt: draft.startedAt,
    finishedAt: draft.finishedAt,
    steps: draft.steps,
    verification: draft.verification,
    rollback: draft.rollback,
    outcome: draft.outcome,
  };
}

describe('the run part of an apply evidence record', () => {
  it.each([
    [
      'applied and verified',
      result('applied', [step('execution', 'applied')], [step('verification', 'applied')], []),
      'succeeded',
      'passed',
      'not-needed',
    ],
    [
      'rolled back after a failed verification',
      result(
        'rolled-back',
        [step('execution', 'applied')],
        [step('verification', 'failed', { message: 'VLAN 99 missing' })],
        [step('rollback', 'applied')],
      ),
      'rolled-back',
      'failed',
      'succeeded',
    ],
    [
      'failed without rollback',
      result('failed', [step('execution', 'failed')], [step('verification', 'skipped')], []),
      'failed',
      'not-run',
      'not-run',
    ],
  ])('%s fits the EvidenceRecord schema', async (_case, applyResult, outcome, verification, rollback) => {
    const evidence = await toEvidenceFields(applyResult);

    expect(validateFields(evidence), JSON.stringify(validateFields.errors)).toBe(true);
    expect(evidence.outcome).toBe(outcome);
    expect(evidence.verification.status).toBe(verification);
    expect(evidence.rollback.status).toBe(rollback);
  });

  it('records the command each step ran', async () => {
    const evidence = await toEvidenceFields(result('applied', [step('execution', 'applied')], [], []));

    expect(evidence.steps[0]?.argv).toEqual(['ansible-playbook', 'playbooks/vlans.yaml']);
  });

  it('caps a long diff and says so', async () => {
    const huge = '+x\n'.repeat(40_000);
    const applied = step('execution', 'applied', {
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
    });

    const [entry] = (await toEvidenceFields(result('applied', [applied], [], []))).steps;

    expect(entry?.diffTruncated).toBe(true);
    expect(entry?.diff?.startsWith('# sw-1: t\n+x\n')).toBe(true);
    expect(entry?.diff?.length).toBeLessThan(MAX_DIFF_CHARACTERS + 100);
    expect(entry?.diff).toMatch(/more characters cut\n$/);
  });
});
