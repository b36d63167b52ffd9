import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chainRecord, serialiseRecord } from '../../src/audit/chain.js';
import type { ChainProblemKind, EvidenceRecord } from '../../src/audit/index.js';
import {
  appendEvidence,
  EVIDENCE_REF,
  hashRecord,
  loadEvidence,
  readEvidence,
  verifyEvidence,
} from '../../src/audit/index.js';
import { createRedactor } from '../../src/redact/index.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';
import { copyRepository, type EvidenceFiles, rebuildHistory, tamperByHand } from './tamper.js';

const repositories: TestRepository[] = [];
let template: TestRepository;

// why: appending is the slow part; each test gets a copy of one repository built once.
beforeAll(async () => {
  template = await createRepository({ 'changes/chg-1.yaml': 'id: CHG-1\n' });
  await template.commit('initial');
  await appendEvidence(template.root, evidenceDraft());
  await appendEvidence(
    template.root,
    evidenceDraft({ outcome: 'failed', proposal: { id: 'CHG-2', file: 'changes/chg-2.yaml', blob: null } }),
  );
  await appendEvidence(
    template.root,
    evidenceDraft({ proposal: { id: 'CHG-3', file: 'changes/chg-3.yaml', blob: null } }),
  );
});

afterAll(async () => {
  await template.remove();
});

afterEach(async () => {
  await Promise.all(repositories.splice(0).map((repository) => repository.remove()));
});

/** A repository with one commit on main and three evidence records (#2 failed): a copy of the template. */
async function repositoryWithEvidence(): Promise<TestRepository> {
  return copyRepository(template, repositories);
}

function rewrite(
  files: EvidenceFiles,
  file: string,
  change: (record: EvidenceRecord) => void,
  rehash: boolean,
): void {
  const record = JSON.parse(files.get(file) ?? '') as EvidenceRecord;
  change(record);
  if (rehash) record.hash = hashRecord(record);
  files.set(file, `${JSON.stringify(record)}\n`);
}

/**
 * The auditor's edit: a first `finishedAt` of 2001 before the real one. JSON.parse keeps the last
 * duplicate, so the parsed record (and its hash) stay the same while the text says another time.
 */
