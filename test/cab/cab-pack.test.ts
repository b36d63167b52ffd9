import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvidence, type EvidenceDraft } from '../../src/audit/index.js';
import type { CabPack } from '../../src/cab/pack.js';
import { recordDrift } from '../../src/drift/record.js';
import { evidenceDraft } from '../audit/drafts.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

// The board meets on Thursday 3 December 2026 at 15:00 in Chicago (21:00Z); the week before it,
// the partner's VLAN change failed, an emergency uplink fix went in at night and its retrospective
// was due on Wednesday, a run was killed on Tuesday night, and someone edited core-hq-01 by hand.
// CHG-2026-0149 (core OSPF, declared medium, raised to high by the core rule) waits for Sunday night.
const MEETING = '2026-12-03T15:00:00-06:00';
const repositories: TestRepository[] = [];
let example: TestRepository;
let planDirectory: string;
/** The pack as markdown, with the plan: what a board member reads. */
let markdown: CliResult;

function record(id: string, title: string, overrides: Partial<EvidenceDraft>): EvidenceDraft {
  const base = evidenceDraft();
  return evidenceDraft({ ...overrides, proposal: { ...base.proposal, ...overrides.proposal, id, title } });
}

async function append(repository: TestRepository, draft: EvidenceDraft): Promise<void> {
  await appendEvidence(repository.root, draft, { remote: false, now: () => new Date(draft.finishedAt) });
}

async function cab(repository: TestRepository, args: string[] = []) {
  return runCli(['cab', '--no-fetch', '--meeting', MEETING, ...args], { cwd: repository.root });
}

beforeAll(async () => {
  example = await createRepository({}, { fromExample: true });
  repositories.push(example);
  await example.commit('the plant network');
  // Before the period: must not be shown.
  await append(
    example,
    record('CHG-2026-0100', 'Last month failure', {
      startedAt: '2026-11-20T08:00:00Z',
      finishedAt: '2026-11-20T08:05:00Z',
      outcome: 'failed',
    }),
  );
  await append(
    example,
    record('CHG-2026-0142', 'Add VLAN 40 for packaging line 3', {
      startedAt: '2026-11-29T08:00:00Z',
      finishedAt: '2026-11-29T08:06:00Z',
      outcome: 'failed',
      steps: [
        { ...evidenceDraft().steps[0], exitCode: 2, status: 'failed' } as EvidenceDraft['steps'][number],
      ],
      verification: { status: 'not-run' },
      rollback: { status: 'succeeded' },
    }),
  );
  await append(
    example,
    record('CHG-2026-0145', 'Replace the failed uplink on sw-plant-a-01', {
      kind: 'emergency',
      proposal: { ...evidenceDraft().proposal, type: 'emergency', incident: 'INC-0042' },
      pullRequest: null,
      window: { status: 'bypassed', windows: ['plant-a-production'] },
      startedAt: '2026-11-30T09:00:00Z',
      finishedAt: '2026-11-30T09:20:00Z',
      retrospectiveDue: '2026-12-02T09:20:00Z',
    }),
  );
  // Killed mid-change on Tuesday night: a started record that no result follows.
  await append(
    example,
    record('CHG-2026-0151', 'Rename the guest SSID for Thanksgiving', {
      kind: 'apply-started',
      outcome: 'started',
      startedAt: '2026-12-02T08:00:00Z',
      finishedAt: '2026-12-02T08:00:00Z',
      steps: [],
      verification: { status: 'not-run' },
      rollback: { status: 'not-run' },
    }),
  );
  const diff = '--- running\n+++ intended\n-router ospf 1 cost 50\n+router ospf 1 cost 10\n';
  await recordDrift({
    repositoryRoot: example.root,
    targets: [
      {
        target: 'core-hq-01',
        kind: 'ansible',
        status: 'drifted',
        diff,
        digest: createHash('sha256').update(diff).digest('hex'),
        ignored: [],
        source: { playbook: 'playbooks/core/ospf.yaml' },
      },
    ],
    explanations: new Map(),
    checkedAt: new Date('2026-12-01T12:00:00Z'),
    commit: 'd'.repeat(40),
    actor: { name: 'github-actions', kind: 'automation' },
    append: { remote: false, now: () => new Date('2026-12-01T12:00:00Z') },
  });
  // A real plan of the high-risk change (ansible-playbook in check+diff mode).
  planDirectory = await mkdtemp(path.join(os.tmpdir(), 'netchange-cab-plan-'));
  const plan = await runCli(['plan', 'changes/chg-0149-core-ospf.yaml', '--out-dir', planDirectory], {
    cwd: example.root,
  });
  expect(plan.exitCode).toBe(0);
  markdown = await cab(example, ['--plan-dir', planDirectory]);
});

