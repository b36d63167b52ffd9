import { describe, expect, it } from 'vitest';
import type { Occurrence } from './model.js';
import { renderCalendarIcs } from './render.js';

function occurrence(reason: string): Occurrence {
  const startMs = Date.parse('2026-11-29T07:00:00Z');
  const endMs = Date.parse('2026-11-29T11:00:00Z');
  return {
    window: 'plant-a-sunday-maintenance',
    effect: 'allow',
    reason,
    timezone: 'America/Chicago',
    start: '2026-11-29T07:00:00Z',
    end: '2026-11-29T11:00:00Z',
    localStart: '2026-11-29T01:00:00-06:00',
    localEnd: '2026-11-29T05:00:00-06:00',
    startMs,
    endMs,
    scope: { sites: ['plant-a'], domains: ['switching', 'wireless'] },
  };
}

/** The calendar's content lines with RFC 5545 folding undone. */
function unfolded(ics: string): string[] {
  return ics.replace(/\r\n[ \t]/g, '').split('\r\n');
}

describe('renderCalendarIcs', () => {
  it.each([
    ['an ASCII reason', 'Plant A agreed maintenance window with plant-ops and the partner NOC'],
    [
      'a reason with umlauts and dashes',
      'Wartungsfenster Werk A – Linien 1–3 stehen still – Störungen an plant-ops melden',
    ],
    [
      'a reason with characters outside the BMP',
      'Maintenance 🛠️ window 🏭 for the plant 🏭 network 🛠️ keep it short 🛠️ please 🏭',
    ],
  ])('folds every line at 75 octets without splitting a character (%s)', (_case, reason) => {
    const ics = renderCalendarIcs([occurrence(reason)]);

    const lines = ics.split('\r\n');
    expect(lines.filter((line) => Buffer.byteLength(line, 'utf8') > 75)).toEqual([]);
    // why: a split surrogate pair would not survive a round trip through UTF-8.
    expect(Buffer.from(ics, 'utf8').toString('utf8')).toBe(ics);
    const description = unfolded(ics).find((line) => line.startsWith('DESCRIPTION:'));
    expect(description).toContain(reason);
    expect(description).toContain('Sun 29 Nov 2026 01:00–05:00 CST (07:00–11:00Z)');
  });
});
