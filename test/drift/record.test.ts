import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  appendEvidence,
  EVIDENCE_REF,
  loadEvidence,
  MAX_DIFF_CHARACTERS,
  verifyEvidence,
} from '../../src/audit/index.js';
import type { DetectedTarget, DriftExplanation } from '../../src/drift/model.js';
import { recordDrift } from '../../src/drift/record.js';
import { createRedactor } from '../../src/redact/index.js';
import { evidenceDraft } from '../audit/drafts.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const repositories: TestRepository[] = [];
afterEach(async () => {
  await Promise.all(repositories.splice(0).map((repository) => repository.remove()));
});

async function repository(): Promise<TestRepository> {
  const created = await createRepository({ 'README.md': 'network\n' });
  repositories.push(created);
  await created.commit('initial');
  return created;
}

function detected(target: string, status: DetectedTarget['status'], diff = ''): DetectedTarget {
  return {
    target,
    kind: 'ansible',
    status,
    diff,
    digest: createHash('sha256').update(diff).digest('hex'),
    ignored: [],
    source: { playbook: 'playbooks/frr.yaml', inventory: 'inventory/lab.yaml' },
  };
}

const COST_EDIT = '--- running\n+++ intended\n-  ip ospf cost 50\n+  ip ospf cost 10\n';
const SECOND_EDIT = `${COST_EDIT}- ip route 0.0.0.0/0 10.0.0.9\n`;
const COMMIT = 'c'.repeat(40);
const ACTOR = { name: 'github-actions', kind: 'automation' as const };

/** One drift run of the lab at `at`, recorded with no remote. */
function run(
  root: string,
  at: string,
  targets: DetectedTarget[],
  explanations = new Map<string, DriftExplanation>(),
) {
  return recordDrift({
    repositoryRoot: root,
    targets,
    explanations,
    checkedAt: new Date(at),
    commit: COMMIT,
    actor: ACTOR,
    append: { remote: false, now: () => new Date(at) },
  });
}