afterAll(async () => {
  await Promise.all(repositories.map((repository) => repository.remove()));
  await rm(planDirectory, { recursive: true, force: true });
});

describe('netchange cab (markdown)', () => {
  it('shows a board member what went wrong since the last meeting, failures first', () => {
    const result = markdown;

    expect(result.exitCode).toBe(0);
    const pack = result.stdout;
    expect(pack).toContain('## netchange CAB pack: Thu 3 Dec 2026 15:00 CST (21:00Z)');
    expect(pack).toContain('Records between Thu 26 Nov 2026 15:00 CST (21:00Z) and the meeting.');
    expect(pack).toContain('#### Failed, rolled back and interrupted (2)');
    expect(pack).toContain(
      '- **INTERRUPTED CHG-2026-0151 Rename the guest SSID for Thanksgiving** — started Wed 2 Dec 2026 02:00 CST (08:00Z), no result;',
    );
    expect(pack).toMatch(
      /- \*\*FAILED CHG-2026-0142 Add VLAN 40 for packaging line 3\*\* — Sun 29 Nov 2026 02:00–02:06 CST \(08:00–08:06Z\); requested by dana \(partner-noc\), run by github-actions; rollback succeeded; pull request \[#12\]/,
    );
    expect(pack).not.toContain('CHG-2026-0100');
    expect(pack).toContain(
      '- **CHG-2026-0145** Replace the failed uplink on sw-plant-a-01 — retrospective **OVERDUE** since Wed 2 Dec 2026 03:20 CST (09:20Z); succeeded',
    );
    expect(pack).toContain('incident INC-0042');
    expect(pack).toContain('1 unexplained (out-of-band); 0 explained by netchange changes, 0 resolved:');
    expect(pack).toContain('- **core-hq-01** (ansible) — first seen Tue 1 Dec 2026 06:00 CST (12:00Z)');
    expect(pack.indexOf('FAILED')).toBeLessThan(pack.indexOf('### To assess'));
    expect(pack.indexOf('### To assess')).toBeLessThan(pack.indexOf('### Schedule'));
  });

  it('gives the pending high-risk change a card with everything needed to decide', () => {
    const result = markdown;

    expect(result.exitCode).toBe(0);
    const pack = result.stdout;
    expect(pack).toContain(
      '### To assess (1)\n\n#### High risk (1)\n\n##### CHG-2026-0149 Add area 20 to OSPF on the HQ core',
    );
    const card = pack.slice(pack.indexOf('##### CHG-2026-0149'), pack.indexOf('### Schedule'));
    expect(card).toContain('- **state:** ⏳ needs approvals');
    expect(card).toContain('- **why the board:** approval of 2 from the CAB (cab) required; high risk');
    expect(card).toContain('- **risk:** high, raised from medium: Core devices carry every site');
    expect(card).toContain('- **requester:** bob of netops (internal)');
    expect(card).toContain(
      '- **RACI:** responsible netops · accountable netops · consulted partner-noc · informed cab',
    );
    expect(card).toContain(
      '- **slot:** Sun 6 Dec 2026 01:30–02:30 CST (07:30–08:30Z); rollback reserved until Sun 6 Dec 2026 03:00 CST (09:00Z)',
    );
    expect(card).toContain('- **window:** open');
    expect(card).toContain('- **conflicts:** none');
    expect(card).toContain('- **plan:** 1 host changes');
    expect(card).toContain('- **rollback plan:** Remove area 20 from the OSPF process');
    expect(card).toContain('  - 2 from cab: carol, dave or erin can approve — high risk');
    expect(card).toContain('  - 1 from netops: alice can approve');
    // Changes the board need not see are not on the agenda.
    expect(pack.slice(pack.indexOf('### To assess'), pack.indexOf('### Schedule'))).not.toContain(
      'CHG-2026-0143',
    );
  });

  it('lists the next 14 days of changes from the meeting', () => {
    const result = markdown;

    expect(result.stdout).toContain(
      '### Schedule: Thu 3 Dec 2026 15:00 CST – Thu 17 Dec 2026 15:00 CST (3 Dec 21:00Z – 17 Dec 21:00Z)',
    );
    expect(result.stdout).toContain(
      '| Sun 6 Dec 2026 01:30–02:30 CST (07:30–08:30Z) | **CHG-2026-0149** Add area 20 to OSPF on the HQ core | needs approvals | hq, core-hq-01 | none |',
    );
  });

  it('takes --since as the previous meeting: earlier records drop out', async () => {
    const result = await cab(example, ['--since', '2026-11-30T00:00:00Z']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('#### Failed, rolled back and interrupted (1)');
    expect(result.stdout).toContain('INTERRUPTED CHG-2026-0151');
    expect(result.stdout).not.toContain('FAILED CHG-2026-0142');
    expect(result.stdout).toContain('retrospective **OVERDUE**');
  });

  it('refuses a --since after the meeting (exit 2)', async () => {
    const result = await cab(example, ['--since', '2026-12-04T00:00:00Z']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--since must be before --meeting');
    expect(result.stderr).toContain('Give the previous meeting, e.g. --since 2026-11-26T21:00:00Z,');
  });

  it('suggests the day a week before the meeting given, not a fixed date', async () => {
    const result = await runCli(
      ['cab', '--no-fetch', '--meeting', '2026-11-01T00:00:00Z', '--since', '2026-12-01T00:00:00Z'],
      { cwd: example.root },
    );

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      'hint: Give the previous meeting, e.g. --since 2026-10-25T00:00:00Z, or a duration back from the meeting, e.g. --since 7d.',
    );
  });
});

describe('netchange cab --format json', () => {
  it('prints one object with the sections, the cards and the schedule', async () => {
    const result = await cab(example, ['--format', 'json']);

    expect(result.exitCode).toBe(0);
    const pack = JSON.parse(result.stdout) as CabPack;
    expect(pack.meeting).toBe('2026-12-03T21:00:00Z');
    expect(pack.since).toBe('2026-11-26T21:00:00Z');
    expect(pack.failures.map((failure) => [failure.proposal.id, failure.outcome])).toEqual([
      ['CHG-2026-0142', 'failed'],
      ['CHG-2026-0151', 'started'],
    ]);
    expect(pack.emergencies.map((review) => [review.record.proposal.id, review.status])).toEqual([
      ['CHG-2026-0145', 'overdue'],
    ]);
    expect(pack.outside.unexplained.map((drift) => drift.target.name)).toEqual(['core-hq-01']);
    expect(pack.toAssess.map((card) => [card.id, card.risk.effective, card.requester.kind])).toEqual([
      ['CHG-2026-0149', 'high', 'internal'],
    ]);
    expect(pack.schedule.changes.some((change) => change.id === 'CHG-2026-0149')).toBe(true);
  });
});

describe('netchange cab without drift, after the change was applied', () => {
  it('says drift is not configured and no longer puts an applied change on the agenda', async () => {
    const repository = await createRepository({}, { fromExample: true });
    repositories.push(repository);
    await repository.write({
      'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
    });
    await repository.commit('no drift check');
    const file = 'changes/chg-0149-core-ospf.yaml';
    const applied = (version: string) =>
      record('CHG-2026-0149', 'Add area 20 to OSPF on the HQ core', {
        proposal: { ...evidenceDraft().proposal, file, blob: version },
        // why: applied early (a test of the record, not of the gate): it is history now.
        startedAt: '2026-12-01T07:30:00Z',
        finishedAt: '2026-12-01T07:40:00Z',
      });
    await append(repository, applied((await repository.git.revparse([`HEAD:${file}`])).trim()));

    const result = await cab(repository);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Drift not configured');
    expect(result.stdout).toContain('### To assess (0)\n\nNo pending change needs the board.');
  });

  it('puts a change back on the agenda when its file is not the version applied (an id used again)', async () => {
    const repository = await createRepository({}, { fromExample: true });
    repositories.push(repository);
    await repository.commit('the example');
    await append(
      repository,
      record('CHG-2026-0149', 'Add area 20 to OSPF on the HQ core', {
        proposal: {
          ...evidenceDraft().proposal,
          file: 'changes/chg-0149-core-ospf.yaml',
          blob: 'f'.repeat(40),
        },
        startedAt: '2026-12-01T07:30:00Z',
        finishedAt: '2026-12-01T07:40:00Z',
      }),
    );

    const result = await cab(repository);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/### To assess \([1-9]/);
    expect(result.stdout).toContain('CHG-2026-0149');
  });
});
