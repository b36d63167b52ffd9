/**
 * Evidence at scale: `audit verify` and `digest` over 10,000 records (budget 1 s each).
 * The records are generated in memory and written with one `git fast-import` stream: once as one
 * commit per record (what appending produces; verify walks every commit), and once as a single commit
 * (which verify refuses as a rewrite, but the digest reads only the tip).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { chainRecord, recordPath, serialiseRecord } from '../src/audit/chain.js';
import {
  buildDigest,
  EVIDENCE_REF,
  type EvidenceRecord,
  loadEvidence,
  verifyEvidence,
} from '../src/audit/index.js';
import { renderDigestMarkdown } from '../src/reporters/digest/markdown.js';
import { evidenceDraft } from '../test/audit/drafts.js';
import { type BenchFigure, timeIt } from './harness.js';

const RECORDS = 10_000;
const NOW = new Date('2026-11-23T08:00:00Z');
const SPACING_MS = 15 * 60 * 1000;

function generateRecords(): EvidenceRecord[] {
  const records: EvidenceRecord[] = [];
  let tip: { sequence: number; hash: string } | undefined;
  const first = NOW.getTime() - RECORDS * SPACING_MS;
  for (let index = 0; index < RECORDS; index++) {
    const started = new Date(first + index * SPACING_MS);
    const finished = new Date(started.getTime() + 10 * 60 * 1000);
    const base = evidenceDraft();
    const record = chainRecord(
      evidenceDraft({
        proposal: { ...base.proposal, id: `CHG-${index + 1}` },
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        outcome: index % 50 === 0 ? 'failed' : 'succeeded',
        kind: index % 30 === 0 ? 'emergency' : 'apply',
      }),
      tip,
      finished,
    );
    records.push(record);
    tip = { sequence: record.sequence, hash: record.hash };
  }
  return records;
}

function trailers(record: EvidenceRecord): string {
  return `evidence #${record.sequence}\n\nEvidence-Sequence: ${record.sequence}\nEvidence-Hash: ${record.hash}\n`;
}

/** A fast-import stream: one commit holding every record, or one commit per record. */
function importStream(records: readonly EvidenceRecord[], commitPerRecord: boolean): string {
  const parts: string[] = [];
  const commit = (mark: number, message: string, files: readonly EvidenceRecord[]) => {
    const body = Buffer.byteLength(message);
    parts.push(
      `commit ${EVIDENCE_REF}\nmark :${mark}\ncommitter netchange <netchange@example.invalid> 1763884800 +0000\ndata ${body}\n${message}\n`,
    );
    for (const record of files) {
      const content = serialiseRecord(record);
      parts.push(
        `M 100644 inline ${recordPath(record.sequence)}\ndata ${Buffer.byteLength(content)}\n${content}\n`,
      );
    }
  };
  if (commitPerRecord) {
    for (const [index, record] of records.entries()) commit(index + 1, trailers(record), [record]);
  } else {
    commit(1, trailers(records.at(-1) as EvidenceRecord), records);
  }
  return parts.join('');
}

async function repositoryWith(records: readonly EvidenceRecord[], commitPerRecord: boolean): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-audit-'));
  await execa('git', ['init', '--quiet', '--initial-branch=main', root]);
  await execa('git', ['fast-import', '--quiet'], {
    cwd: root,
    input: importStream(records, commitPerRecord),
  });
  return root;
}

/**
 * Five runs: the best is the figure (the machine is shared with other test suites, and a busy moment
 * says nothing about netchange); the median is printed beside it.
 */
async function bestOf(run: () => Promise<number>): Promise<{ value: number; comparison: string }> {
  const runs: number[] = [];
  for (let index = 0; index < 5; index++) runs.push(await run());
  runs.sort((a, b) => a - b);
  return {
    value: runs[0] as number,
    comparison: `best of 5; median ${Math.round(runs[2] as number)} ms, first (cold) run included`,
  };
}

export default async function benchAudit(): Promise<BenchFigure[]> {
  const records = generateRecords();
  const figures: BenchFigure[] = [];
  for (const commitPerRecord of [true, false]) {
    const root = await repositoryWith(records, commitPerRecord);
    const layout = commitPerRecord ? 'one commit per record' : 'one commit';
    try {
      if (!commitPerRecord) {
        figures.push(...(await benchDigest(root)));
        continue;
      }
      let checked = 0;
      const verify = await bestOf(() =>
        timeIt(async () => {
          const result = await verifyEvidence(root, { now: NOW });
          if (!result.ok) throw new Error(`bench chain does not verify: ${result.firstProblem?.message}`);
          checked = result.checked;
        }),
      );
      figures.push({
        name: `audit verify ${checked.toLocaleString('en-US')} records (${layout})`,
        unit: 'ms',
        budget: 1000,
        ...verify,
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }
  return figures;
}

async function benchDigest(root: string): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  for (const [label, hours] of [
    ['12h', 12],
    ['7d', 7 * 24],
  ] as const) {
    let length = 0;
    const digest = await bestOf(() =>
      timeIt(async () => {
        const since = new Date(NOW.getTime() - hours * 3_600_000);
        const loaded = await loadEvidence(root, { since, until: NOW });
        const built = buildDigest(loaded.records, { since, until: NOW }, loaded.unreadable);
        length = renderDigestMarkdown(built).length;
      }),
    );
    if (length === 0) throw new Error('empty digest');
    figures.push({
      name: `digest --since ${label} over ${RECORDS.toLocaleString('en-US')} records (markdown)`,
      unit: 'ms',
      budget: 1000,
      ...digest,
    });
  }
  return figures;
}
