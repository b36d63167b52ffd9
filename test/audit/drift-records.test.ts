import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendEvidence,
  type DriftEvidenceRecord,
  type EvidenceRecord,
  hashRecord,
} from '../../src/audit/index.js';
import { describeRecordProblem } from '../../src/audit/record-schema.js';
import type { DetectedTarget, DriftExplanation } from '../../src/drift/model.js';
import { parseCsv } from '../support/csv.js';
import { recordDriftRun } from '../support/drift-runs.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';
import { copyRepository, type EvidenceFiles, tamperByHand } from './tamper.js';

const repositories: TestRepository[] = [];
let repository: TestRepository;

const COST_EDIT = '--- running\n+++ intended\n-  ip ospf cost 50\n+  ip ospf cost 10\n';
const ROUTE_EDIT = `--- running\n+++ intended\n-ip route 0.0.0.0/0 10.0.0.9\n${'+ip prefix-list lab seq 5 permit any\n'.repeat(30)}`;
const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z'];

function detected(target: string, status: DetectedTarget['status'], diff = ''): DetectedTarget {
  return {
    target,
    kind: 'ansible',
    status,
    diff,
    digest: createHash('sha256').update(diff).digest('hex'),
    ignored: [],
    source: { playbook: 'playbooks/frr.yaml' },
  };
}

function driftRun(at: string, targets: DetectedTarget[], explanations: [string, DriftExplanation][] = []) {
  return recordDriftRun(repository.root, at, targets, explanations);
}

// The night of 2026-11-21/22 in the lab (America/Chicago, UTC-6): r1's drift from the day before
// is fixed, CHG-11 rolls back, someone edits r2 by hand at 2 AM, and r3 waits for a merged change.
beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
  });
  repositories.push(repository);
  await repository.commit('initial');
  await driftRun('2026-11-21T15:00:00Z', [detected('r1', 'drifted', COST_EDIT)]);
  await driftRun('2026-11-22T07:00:00Z', [detected('r1', 'in-sync')]);
  const base = evidenceDraft();
  await appendEvidence(
    repository.root,
    evidenceDraft({
      startedAt: '2026-11-22T07:30:00Z',
      finishedAt: '2026-11-22T07:50:00Z',
      outcome: 'rolled-back',
      proposal: { ...base.proposal, id: 'CHG-11' },
      verification: { status: 'failed', message: 'ospf neighbour r3 not Full' },
      rollback: { status: 'succeeded' },
    }),
    { remote: false, now: () => new Date('2026-11-22T07:50:00Z') },
  );
  await driftRun(
    '2026-11-22T08:00:00Z',
    [detected('r2', 'drifted', COST_EDIT), detected('r3', 'drifted', ROUTE_EDIT)],
    [
      [
        'r3',
        {
          kind: 'merged-not-applied',
          proposal: {
            id: 'CHG-14',
            file: 'changes/chg-14.yaml',
            title: 'Default route via r4',
            slot: { start: '2026-11-29T02:00:00-06:00', end: '2026-11-29T03:00:00-06:00' },
          },
        },
      ],
    ],
  );
  await driftRun('2026-11-22T09:00:00Z', [detected('r2', 'drifted', COST_EDIT)]);
});

afterAll(async () => {
  await Promise.all(repositories.map((created) => created.remove()));
});

