/**
 * `netchange schedule` end to end: the real CLI on a temp git repository, every format read back the
 * way its consumer reads it (the calendar with node-ical, JSON parsed).
 */
import ical from 'node-ical';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { scheduleRepository } from './fixture.js';

const PERIOD = ['--from', '2026-10-20T00:00:00Z', '--days', '30'];

let repository: TestRepository;

beforeAll(async () => {
  repository = await scheduleRepository();
});
afterAll(async () => {
  await repository?.remove();
});

async function schedule(...args: string[]) {
  return runCli(['schedule', ...PERIOD, ...args], { cwd: repository.root });
}

interface ParsedEvent {
  type: string;
  uid: string;
  start: Date & { tz?: string };
  end: Date;
  sequence?: string | number;
  summary: string;
  description?: string;
}

describe('netchange schedule', () => {
  it('writes a calendar with one event per change in its local zone, across the DST change, and the windows', async () => {
    const result = await schedule('--format', 'ics');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/BEGIN:VTIMEZONE\r?\nTZID:America\/Chicago/);
    expect(result.stdout).toContain('DTSTART;TZID=America/Chicago:20261025T020000');
    expect(result.stdout).toContain('DTSTART;TZID=America/Chicago:20261108T020000');
    // 01:00 on 1 Nov happens twice in Chicago: that window is written in UTC, so no client moves it.
    expect(result.stdout).toContain('DTSTART:20261101T060000Z');
    const components = Object.values(ical.sync.parseICS(result.stdout)) as unknown as ParsedEvent[];
    const events = components.filter((item) => item.type === 'VEVENT');
    const byUid = new Map(events.map((event) => [event.uid, event]));
    // 02:00 CDT (UTC-5) before the change, 02:00 CST (UTC-6) after it.
    expect(byUid.get('CHG-A')?.start.toISOString()).toBe('2026-10-25T07:00:00.000Z');
    expect(byUid.get('CHG-A')?.end.toISOString()).toBe('2026-10-25T08:30:00.000Z');
    expect(byUid.get('CHG-A')?.start.tz).toBe('America/Chicago');
    expect(byUid.get('CHG-B')?.start.toISOString()).toBe('2026-11-08T08:00:00.000Z');
    // CHG-A was committed twice: a subscribed calendar sees a newer revision of the same event.
    expect(Number(byUid.get('CHG-A')?.sequence)).toBe(2);
    expect(Number(byUid.get('CHG-B')?.sequence)).toBe(1);
    expect(byUid.get('CHG-C')?.description).toContain(
      'Conflicts with CHG-D (changes/d-overlap.yaml): both change sw-2',
    );
    const windows = events.filter((event) => event.uid.startsWith('window-sunday-maintenance-'));
    expect(windows.map((event) => event.start.toISOString())).toEqual([
      '2026-10-25T06:00:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-08T07:00:00.000Z',
      '2026-11-15T07:00:00.000Z',
    ]);
  });

  it('prints one JSON object with changes, windows and conflicts, times in RFC 3339 UTC', async () => {
    const result = await schedule('--format', 'json');

    expect(result.exitCode).toBe(0);
    const listing = JSON.parse(result.stdout);
    expect(Object.keys(listing)).toEqual(
      expect.arrayContaining(['from', 'until', 'timezone', 'changes', 'windows', 'conflicts']),
    );
    expect(listing.changes.map((change: { id: string }) => change.id)).toEqual([
      'CHG-A',
      'CHG-B',
      'CHG-C',
      'CHG-D',
    ]);
    expect(listing.changes[0]).toMatchObject({
      start: '2026-10-25T07:00:00Z',
      end: '2026-10-25T08:30:00Z',
      devices: ['sw-1'],
      sites: ['plant-a'],
      revision: 2,
    });
    expect(listing.changes[0]).not.toHaveProperty('startMs');
    expect(listing.conflicts).toEqual([
      {
        a: 'CHG-C',
        b: 'CHG-D',
        reasons: [{ kind: 'device', devices: ['sw-2'] }],
        overlap: { start: '2026-11-15T08:30:00Z', end: '2026-11-15T09:00:00Z' },
      },
    ]);
    expect(listing.windows[0]).toMatchObject({
      window: 'sunday-maintenance',
      effect: 'allow',
      sites: ['plant-a'],
    });
  });

  it('shows the conflict in the text listing and the markdown table', async () => {
    const text = await schedule();
    const markdown = await schedule('--format', 'markdown');

    expect(text.stdout).toContain('conflicts with CHG-D (changes/d-overlap.yaml): both change sw-2');
    expect(text.stdout).toContain(
      'Sun 25 Oct 2026 02:00–03:30 CDT (07:00–08:30Z)  CHG-A — Before: the clocks',
    );
    expect(markdown.stdout).toMatch(
      /\| \*\*CHG-C\*\* Change CHG-C \| .* \| CHG-D \(changes\/d-overlap.yaml\): both change sw-2 \|/,
    );
    // The title's colon would split a gantt task; it is written without it.
    expect(markdown.stdout).toContain('  CHG-A Before the clocks : 2026-10-25 02:00, 90m');
    expect(markdown.stdout).toContain('  CHG-C Change CHG-C : crit, 2026-11-15 02:00, 60m');
  });

  it('filters by device and by site', async () => {
    const device = JSON.parse((await schedule('--device', 'sw-2', '--format', 'json')).stdout);
    const site = JSON.parse((await schedule('--site', 'berlin', '--format', 'json')).stdout);

    expect(device.changes.map((change: { id: string }) => change.id)).toEqual(['CHG-C', 'CHG-D']);
    expect(site.changes).toEqual([]);
  });

  it('warns about a --site or --device no change reaches, naming those the changes reach', async () => {
    const site = await schedule('--site', 'berlni', '--format', 'json');
    const device = await schedule('--device', 'sw-9');
    const known = await schedule('--device', 'sw-2');

    expect(JSON.parse(site.stdout).changes).toEqual([]);
    expect(site.exitCode).toBe(0);
    expect(site.stderr).toContain("--site 'berlni': no change of the repository reaches it");
    expect(device.stderr).toMatch(/--device 'sw-9': no change of the repository reaches it.*sw-2/);
    expect(known.stderr).not.toContain('no change of the repository reaches it');
  });

  it('refuses a bad --days or --from with exit 2', async () => {
    const days = await runCli(['schedule', '--days', '0'], { cwd: repository.root });
    const from = await runCli(['schedule', '--from', 'next sunday'], { cwd: repository.root });

    expect([days.exitCode, from.exitCode]).toEqual([2, 2]);
    expect(days.stderr).toContain('--days');
    expect(from.stderr).toContain('RFC 3339');
  });
});
