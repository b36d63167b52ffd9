import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence, type EvidenceDraft } from '../../src/audit/index.js';
import { explainDrift, limitReaches } from '../../src/drift/attribute.js';
import type { DetectedTarget } from '../../src/drift/model.js';
import { evidenceDraft } from '../audit/drafts.js';
import { createRepository, type TestRepository } from '../support/repository.js';

/** A lab proposal: an FRR change on `devices` (or reached through a step's limit), or a Terraform stack. */
function proposal(
  id: string,
  options: { devices?: string[]; limit?: string; stack?: string; schedule?: string } = {},
): string {
  const step = options.stack
    ? `  - terraform: {dir: ${options.stack.split('@')[0]}, workspace: ${options.stack.split('@')[1] ?? 'default'}}`
    : `  - ansible: {playbook: playbooks/frr.yaml, inventory: inventory/lab.yaml${options.limit ? `, limit: "${options.limit}"` : ''}}`;
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: ${id} for the lab
requester: {team: partner-noc, github: dana}
type: normal
domain: routing
risk: low
targets: {sites: [lab], devices: [${(options.devices ?? []).join(', ')}]}
schedule:
${options.schedule ?? '  start: "2026-12-06T02:00:00-06:00"\n  end: "2026-12-06T03:00:00-06:00"'}
  timezone: America/Chicago
execution:
${step}
`;
}

function drifted(target: string, kind: DetectedTarget['kind'] = 'ansible'): DetectedTarget {
  const diff = `-  ip ospf cost 50\n+  ip ospf cost 10\n`;
  return {
    target,
    kind,
    status: 'drifted',
    diff,
    digest: createHash('sha256').update(diff).digest('hex'),
    ignored: [],
    source: { playbook: 'playbooks/frr.yaml' },
  };
}

let repository: TestRepository;
let unmergedCommit: string;
let unmergedSequence: number;

/** An apply record of `file` as it was at `commit`. */
async function applied(commit: string, file: string, overrides: Partial<EvidenceDraft> = {}) {
  const blob = (await repository.git.revparse([`${commit}:${file}`])).trim();
  const id = /chg-(\d+)/.exec(file)?.[1] ?? '0';
  const base = evidenceDraft();
  return appendEvidence(
    repository.root,
    {
      ...base,
      proposal: { ...base.proposal, id: `CHG-${id}`, file, blob, targets: {} },
      commit,
      ...overrides,
    },
    { remote: false, now: () => new Date('2026-11-30T08:00:00Z') },
  );
}

// The lab's history: what is merged on main, what was applied from where.
beforeAll(async () => {
  repository = await createRepository({
    'changes/chg-1.yaml': proposal('CHG-1', { devices: ['r1'] }),
    'changes/chg-2.yaml': proposal('CHG-2', { devices: ['r3'] }),
    'changes/chg-4.yaml': proposal('CHG-4', { stack: 'terraform/sdwan@prod' }),
    'changes/chg-6.yaml': proposal('CHG-6', {
      limit: 'r6*:!r6-spare',
      schedule: '  start: "2026-12-07T01:00"\n  duration: PT90M',
    }),
  });
  const first = await repository.commit('lab proposals');
  await applied(first, 'changes/chg-1.yaml');
  await applied(first, 'changes/chg-6.yaml', { outcome: 'rolled-back' });

  // CHG-3 is applied from its pull request's branch before it merged (it never does here).
  await repository.git.checkoutLocalBranch('chg-3');
  await repository.write({ 'changes/chg-3.yaml': proposal('CHG-3', { limit: 'r2' }) });
  unmergedCommit = await repository.commit('CHG-3');
  unmergedSequence = (
    await applied(unmergedCommit, 'changes/chg-3.yaml', {
      pullRequest: { number: 31, url: 'https://github.com/acme/lab/pull/31' },
    })
  ).sequence;

  // CHG-5 is applied from its branch, then squash-merged: main gets the same file in another commit.
  await repository.git.checkout(['-q', 'main']);
  await repository.git.checkoutLocalBranch('chg-5');
  await repository.write({ 'changes/chg-5.yaml': proposal('CHG-5', { devices: ['r5'] }) });
  await applied(await repository.commit('CHG-5'), 'changes/chg-5.yaml');
  await repository.git.checkout(['-q', 'main']);
  await repository.write({ 'changes/chg-5.yaml': proposal('CHG-5', { devices: ['r5'] }) });
  await repository.commit('CHG-5 (squashed)');

  // CHG-7 was applied to r7 from a branch, and later CHG-8 from main: the last change came from main.
  await repository.git.checkoutLocalBranch('chg-7');
  await repository.write({ 'changes/chg-7.yaml': proposal('CHG-7', { devices: ['r7'] }) });
  await applied(await repository.commit('CHG-7'), 'changes/chg-7.yaml');
  await repository.git.checkout(['-q', 'main']);
  await repository.write({ 'changes/chg-8.yaml': proposal('CHG-8', { devices: ['r7'] }) });
  await applied(await repository.commit('CHG-8'), 'changes/chg-8.yaml');
});

afterAll(async () => {
  await repository.remove();
});

describe('explainDrift', () => {
  it('explains each drifted target from the evidence and the proposals on the default branch', async () => {
    const targets = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6-a', 'r6-spare', 'r7'].map((name) => drifted(name));

    const explanations = await explainDrift({
      repositoryRoot: repository.root,
      defaultBranch: 'main',
      targets: [
        ...targets,
        drifted('terraform/sdwan@prod', 'terraform'),
        { ...drifted('r9'), status: 'in-sync' },
      ],
    });

    expect(
      Object.fromEntries([...explanations].map(([target, explanation]) => [target, explanation.kind])),
    ).toEqual({
      r1: 'out-of-band',
      r2: 'applied-not-merged',
      r3: 'merged-not-applied',
      r4: 'out-of-band',
      r5: 'out-of-band',
      'r6-a': 'merged-not-applied',
      'r6-spare': 'out-of-band',
      r7: 'out-of-band',
      'terraform/sdwan@prod': 'merged-not-applied',
    });
  });

  it('names the proposal and the evidence record of a change applied from an unmerged pull request', async () => {
    const explanations = await explainDrift({
      repositoryRoot: repository.root,
      defaultBranch: 'main',
      targets: [drifted('r2')],
    });

    expect(explanations.get('r2')).toEqual({
      kind: 'applied-not-merged',
      proposal: { id: 'CHG-3', file: 'changes/chg-3.yaml', title: 'Add VLAN 40 for packaging line 3' },
      evidence: {
        sequence: unmergedSequence,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
        commit: unmergedCommit,
        pullRequest: 31,
      },
    });
  });

  it('names a merged, unapplied proposal with its slot, resolving a duration to its end', async () => {
    const explanations = await explainDrift({
      repositoryRoot: repository.root,
      defaultBranch: 'main',
      targets: [drifted('r3'), drifted('r6-a')],
    });

    expect(explanations.get('r3')).toEqual({
      kind: 'merged-not-applied',
      proposal: {
        id: 'CHG-2',
        file: 'changes/chg-2.yaml',
        title: 'CHG-2 for the lab',
        slot: { start: '2026-12-06T08:00:00Z', end: '2026-12-06T09:00:00Z' },
      },
    });
    expect(explanations.get('r6-a')?.proposal?.slot).toEqual({
      start: '2026-12-07T07:00:00Z',
      end: '2026-12-07T08:30:00Z',
    });
  });

  it('reads the branch it is given: on the pull request branch, CHG-3 is merged', async () => {
    const explanations = await explainDrift({
      repositoryRoot: repository.root,
      defaultBranch: 'chg-3',
      targets: [drifted('r2')],
    });

    expect(explanations.get('r2')).toEqual({ kind: 'out-of-band' });
  });

  it('refuses a default branch that does not exist, as a usage error', async () => {
    await expect(
      explainDrift({ repositoryRoot: repository.root, defaultBranch: 'trunk', targets: [drifted('r1')] }),
    ).rejects.toMatchObject({ code: 'E_USAGE', message: expect.stringContaining("'trunk' does not exist") });
  });
});

describe('limitReaches', () => {
  it.each([
    ['r2', 'r2', true],
    ['r1:r2', 'r2', true],
    ['r1,r3', 'r2', false],
    ['r*:!r2', 'r2', false],
    ['r*:&r2', 'r2', true],
    ['~^r[0-9]$', 'r2', true],
    ['all', 'r2', true],
    ['routers', 'r2', false],
  ])('limit %s reaches %s: %s', (limit, host, expected) => {
    expect(limitReaches(limit, host)).toBe(expected);
  });
});