describe('netchange digest: changed outside netchange', () => {
  it('lists drift right after the failures, with first seen in local time and UTC and the explanation', async () => {
    const result = await runCli(['digest', ...NIGHT], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    const text = result.stdout;
    expect(text).toContain(
      '1 change: 1 rolled back, 0 succeeded; changed outside netchange: 2 detected, 1 resolved',
    );
    const failures = text.indexOf('== Failed, rolled back and interrupted (1) ==');
    const outside = text.indexOf('== Changed outside netchange (3) ==');
    expect(failures).toBeGreaterThan(0);
    expect(outside).toBeGreaterThan(failures);
    expect(text.indexOf('RESOLVED  r1 (ansible)')).toBeGreaterThan(outside);
    expect(text).toContain('first seen:     Sat 21 Nov 2026 09:00 CST (15:00Z)');
    expect(text).toContain('resolved:       back in sync, checked Sun 22 Nov 2026 01:00 CST (07:00Z)');
    expect(text).toContain('DRIFT  r2 (ansible) out-of-band');
    expect(text).toContain('first seen:     Sun 22 Nov 2026 02:00 CST (08:00Z)');
    expect(text).toContain('explanation:    out-of-band: no netchange change explains it');
    expect(text).toContain(
      'diff:           2 lines differ: 1 only in the running state, 1 only in the intended state',
    );
    expect(text).toContain('    -  ip ospf cost 50');
    expect(text).toContain(
      'explanation:    merged but not applied yet: CHG-14 Default route via r4 (changes/chg-14.yaml); slot Sun 29 Nov 2026 02:00–03:00 CST (08:00–09:00Z)',
    );
    expect(text).toContain('… 13 more lines in the evidence record (netchange audit export)');
    // why: the 09:00 run saw the same drift of r2 again and wrote nothing.
    expect(text.match(/DRIFT {2}r2/g)).toHaveLength(1);
  });

  it('renders the section in markdown, with the diff fenced', async () => {
    const result = await runCli(['digest', ...NIGHT, '--format', 'markdown'], { cwd: repository.root });

    const markdown = result.stdout;
    const failures = markdown.indexOf('### Failed, rolled back and interrupted (1)');
    const outside = markdown.indexOf('### Changed outside netchange (3)');
    expect(failures).toBeGreaterThan(0);
    expect(outside).toBeGreaterThan(failures);
    expect(markdown).toContain('#### DRIFT  r2 (ansible) out-of-band');
    expect(markdown).toContain('- **first seen:** Sun 22 Nov 2026 02:00 CST (08:00Z)');
    expect(markdown).toContain(
      '```diff\n--- running\n+++ intended\n-  ip ospf cost 50\n+  ip ospf cost 10\n```',
    );
  });

  it('gives the drift records as stored in JSON, and shows them to every team', async () => {
    const result = await runCli(['digest', ...NIGHT, '--team', 'plant-ops', '--format', 'json'], {
      cwd: repository.root,
    });

    const digest = JSON.parse(result.stdout);
    expect(digest.summary.changes).toBe(0);
    expect(
      digest.changedOutside.map((record: DriftEvidenceRecord) => [
        record.kind,
        record.target.name,
        record.firstSeen,
      ]),
    ).toEqual([
      ['drift-resolved', 'r1', '2026-11-21T15:00:00Z'],
      ['drift-detected', 'r2', '2026-11-22T08:00:00Z'],
      ['drift-detected', 'r3', '2026-11-22T08:00:00Z'],
    ]);
    for (const record of digest.changedOutside) expect(hashRecord(record)).toBe(record.hash);
  });
});

describe('netchange audit export with drift records', () => {
  it('exports change and drift records in chain order as JSON whose hashes verify', async () => {
    const result = await runCli(['audit', 'export', '--format', 'json', '--from', '2026-11-21T00:00:00Z'], {
      cwd: repository.root,
    });

    const exported = JSON.parse(result.stdout);
    expect(exported.records.map((record: { kind: string }) => record.kind)).toEqual([
      'drift-detected',
      'drift-resolved',
      'apply',
      'drift-detected',
      'drift-detected',
    ]);
    for (const record of exported.records) expect(hashRecord(record)).toBe(record.hash);
  });

  it('writes drift rows in CSV with the target columns filled and the proposal columns empty', async () => {
    const output = path.join(repository.root, 'export.csv');

    const result = await runCli(
      ['audit', 'export', '--from', '2026-11-22T08:00:00Z', '--format', 'csv', '--output', output],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    const [names = [], ...rows] = parseCsv(await readFile(output, 'utf8'));
    const cell = (row: string[], name: string) => row[names.indexOf(name)];
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => cell(row, 'target'))).toEqual(['r2', 'r3']);
    expect(cell(rows[1] ?? [], 'explanation')).toBe(
      'merged-not-applied CHG-14 slot 2026-11-29T02:00:00-06:00/2026-11-29T03:00:00-06:00',
    );
    expect(cell(rows[0] ?? [], 'first_seen')).toBe('2026-11-22T08:00:00Z');
    expect(cell(rows[0] ?? [], 'proposal_id')).toBe('');
    expect(cell(rows[0] ?? [], 'kind')).toBe('drift-detected');
  });
});

