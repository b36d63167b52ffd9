import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import type { ChangeProposal } from '../core/model.js';
import { createRedactor } from '../redact/index.js';
import type { ApplyResult } from '../runs/apply-proposal.js';
import { buildApplyResult, buildStepResult } from '../runs/test-support.js';
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

const step = buildStepResult;
const result = buildApplyResult;

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

describe('device backups in the evidence', () => {
  const file = (name: string, digit: string) => ({
    path: `backups/r1/${name}.conf`,
    sha256: digit.repeat(64),
  });

  it('names each step’s backups by path and sha256, in a record that fits the schema', async () => {
    const applied = step('execution', 'applied', {
      backups: [
        { device: 'r1', before: file('execution-1-before', 'a'), after: file('execution-1-after', 'b') },
        // why: a device whose step failed before it could be read again has a before only.
        { device: 'r2', before: { path: 'backups/r2/execution-1-before.conf', sha256: 'c'.repeat(64) } },
      ],
    });
    const rolledBack = step('rollback', 'applied', {
      backups: [
        { device: 'r1', before: file('rollback-1-before', 'd'), after: file('rollback-1-after', 'e') },
      ],
    });

    const evidence = await toEvidenceFields(
      result('rolled-back', [applied], [step('verification', 'failed')], [rolledBack]),
    );

    expect(validateFields(evidence), JSON.stringify(validateFields.errors)).toBe(true);
    expect(evidence.steps.map((entry) => entry.backups)).toEqual([
      [
        {
          device: 'r1',
          before: { sha256: 'a'.repeat(64), path: 'backups/r1/execution-1-before.conf' },
          after: { sha256: 'b'.repeat(64), path: 'backups/r1/execution-1-after.conf' },
        },
        { device: 'r2', before: { sha256: 'c'.repeat(64), path: 'backups/r2/execution-1-before.conf' } },
      ],
      undefined,
      [
        {
          device: 'r1',
          before: { sha256: 'd'.repeat(64), path: 'backups/r1/rollback-1-before.conf' },
          after: { sha256: 'e'.repeat(64), path: 'backups/r1/rollback-1-after.conf' },
        },
      ],
    ]);
  });

  it('has no backups for a step whose executor read no configuration (Terraform, a module without them)', async () => {
    const evidence = await toEvidenceFields(result('applied', [step('execution', 'applied')], [], []));

    expect(evidence.steps[0]).not.toHaveProperty('backups');
  });

  it('is refused by the schema when a hash is not a sha256', async () => {
    const applied = step('execution', 'applied', {
      backups: [{ device: 'r1', before: { path: 'backups/r1/x.conf', sha256: 'sha256:abc' } }],
    });

    const evidence = await toEvidenceFields(result('applied', [applied], [], []));

    expect(validateFields(evidence)).toBe(false);
  });
});

describe('what an operator typed into an apply record', () => {
  it('redacts a secret in the --reapply reason and the proposal title, as in every other field', async () => {
    const secret = 'Sup3rS3cret-community-8812';
    const redactor = createRedactor({ env: { SNMP_COMMUNITY: secret }, secretEnvNames: ['SNMP_COMMUNITY'] });
    const draft = redactDraft(
      await evidenceDraftFromApply(
        '/repo',
        { ...result('applied', [step('execution', 'applied')], [], []), commit: 'a'.repeat(40) },
        {
          proposal: { ...proposal, title: `rotate ${secret}` },
          approvers: [],
          window: { status: 'not-checked' },
          reapply: { reason: `again, the community ${secret} did not take` },
        },
      ),
      redactor,
    );

    expect(JSON.stringify(draft)).not.toContain(secret);
    expect(draft.reapply?.reason).toBe('again, the community [REDACTED] did not take');
    expect(draft.proposal.title).toBe('rotate [REDACTED]');
  });
});
