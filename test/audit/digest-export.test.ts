import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence, type EvidenceDraft, hashRecord } from '../../src/audit/index.js';
import { parseCsv } from '../support/csv.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { evidenceDraft } from './drafts.js';

let repository: TestRepository;

function change(
  id: string,
  startedAt: string,
  finishedAt: string,
  overrides: Partial<EvidenceDraft> = {},
): EvidenceDraft {
  const base = evidenceDraft();
  return evidenceDraft({
    startedAt,
    finishedAt,
    ...overrides,
    proposal: { ...base.proposal, id, file: `changes/${id.toLowerCase()}.yaml`, ...overrides.proposal },
  });
}

// The night of 2026-11-21/22 at plant A (America/Chicago, UTC-6), appended in the order the runs finished.
beforeAll(async () => {
  repository = await createRepository({ 'README.md': 'network\n' });
  await repository.commit('initial');
  const night: EvidenceDraft[] = [
    change('CHG-9', '2026-11-20T08:00:00Z', '2026-11-20T08:05:00Z'),
    change('CHG-10', '2026-11-22T07:00:00Z', '2026-11-22T07:10:00Z', {
      proposal: {
        id: 'CHG-10',
        file: 'x',
        blob: null,
        title: 'Port descriptions',
        timezone: 'America/Chicago',
      },
    }),
    change('CHG-11', '2026-11-22T08:00:00Z', '2026-11-22T08:20:00Z', {
      outcome: 'rolled-back',
      verification: { status: 'failed', message: 'VLAN 40 not in the trunk' },
      rollback: { status: 'succeeded' },
    }),
    change('CHG-12', '2026-11-22T09:00:00Z', '2026-11-22T09:15:00Z', {
      kind: 'emergency',
      proposal: {
        id: 'CHG-12',
        file: 'changes/chg-12.yaml',
        blob: null,
        type: 'emergency',
        incident: 'INC-0042',
        timezone: 'America/Chicago',
      },
      window: { status: 'bypassed', windows: ['plant-a-production'] },
      retrospectiveDue: '2026-11-24T09:15:00Z',
      pullRequest: null,
    }),
    change('CHG-13', '2026-11-22T06:00:00Z', '2026-11-22T10:00:00Z', {
      outcome: 'failed',
      requester: { team: 'plant-ops', github: 'frank' },
      steps: [
        {
          name: 'terraform/sdwan',
          tool: 'terraform',
          argv: ['terraform', 'apply'],
          exitCode: 1,
          status: 'failed',
          diffSummary: '1 to change',
        },
      ],
      verification: { status: 'not-run' },
      rollback: { status: 'failed', message: 'no rollback defined' },
    }),
  ];
  for (const draft of night) await appendEvidence(repository.root, draft);
});

afterAll(async () => {
  await repository.remove();
});

const NIGHT = ['--since', '2026-11-21T20:00:00Z', '--until', '2026-11-22T14:00:00Z'];

