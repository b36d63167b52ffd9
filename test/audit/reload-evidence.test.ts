import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedEvidence, loadEvidence, reloadEvidence } from '../../src/audit/index.js';
import type { DetectedTarget } from '../../src/drift/model.js';
import { recordDrift } from '../../src/drift/record.js';
import { createRepository, type TestRepository } from '../support/repository.js';

let repository: TestRepository;

function drifted(target: string): DetectedTarget {
  return {
    target,
    kind: 'ansible',
    status: 'drifted',
    diff: `-hostname ${target}-edited\n+hostname ${target}\n`,
    digest: createHash('sha256').update(target).digest('hex'),
    ignored: [],
    source: { playbook: 'playbooks/frr.yaml' },
  };
}

async function recordDriftOf(target: string, at: string): Promise<void> {
  await recordDrift({
    repositoryRoot: repository.root,
    targets: [drifted(target)],
    explanations: new Map(),
    checkedAt: new Date(at),
    commit: 'd'.repeat(40),
    actor: { name: 'github-actions', kind: 'automation' },
    append: { remote: false, now: () => new Date(at) },
  });
}

function targetsOf(evidence: LoadedEvidence): string[] {
  return evidence.drift.map((record) => record.target.name);
}

beforeAll(async () => {
  repository = await createRepository({ 'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\n' });
  await repository.commit('initial');
  await recordDriftOf('r1', '2026-11-21T08:00:00Z');
});
afterAll(() => repository?.remove());

describe('reloadEvidence: a read started early (while a drift check runs), checked against the chain after it', () => {
  it('reuses the earlier read while the chain has not moved', async () => {
    const earlier = loadEvidence(repository.root);

    const now = await reloadEvidence(repository.root, earlier);

    expect(now).toBe(await earlier);
    expect(targetsOf(now)).toEqual(['r1']);
  });

  it('reads the chain again when a record was appended since', async () => {
    const earlier = loadEvidence(repository.root);
    await earlier;
    await recordDriftOf('r2', '2026-11-21T09:00:00Z');

    const now = await reloadEvidence(repository.root, earlier);

    expect(targetsOf(await earlier)).toEqual(['r1']);
    expect(targetsOf(now)).toEqual(['r1', 'r2']);
    expect(now.tip).not.toBe((await earlier).tip);
  });

  it('reads the chain when the earlier read failed', async () => {
    const now = await reloadEvidence(repository.root, Promise.reject(new Error('git was interrupted')));

    expect(targetsOf(now)).toEqual(['r1', 'r2']);
  });
});
