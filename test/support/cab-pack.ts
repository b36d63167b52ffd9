/** A CAB pack and its cards as `netchange cab` assembles them, for tests of what renders a pack. */
import type { CabCard, CabPack } from '../../src/cab/pack.js';

/** A high-risk core change on the board's agenda, needing the CAB's approval; `overrides` win. */
export function cabCard(overrides: Partial<CabCard> = {}): CabCard {
  return {
    id: 'CHG-7',
    file: 'changes/chg-7.yaml',
    title: 'Rework the plant backbone',
    type: 'normal',
    domain: 'core',
    risk: { declared: 'high', effective: 'high', reasons: [] },
    whyBoard: ['approval of 2 from the CAB (cab) required'],
    state: 'needs-approvals',
    requester: { github: 'dana', team: 'partner-noc', kind: 'partner', displayName: 'partner-noc' },
    schedule: { start: '2026-12-06T07:30:00Z', end: '2026-12-06T08:30:00Z', timezone: 'America/Chicago' },
    window: { open: true, bypassed: false, blockedBy: [], overlapping: [] },
    targets: { sites: ['hq'], devices: ['core-hq-01'] },
    approvals: [],
    ...overrides,
  };
}

/** The pack of the meeting on Thu 3 Dec 2026 with `cards` to assess and nothing else to report. */
export function cabPack(cards: CabCard[]): CabPack {
  return {
    schemaVersion: 1,
    meeting: '2026-12-03T21:00:00Z',
    since: '2026-11-26T21:00:00Z',
    timezone: 'America/Chicago',
    failures: [],
    emergencies: [],
    outside: { configured: false, unexplained: [], explained: 0, resolved: 0 },
    unreadable: [],
    toAssess: cards,
    invalid: [],
    planned: false,
    schedule: {
      from: '2026-12-03T21:00:00Z',
      until: '2026-12-17T21:00:00Z',
      timezone: 'America/Chicago',
      changes: [],
      windows: [],
      conflicts: [],
    },
  };
}