describe('netchange digest', () => {
  it('tells the night in text: failures first, then emergencies with their retrospective, then the rest', async () => {
    const result = await runCli(['digest', ...NIGHT], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    const text = result.stdout;
    expect(text).toContain('4 changes: 1 failed, 1 rolled back, 1 emergency, 2 succeeded');
    const order = ['CHG-13', 'CHG-11', 'CHG-12', 'CHG-10'].map((id) => text.indexOf(`  ${id}`));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).not.toContain('CHG-9');
    expect(text).toContain('ROLLED BACK  CHG-11');
    expect(text).toContain('02:00–02:20 CST (08:00–08:20Z)');
    expect(text).toContain('verification failed (VLAN 40 not in the trunk); rollback succeeded');
    expect(text).toContain('retrospective due: Tue 24 Nov 2026 03:15 CST (09:15Z)');
    expect(text).toContain('window:            bypassed (emergency): plant-a-production');
    expect(text).toContain('approvals:    alice (netops) at Sat 21 Nov 2026 14:00 CST (20:00Z)');
    expect(text).toContain('pull request: https://github.com/acme/network/pull/12');
    expect(text).toContain('step terraform/sdwan exited 1');
    expect(text).toContain('diff:         playbooks/vlans.yaml: 1 host changed, 1 file');
  });

  it('renders the same story as markdown with links to the pull requests', async () => {
    const result = await runCli(['digest', ...NIGHT, '--format', 'markdown'], { cwd: repository.root });

    const markdown = result.stdout;
    const sections = [
      '### Failed, rolled back and interrupted (2)',
      '### Emergency changes and window overrides (1)',
      '### Other changes (1)',
    ].map((heading) => markdown.indexOf(heading));
    expect(sections.every((position) => position > 0)).toBe(true);
    expect([...sections].sort((a, b) => a - b)).toEqual(sections);
    expect(markdown).toContain(
      '#### ROLLED BACK  CHG-11 Add VLAN 40 for packaging line 3 ([#12](https://github.com/acme/network/pull/12))',
    );
    expect(markdown).toContain('- **pull request:** [#12](https://github.com/acme/network/pull/12)');
    expect(markdown).toContain('- **retrospective due:** Tue 24 Nov 2026 03:15 CST (09:15Z)');
    expect(markdown).toContain('- **incident:** INC-0042');
  });

  it('filters by team and counts in JSON', async () => {
    const result = await runCli(['digest', ...NIGHT, '--team', 'plant-ops', '--format', 'json'], {
      cwd: repository.root,
    });

    const digest = JSON.parse(result.stdout);
    expect(digest.summary).toEqual({
      changes: 1,
      failed: 1,
      rolledBack: 0,
      interrupted: 0,
      emergency: 0,
      succeeded: 0,
    });
    expect(digest.attention.map((record: { proposal: { id: string } }) => record.proposal.id)).toEqual([
      'CHG-13',
    ]);
  });

  it('says plainly when nothing changed in the period', async () => {
    const result = await runCli(
      ['digest', '--since', '2026-11-01T00:00:00Z', '--until', '2026-11-02T00:00:00Z'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'No changes were recorded between Sun 1 Nov 2026 00:00 UTC and Mon 2 Nov 2026 00:00 UTC.',
    );
  });

  it('rejects a --since that is neither a duration nor an instant', async () => {
    const result = await runCli(['digest', '--since', 'yesterday'], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--since 'yesterday' is not a duration or an RFC 3339 instant");
  });
});

describe('netchange audit export', () => {
  it('writes RFC 4180 CSV a spreadsheet reads back field for field', async () => {
    const tricky = change('CHG-20', '2026-11-22T11:00:00Z', '2026-11-22T11:30:00Z', {
      proposal: {
        id: 'CHG-20',
        file: 'changes/chg-20.yaml',
        blob: null,
        title: 'Trunk "uplink", line 3\nand the =SUM(A1) port',
      },
    });
    await appendEvidence(repository.root, tricky);
    const output = path.join(repository.root, 'export.csv');

    const result = await runCli(
      [
        'audit',
        'export',
        '--from',
        '2026-11-22T11:00:00Z',
        '--to',
        '2026-11-23T00:00:00Z',
        '--format',
        'csv',
        '--output',
        output,
      ],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    const text = await readFile(output, 'utf8');
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(2);
    const header = rows[0] ?? [];
    const row = Object.fromEntries(header.map((name, index) => [name, rows[1]?.[index]]));
    expect(row.proposal_id).toBe('CHG-20');
    expect(row.proposal_title).toBe('Trunk "uplink", line 3\nand the =SUM(A1) port');
    expect(row.approvers).toBe('alice (netops) 2026-11-21T20:00:00Z');
    expect(row.pull_request).toBe('https://github.com/acme/network/pull/12');
    expect(text).toContain('"Trunk ""uplink"", line 3\nand the =SUM(A1) port"');
  });

  it('exports JSON records whose hashes still verify', async () => {
    const result = await runCli(['audit', 'export', '--format', 'json', '--to', '2026-11-22T11:00:00Z'], {
      cwd: repository.root,
    });

    const exported = JSON.parse(result.stdout);
    expect(exported.count).toBe(5);
    for (const record of exported.records) expect(hashRecord(record)).toBe(record.hash);
  });
});
