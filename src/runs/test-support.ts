/**
 * Builders shared by the tests of what an apply produces (its evidence, its output): a step result
 * and a result.json built in memory, the way applyProposal builds them.
 */
import type { StepResult } from '../executors/types.js';
import type { ApplyResult } from './apply-proposal.js';

/** An Ansible step result of `phase` that ended with `status`; `extra` overrides any field. */
export function buildStepResult(
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

/** result.json of proposal CHG-1 (changes/a.yaml) that ended with `outcome` after these steps. */
export function buildApplyResult(
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