function withDuplicateFinishedAt(text: string): string {
  const edited = text.replace(/^\{"actor"/, '{"finishedAt":"2001-01-01T00:00:00Z","actor"');
  if (edited === text) throw new Error('the record does not start with "actor": the test no longer edits it');
  return edited;
}

const R1 = 'records/0000000001.json';
const R2 = 'records/0000000002.json';
const R3 = 'records/0000000003.json';

describe('evidence chain', () => {
  it('appends records in order, each linked to the previous one, without touching the branch or the index', async () => {
    const repository = await repositoryWithEvidence();

    const records = await readEvidence(repository.root);
    const verdict = await verifyEvidence(repository.root);

    expect(records.map((record) => [record.sequence, record.proposal.id])).toEqual([
      [1, 'CHG-1'],
      [2, 'CHG-2'],
      [3, 'CHG-3'],
    ]);
    expect(records[0]?.previousHash).toBeNull();
    expect(records[1]?.previousHash).toBe(records[0]?.hash);
    expect(records[2]?.previousHash).toBe(records[1]?.hash);
    expect(verdict).toEqual({
      ok: true,
      checked: 3,
      last: { sequence: 3, hash: records[2]?.hash },
      openChanges: [],
    });
    expect((await repository.git.raw(['status', '--porcelain'])).trim()).toBe('');
    expect((await repository.git.raw(['log', '--format=%s', 'main'])).trim()).toBe('initial');
  });

  const tampering: [string, (files: EvidenceFiles) => void, number, ChainProblemKind][] = [
    [
      'a record edited by hand',
      (files: EvidenceFiles) =>
        rewrite(
          files,
          R2,
          (record) => {
            record.outcome = 'succeeded';
          },
          false,
        ),
      2,
      'changed',
    ],
    [
      'a record edited with its hash recomputed',
      (files: EvidenceFiles) =>
        rewrite(
          files,
          R2,
          (record) => {
            record.approvers = [{ user: 'mallory' }];
          },
          true,
        ),
      2,
      'changed',
    ],
    ['a record deleted', (files: EvidenceFiles) => void files.delete(R2), 2, 'removed'],
    [
      'two records swapped',
      (files: EvidenceFiles) => {
        const second = files.get(R2) ?? '';
        files.set(R2, files.get(R3) ?? '');
        files.set(R3, second);
      },
      2,
      'reordered',
    ],
    [
      'two records swapped, renumbered and re-hashed',
      (files: EvidenceFiles) => {
        const second = files.get(R2) ?? '';
        files.set(R2, files.get(R3) ?? '');
        files.set(R3, second);
        rewrite(
          files,
          R2,
          (record) => {
            record.sequence = 2;
          },
          true,
        );
        rewrite(
          files,
          R3,
          (record) => {
            record.sequence = 3;
          },
          true,
        );
      },
      2,
      'changed',
    ],
    [
      'a record that is not JSON',
      (files: EvidenceFiles) => void files.set(R2, '{"schemaVersion": 1, "sequence": 2,'),
      2,
      'corrupt',
    ],
    [
      'a record given a duplicate key that JSON.parse drops (an earlier finishedAt first)',
      (files: EvidenceFiles) => void files.set(R2, withDuplicateFinishedAt(files.get(R2) ?? '')),
      2,
      'changed',
    ],
    [
      'a record re-encoded with an escape for the same character',
      (files: EvidenceFiles) =>
        void files.set(R2, (files.get(R2) ?? '').replace('"outcome":"failed"', '"outcome":"f\\u0061iled"')),
      2,
      'changed',
    ],
    [
      'a record re-formatted with whitespace',
      (files: EvidenceFiles) =>
        void files.set(R2, `${JSON.stringify(JSON.parse(files.get(R2) ?? ''), null, 2)}\n`),
      2,
      'changed',
    ],
    [
      'a record missing fields',
      (files: EvidenceFiles) => void files.set(R1, '{"schemaVersion": 1}\n'),
      1,
      'corrupt',
    ],
  ];

  it.each(tampering)(
    'catches %s in a fast-forward commit, naming the commit and the record',
    async (_case, edit, sequence) => {
      const repository = await repositoryWithEvidence();
      const commit = await tamperByHand(repository.root, edit);

      const verdict = await verifyEvidence(repository.root);

      expect(verdict.ok).toBe(false);
      expect(verdict.firstProblem).toMatchObject({ sequence, problem: 'rewritten', commit });
      expect(verdict.firstProblem?.message).toContain(`commit ${commit.slice(0, 12)}`);
      expect(verdict.firstProblem?.message).toContain(`#${sequence}`);
    },
  );

  // why: a history rebuilt one record per commit, copying netchange's trailers, passes the commit
  // walk; the records themselves must then give the forgery away.
  it.each(tampering)(
    'catches %s in a rebuilt history and names the record',
    async (_case, edit, sequence, problem) => {
      const repository = await repositoryWithEvidence();
      await rebuildHistory(repository.root, edit, { trailers: 'original' });

      const verdict = await verifyEvidence(repository.root);

      expect(verdict.ok).toBe(false);
      expect(verdict.firstProblem).toMatchObject({ sequence, problem });
      expect(verdict.firstProblem?.message).toContain(`#${sequence}`);
    },
  );

  describe('a fast-forward commit that appends a valid record #4 and gives record #2 a duplicate key', () => {
    /** The auditor's push: record #4 chained and announced as netchange would, and record #2 edited. */
    async function appendAndEdit(repository: TestRepository): Promise<string> {
      const third = (await readEvidence(repository.root))[2];
      if (!third) throw new Error('the template holds three records');
      const fourth = chainRecord(
        evidenceDraft({ proposal: { id: 'CHG-4', file: 'changes/chg-4.yaml', blob: null } }),
        { sequence: 3, hash: third.hash },
        new Date('2026-11-22T09:00:00Z'),
      );
      return tamperByHand(
        repository.root,
        (files) => {
          files.set(R2, withDuplicateFinishedAt(files.get(R2) ?? ''));
          files.set('records/0000000004.json', serialiseRecord(fourth));
        },
        { announce: { sequence: 4, hash: fourth.hash } },
      );
    }

    it('audit verify names that commit and record #2', async () => {
      const repository = await repositoryWithEvidence();
      const commit = await appendAndEdit(repository);

      const verdict = await verifyEvidence(repository.root);

      expect(verdict.ok).toBe(false);
      expect(verdict.firstProblem).toMatchObject({ sequence: 2, problem: 'rewritten', commit });
      expect(verdict.firstProblem?.message).toContain(
        `commit ${commit.slice(0, 12)} changed record #2 (${R2}): evidence commits may only add the next record`,
      );
    });

    it('digest and audit export --from still show record #2, finished when its parsed record says', async () => {
      const repository = await repositoryWithEvidence();
      await appendAndEdit(repository);
      const period = ['--since', '2026-11-22T00:00:00Z', '--until', '2026-11-23T00:00:00Z'];

      const loaded = await loadEvidence(repository.root, { since: new Date('2026-11-22T00:00:00Z') });
      const digest = await runCli(['digest', '--no-fetch', '--format', 'json', ...period], {
        cwd: repository.root,
      });
      const exported = await runCli(
        ['audit', 'export', '--no-fetch', '--format', 'json', '--from', '2026-11-22T00:00:00Z'],
        { cwd: repository.root },
      );

      expect(loaded.records.map((record) => record.sequence)).toEqual([1, 2, 3, 4]);
      expect(digest.exitCode, digest.stderr).toBe(0);
      expect(JSON.stringify(JSON.parse(digest.stdout).attention)).toContain('"CHG-2"');
      expect(exported.exitCode, exported.stderr).toBe(0);
      expect(
        (JSON.parse(exported.stdout).records as EvidenceRecord[]).map((record) => record.sequence),
      ).toEqual([1, 2, 3, 4]);
    });
  });

  it('catches a record stamped in the future', async () => {
    const repository = await repositoryWithEvidence();
    await appendEvidence(
      repository.root,
      evidenceDraft({ startedAt: '2031-01-01T00:00:00Z', finishedAt: '2031-01-01T00:05:00Z' }),
    );

    const verdict = await verifyEvidence(repository.root);

    expect(verdict.firstProblem).toMatchObject({ sequence: 4, problem: 'future-timestamp' });
    expect(verdict.firstProblem?.message).toMatch(
      /^record #4 has startedAt Tue 31 Dec 2030 18:00 CST \(1 Jan 00:00Z\), later than now \(\w{3} \d{1,2} \w{3} \d{4} \d\d:\d\d C[SD]T \(/,
    );
    expect(verdict.checked).toBe(3);
  });

  it('audit verify exits 0 on an intact chain and 1 naming the first changed record', async () => {
    const repository = await repositoryWithEvidence();

    const intact = await runCli(['audit', 'verify'], { cwd: repository.root });
    await tamperByHand(repository.root, (files) =>
      rewrite(
        files,
        R2,
        (record) => {
          record.outcome = 'succeeded';
        },
        false,
      ),
    );
    const broken = await runCli(['audit', 'verify', '--repo', repository.root, '--no-fetch'], { cwd: '/' });

    expect(intact.exitCode).toBe(0);
    expect(intact.stdout).toContain('evidence chain intact: 3 record(s)');
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toMatch(/commit [0-9a-f]{12} changed record #2 \(records\/0000000002\.json\)/);
  });

  it('audit export names a record it cannot read instead of leaving it out in silence', async () => {
    const repository = await repositoryWithEvidence();
    await tamperByHand(repository.root, (files) => void files.set(R2, '{"schemaVersion": 1, "sequence": 2,'));

    const exported = await runCli(['audit', 'export', '--format', 'json', '--no-fetch'], {
      cwd: repository.root,
    });

    expect(exported.exitCode, exported.stderr).toBe(0);
    expect(JSON.parse(exported.stdout).records).toHaveLength(2);
    expect(exported.stderr).toContain(
      `1 evidence record(s) could not be read and are not in the export: ${R2}; run \`netchange audit verify\``,
    );
  });

  it('audit verify says plainly when nothing was recorded yet', async () => {
    const repository = await createRepository();
    repositories.push(repository);
    await repository.commit('initial');

    const result = await runCli(['audit', 'verify'], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('no evidence recorded yet');
  });

  it('redacts secrets in arguments and diffs before recording them', async () => {
    const repository = await createRepository();
    repositories.push(repository);
    const secret = 'Pl4nted-S3cret-Value';
    const redactor = createRedactor({ secretValues: [secret] });
    const draft = evidenceDraft();
    draft.steps[0] = {
      ...draft.steps[0]!,
      argv: ['ansible-playbook', '-e', `snmp=${secret}`],
      diff: `+snmp-server community ${secret} RO\n`,
    };

    await appendEvidence(repository.root, draft, { redactor });

    const stored = await repository.git.raw(['show', `${EVIDENCE_REF}:records/0000000001.json`]);
    expect(stored).not.toContain(secret);
    expect(stored).toContain('[REDACTED]');
    expect((await verifyEvidence(repository.root)).ok).toBe(true);
  });
});