describe('recordDrift', () => {
  it('records a new drift once, keeps its first-seen time across runs, and writes nothing on a repeat', async () => {
    const { root } = await repository();

    const first = await run(root, '2026-11-29T08:00:00Z', [
      detected('r1', 'in-sync'),
      detected('r2', 'drifted', COST_EDIT),
    ]);
    const repeat = await run(root, '2026-11-29T09:00:00Z', [
      detected('r1', 'in-sync'),
      detected('r2', 'drifted', COST_EDIT),
    ]);

    expect(first.appended.map((record) => [record.kind, record.target.name])).toEqual([
      ['drift-detected', 'r2'],
    ]);
    expect(first.appended[0]).toMatchObject({
      sequence: 1,
      firstSeen: '2026-11-29T08:00:00Z',
      checkedAt: '2026-11-29T08:00:00Z',
      explanation: { kind: 'out-of-band' },
      diff: COST_EDIT,
      diffSummary: '2 lines differ: 1 only in the running state, 1 only in the intended state',
      commit: COMMIT,
      actor: ACTOR,
    });
    expect(repeat.appended).toEqual([]);
    expect(repeat.seen.get('r2')).toEqual({
      firstSeen: '2026-11-29T08:00:00Z',
      lastSeen: '2026-11-29T09:00:00Z',
    });
    expect(repeat.seen.get('r1')).toEqual({ firstSeen: null, lastSeen: null });
    expect((await loadEvidence(root)).total).toBe(1);
  });

  it('records a changed drift in the same episode, resolves it when in sync, and opens a new episode when it returns', async () => {
    const { root } = await repository();
    const attributed = new Map<string, DriftExplanation>([
      ['r2', { kind: 'merged-not-applied', proposal: { id: 'CHG-7', file: 'changes/chg-7.yaml' } }],
    ]);

    await run(root, '2026-11-29T08:00:00Z', [detected('r2', 'drifted', COST_EDIT)]);
    const changed = await run(
      root,
      '2026-11-29T09:00:00Z',
      [detected('r2', 'drifted', SECOND_EDIT)],
      attributed,
    );
    const resolved = await run(root, '2026-11-29T10:00:00Z', [detected('r2', 'in-sync')]);
    const quiet = await run(root, '2026-11-29T11:00:00Z', [detected('r2', 'in-sync')]);
    const returned = await run(root, '2026-11-29T12:00:00Z', [detected('r2', 'drifted', COST_EDIT)]);

    expect(changed.appended[0]).toMatchObject({
      kind: 'drift-detected',
      firstSeen: '2026-11-29T08:00:00Z',
      explanation: { kind: 'merged-not-applied', proposal: { id: 'CHG-7' } },
    });
    expect(resolved.appended[0]).toMatchObject({
      kind: 'drift-resolved',
      resolution: 'in-sync',
      firstSeen: '2026-11-29T08:00:00Z',
      checkedAt: '2026-11-29T10:00:00Z',
      digest: changed.appended[0]?.digest,
      explanation: { kind: 'merged-not-applied' },
    });
    expect(resolved.appended[0]).not.toHaveProperty('diff');
    expect(resolved.seen.get('r2')).toEqual({ firstSeen: null, lastSeen: null });
    expect(quiet.appended).toEqual([]);
    expect(returned.appended[0]).toMatchObject({
      kind: 'drift-detected',
      firstSeen: '2026-11-29T12:00:00Z',
    });
    expect((await verifyEvidence(root, { now: new Date('2026-11-29T13:00:00Z') })).ok).toBe(true);
  });

  it('keeps an open drift open when the check fails, and resolves a drift an ignore rule now hides', async () => {
    const { root } = await repository();
    await run(root, '2026-11-29T08:00:00Z', [detected('r2', 'drifted', COST_EDIT)]);

    const failed = await run(root, '2026-11-29T09:00:00Z', [detected('r2', 'error')]);
    const ignored = await run(root, '2026-11-29T10:00:00Z', [detected('r2', 'ignored')]);

    expect(failed.appended).toEqual([]);
    expect(failed.seen.get('r2')).toEqual({ firstSeen: '2026-11-29T08:00:00Z', lastSeen: null });
    expect(ignored.appended[0]).toMatchObject({ kind: 'drift-resolved', resolution: 'ignored' });
  });

  it('tells a device and a stack of the same name apart', async () => {
    const { root } = await repository();
    const stack: DetectedTarget = { ...detected('edge', 'drifted', COST_EDIT), kind: 'terraform' };
    await run(root, '2026-11-29T08:00:00Z', [stack]);

    const device = await run(root, '2026-11-29T09:00:00Z', [detected('edge', 'drifted', COST_EDIT), stack]);

    expect(device.appended.map((record) => record.target)).toEqual([{ name: 'edge', kind: 'ansible' }]);
  });

  it('chains drift records after change records and redacts and caps their diffs', async () => {
    const { root, git } = await repository();
    await appendEvidence(root, evidenceDraft(), {
      remote: false,
      now: () => new Date('2026-11-29T07:00:00Z'),
    });
    const secret = 'Pl4nted-S3cret-Value';
    const huge = `-snmp-server community ${secret} RO\n${'+ description x\n'.repeat(MAX_DIFF_CHARACTERS / 8)}`;

    const result = await recordDrift({
      repositoryRoot: root,
      targets: [detected('r3', 'drifted', huge)],
      explanations: new Map(),
      checkedAt: new Date('2026-11-29T08:00:00Z'),
      commit: COMMIT,
      actor: ACTOR,
      append: {
        remote: false,
        redactor: createRedactor({ secretValues: [secret] }),
        now: () => new Date('2026-11-29T08:00:00Z'),
      },
    });

    const stored = await git.raw(['show', `${EVIDENCE_REF}:records/0000000002.json`]);
    expect(result.appended[0]).toMatchObject({ sequence: 2, diffTruncated: true });
    expect(stored).not.toContain(secret);
    expect(stored).toContain('[REDACTED]');
    expect(stored).toContain('more characters cut');
    expect(await verifyEvidence(root, { now: new Date('2026-11-29T09:00:00Z') })).toMatchObject({
      ok: true,
      checked: 2,
    });
  });
});