describe('netchange audit verify with drift records', () => {
  it('verifies a chain of change and drift records', async () => {
    const result = await runCli(['audit', 'verify'], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('evidence chain intact: 5 record(s)');
  });

  it.each([
    [
      'an explanation rewritten to hide an out-of-band change',
      (record: DriftEvidenceRecord) => {
        record.explanation = { kind: 'merged-not-applied' };
      },
    ],
    [
      'a first-seen time moved later',
      (record: DriftEvidenceRecord) => {
        record.firstSeen = '2026-11-22T10:00:00.000Z';
      },
    ],
  ])('finds %s', async (_name, change) => {
    const copy = await copyRepository(repository, repositories);
    await tamperByHand(copy.root, (files: EvidenceFiles) => {
      const file = 'records/0000000004.json';
      const record = JSON.parse(files.get(file) ?? '') as DriftEvidenceRecord & Partial<EvidenceRecord>;
      change(record);
      files.set(file, `${JSON.stringify(record)}\n`);
    });

    const result = await runCli(['audit', 'verify', '--no-fetch'], { cwd: copy.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/commit [0-9a-f]{12} changed record #4 \(records\/0000000004\.json\)/);
  });

  it('finds a drift record appended by hand after the last one', async () => {
    const copy = await copyRepository(repository, repositories);
    await tamperByHand(copy.root, (files: EvidenceFiles) => {
      const last = JSON.parse(files.get('records/0000000005.json') ?? '') as DriftEvidenceRecord;
      const forged = { ...last, sequence: 6, previousHash: last.hash, kind: 'drift-resolved' };
      files.set('records/0000000006.json', `${JSON.stringify({ ...forged, hash: hashRecord(forged) })}\n`);
    });

    const result = await runCli(['audit', 'verify', '--no-fetch'], { cwd: copy.root });

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('adds record #6 without announcing it');
  });
});

describe('the evidence record schema', () => {
  it('gives drift records their own shape: a target instead of a proposal, approvers and steps', async () => {
    const stored = JSON.parse(
      await repository.git.raw(['show', 'netchange-evidence:records/0000000004.json']),
    ) as DriftEvidenceRecord;
    const change = JSON.parse(
      await repository.git.raw(['show', 'netchange-evidence:records/0000000003.json']),
    ) as EvidenceRecord;
    const { target: _target, ...withoutTarget } = stored;

    expect(describeRecordProblem(stored)).toBeUndefined();
    expect(describeRecordProblem(change)).toBeUndefined();
    expect(describeRecordProblem({ ...stored, steps: [] })).toContain("('steps')");
    expect(describeRecordProblem(withoutTarget)).toContain("must have required property 'target'");
    expect(describeRecordProblem({ ...stored, explanation: { kind: 'someone-else' } })).toContain(
      'explanation.kind must be equal to one of the allowed values',
    );
    expect(describeRecordProblem({ ...change, firstSeen: stored.firstSeen })).toContain('unevaluated');
    expect(describeRecordProblem({ ...change, kind: 'drift-detected' })).toContain(
      'must have required property',
    );
  });
});
