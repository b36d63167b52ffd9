import { describe, expect, it } from 'vitest';
import type { CabCard, CabPack } from '../../cab/pack.js';
import { GITHUB_LIMITS } from '../../github/limits.js';
import { renderCabMarkdown } from './markdown.js';

function card(index: number, risk: 'high' | 'medium'): CabCard {
  return {
    id: `CHG-${String(index).padStart(4, '0')}`,
    file: `changes/chg-${index}.yaml`,
    title: `Rework the plant backbone segment ${index} ${'x'.repeat(200)}`,
    type: 'normal',
    domain: 'core',
    risk: { declared: risk, effective: risk, reasons: [] },
    whyBoard: ['approval of 2 from the CAB (cab) required'],
    state: 'needs-approvals',
    requester: { github: 'dana', team: 'partner-noc', kind: 'partner', displayName: 'partner-noc' },
    schedule: { start: '2026-12-06T07:30:00Z', end: '2026-12-06T08:30:00Z', timezone: 'America/Chicago' },
    window: { open: true, bypassed: false, blockedBy: [], overlapping: [] },
    targets: { sites: ['hq'], devices: ['core-hq-01'] },
    approvals: [],
  };
}

function pack(cards: CabCard[]): CabPack {
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

describe('renderCabMarkdown', () => {
  it('stays within GitHub issue body limit, cutting at a line and keeping high risk first', () => {
    const cards = [
      ...Array.from({ length: 150 }, (_, index) => card(index, 'high')),
      ...Array.from({ length: 150 }, (_, index) => card(1000 + index, 'medium')),
    ];

    const markdown = renderCabMarkdown(pack(cards));

    expect(markdown.length).toBeLessThanOrEqual(GITHUB_LIMITS.commentSection);
    expect(markdown).toMatch(/\n> \*\*Truncated:\*\* [\d,]+ more characters of this pack do not fit/);
    expect(markdown).toContain('--format json');
    expect(markdown).toContain('##### CHG-0000');
    expect(markdown).not.toContain('##### CHG-1149');
  });

  it('says what is missing instead of leaving sections empty', () => {
    const markdown = renderCabMarkdown(pack([]));

    expect(markdown).toContain('#### Failed, rolled back and interrupted (0)\n\nNone.');
    expect(markdown).toContain('Drift not configured');
    expect(markdown).toContain('No pending change needs the board.');
    expect(markdown).toContain('Nothing is scheduled.');
    expect(markdown).not.toContain('Truncated');
  });

  it('keeps a bare URL, www., #12 and @team in proposal text from linking in the GitHub issue', () => {
    const tricked: CabCard = {
      ...card(1, 'high'),
      title: 'Rework OSPF [x](https://evil.example) see www.evil.example, #12 and @netops',
      rollback: 'restore from http://evil.example/restore',
    };

    const markdown = renderCabMarkdown(pack([tricked]));

    expect(markdown).toContain(
      '##### CHG-0001 Rework OSPF \\[x\\](https\u200b://evil.example) see www\u200b.evil.example, #\u200b12 and @\u200bnetops',
    );
    expect(markdown).toContain('- **rollback plan:** restore from http\u200b://evil.example/restore');
    expect(markdown).not.toMatch(/https?:\/\/evil|www\.evil|#12|@netops/);
  });
});
