import { describe, expect, it } from 'vitest';
import { evidenceDraft } from '../../test/audit/drafts.js';
import type { EvidenceDraft, EvidenceRecord } from '../audit/types.js';
import type { ProposalReport, ValidationReport } from '../core/model.js';
import { assembleCabPack, type CabPackInput, type CabTeam } from './pack.js';

const MEETING = new Date('2026-12-03T21:00:00Z');

/** A stored record (its place in the chain does not matter here). */
function recordOf(overrides: Partial<EvidenceDraft>): EvidenceRecord {
  const draft = evidenceDraft(overrides);
  return {
    ...draft,
    schemaVersion: 1,
    sequence: 1,
    previousHash: null,
    hash: '',
    recordedAt: draft.finishedAt,
  };
}

function proposal(id: string, overrides: Partial<ProposalReport> = {}): ProposalReport {
  return {
    file: `changes/${id.toLowerCase()}.yaml`,
    id,
    ok: true,
    type: 'normal',
    domain: 'switching',
    requester: { team: 'partner-noc', github: 'dana' },
    risk: { declared: 'medium', effective: 'medium', reasons: [] },
    schedule: { start: '2026-12-06T08:00:00Z', end: '2026-12-06T09:00:00Z', timezone: 'America/Chicago' },
    findings: [],
    approvals: { required: [], satisfied: true },
    windows: { overlapping: [], open: true },
    ...overrides,
  };
}

function report(proposals: ProposalReport[]): ValidationReport {
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: 'test' },
    evaluatedAt: '2026-12-03T21:00:00Z',
    ok: true,
    proposals,
    findings: [],
    withdrawn: [],
    summary: { proposals: proposals.length, passed: proposals.length, failed: 0, errors: 0, warnings: 0 },
  };
}

const TEAMS = new Map<string, CabTeam>([
  ['netops', { name: 'netops', kind: 'internal', displayName: 'netops' }],
  ['partner-noc', { name: 'partner-noc', kind: 'partner', displayName: 'partner-noc' }],
  ['board', { name: 'board', kind: 'board', displayName: 'the board' }],
]);

function input(overrides: Partial<CabPackInput>): CabPackInput {
  return {
    meeting: MEETING,
    since: new Date('2026-11-26T21:00:00Z'),
    records: [],
    drift: [],
    unreadable: [],
    driftConfigured: false,
    report: report([]),
    proposals: new Map(),
    teams: TEAMS,
    // The board is accountable for firewalls: an accountable approval there is the board's.
    raci: new Map([
      ['switching', { responsible: 'partner-noc', accountable: 'netops' }],
      ['firewall', { responsible: 'netops', accountable: 'board' }],
    ]),
    schedule: { from: '', until: '', timezone: 'UTC', changes: [], windows: [], conflicts: [] },
    ...overrides,
  };
}

const ACCOUNTABLE = {
  role: 'accountable' as const,
  count: 1,
  reason: 'medium risk',
  approvedBy: [],
  satisfied: false,
  eligible: ['carol'],
};

describe('assembleCabPack: what needs the board', () => {
  it('takes a board requirement through a RACI role, high risk, and leaves the rest off the agenda', () => {
    const pack = assembleCabPack(
      input({
        report: report([
          proposal('CHG-MEDIUM'),
          proposal('CHG-FIREWALL', {
            domain: 'firewall',
            approvals: { required: [ACCOUNTABLE], satisfied: false },
          }),
          proposal('CHG-HIGH', {
            risk: { declared: 'medium', effective: 'high', reasons: ['core'] },
            schedule: { start: '2026-12-07T08:00:00Z', end: '2026-12-07T09:00:00Z', timezone: 'UTC' },
          }),
        ]),
      }),
    );

    expect(pack.toAssess.map((card) => [card.id, card.whyBoard])).toEqual([
      ['CHG-HIGH', ['high risk']],
      ['CHG-FIREWALL', ['approval of 1 from the board (board) required']],
    ]);
    expect(pack.toAssess[1]?.requester).toEqual({
      github: 'dana',
      team: 'partner-noc',
      kind: 'partner',
      displayName: 'partner-noc',
    });
  });

  it('leaves out what is over at the meeting and what was applied', () => {
    const applied = recordOf({
      proposal: { ...evidenceDraft().proposal, id: 'CHG-APPLIED' },
      finishedAt: '2026-11-20T00:00:00Z',
    });
    const high = { declared: 'high' as const, effective: 'high' as const, reasons: [] };

    const pack = assembleCabPack(
      input({
        records: [applied],
        report: report([
          proposal('CHG-APPLIED', { risk: high }),
          proposal('CHG-PAST', {
            risk: high,
            schedule: {
              start: '2026-12-01T08:00:00Z',
              end: '2026-12-01T09:00:00Z',
              timezone: 'UTC',
              rollbackEnd: '2026-12-01T09:30:00Z',
            },
          }),
          proposal('CHG-RUNNING', {
            risk: high,
            schedule: {
              start: '2026-12-03T20:00:00Z',
              end: '2026-12-03T20:30:00Z',
              timezone: 'UTC',
              rollbackEnd: '2026-12-03T21:30:00Z',
            },
          }),
        ]),
      }),
    );

    expect(pack.toAssess.map((card) => card.id)).toEqual(['CHG-RUNNING']);
  });

  it("assesses a new change written under an applied change's id: applied is per version", () => {
    const applied = recordOf({
      proposal: { ...evidenceDraft().proposal, id: 'CHG-REUSED', blob: 'a'.repeat(40) },
      finishedAt: '2026-11-20T00:00:00Z',
    });
    const high = { declared: 'high' as const, effective: 'high' as const, reasons: [] };
    const reused = proposal('CHG-REUSED', { risk: high, file: 'changes/chg-core.yaml' });
    const assessed = (blob: string) =>
      assembleCabPack(
        input({
          records: [applied],
          report: report([reused]),
          blobs: new Map([['changes/chg-core.yaml', blob]]),
        }),
      ).toAssess.map((card) => card.id);

    expect(assessed('b'.repeat(40))).toEqual(['CHG-REUSED']);
    expect(assessed('a'.repeat(40))).toEqual([]);
  });
});

describe('assembleCabPack: emergencies', () => {
  it('judges the retrospective at the meeting: overdue before it, due after it', () => {
    const emergency = (id: string, due: string) =>
      recordOf({
        kind: 'emergency',
        proposal: { ...evidenceDraft().proposal, id, type: 'emergency' },
        retrospectiveDue: due,
        startedAt: '2026-11-30T09:00:00Z',
        finishedAt: '2026-11-30T09:20:00Z',
      });

    const pack = assembleCabPack(
      input({
        records: [
          emergency('CHG-LATE', '2026-12-02T09:20:00Z'),
          emergency('CHG-SOON', '2026-12-04T09:20:00Z'),
        ],
      }),
    );

    expect(pack.emergencies.map((review) => [review.record.proposal.id, review.status])).toEqual([
      ['CHG-LATE', 'overdue'],
      ['CHG-SOON', 'due'],
    ]);
    expect(pack.outside.configured).toBe(false);
  });
});
