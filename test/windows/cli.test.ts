/**
 * `netchange windows` and `netchange next` end to end: the real CLI in a separate process, on a
 * temp git copy of the plant network example, asserting output and exit codes as a user sees them.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  await repository.commit('the plant network');
});

afterAll(async () => {
  await repository?.remove();
});

describe('netchange windows', () => {
  it('prints a calendar grouped by local day, with local time and UTC', async () => {
    const result = await runCli(['windows', '--site', 'plant-a', '--from', '2026-11-23', '--days', '8'], {
      cwd: repository.root,
    });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      'Windows for site plant-a: 8 days from Mon 23 Nov 2026 00:00 CST (06:00Z), days in America/Chicago',
    );
    expect(result.stdout).toContain(
      'Thu 26 Nov 2026\n  deny   Thu 26 Nov 2026 00:00 CST – Fri 27 Nov 2026 00:00 CST (26 Nov 06:00Z – 27 Nov 06:00Z)  us-public-holidays — Thanksgiving Day',
    );
    expect(result.stdout).toContain(
      'Sun 29 Nov 2026\n  allow  Sun 29 Nov 2026 01:00–05:00 CST (07:00–11:00Z)  plant-a-sunday-maintenance',
    );
    expect(result.stdout).not.toContain('berlin-office-nights');
  });

  it.each([
    [
      ['--site', 'plant-z'],
      "warning: policies/windows.yaml no window is scoped to site 'plant-z': only the windows for every site are listed",
      'the windows name the sites berlin, hq, plant-a.',
    ],
    [
      ['--domain', 'firewal'],
      "warning: policies/windows.yaml domain 'firewal' is in no window's scope and no RACI entry",
      'the known domains are core, firewall, sdwan, switching, wireless.',
    ],
  ])(
    'warns on stderr when %j names nothing the policies know (a typo lists only the global windows)',
    async (filter, warning, hint) => {
      const result = await runCli(['windows', ...filter, '--from', '2026-11-23', '--days', '2'], {
        cwd: repository.root,
      });

      expect(result.exitCode).toBe(0);
      expect(result.stderr).toContain(warning);
      expect(result.stderr).toContain(hint);
    },
  );

  it('does not warn for a site or a domain the policies name', async () => {
    const result = await runCli(
      ['windows', '--site', 'plant-a', '--domain', 'switching', '--from', '2026-11-23', '--days', '2'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('warning');
  });

  it('writes an RFC 5545 calendar with one VEVENT per occurrence, in UTC', async () => {
    const json = await runCli(
      [
        'windows',
        '--site',
        'hq',
        '--domain',
        'firewall',
        '--from',
        '2026-12-24T00:00:00-06:00',
        '--days',
        '10',
        '--format',
        'json',
      ],
      {
        cwd: repository.root,
      },
    );
    const ics = await runCli(
      [
        'windows',
        '--site',
        'hq',
        '--domain',
        'firewall',
        '--from',
        '2026-12-24T00:00:00-06:00',
        '--days',
        '10',
        '--format',
        'ics',
      ],
      {
        cwd: repository.root,
      },
    );

    expect(json.exitCode).toBe(0);
    const listing = JSON.parse(json.stdout) as {
      occurrences: { window: string; start: string; localStart: string }[];
    };
    expect(listing.occurrences.map((occurrence) => occurrence.window)).toEqual([
      'year-end-freeze',
      'us-public-holidays',
      'hq-firewall-quarter-end',
      'us-public-holidays',
    ]);
    expect(listing.occurrences[2]).toMatchObject({
      start: '2026-12-29T06:00:00Z',
      localStart: '2026-12-29T00:00:00-06:00',
    });
    expect(ics.exitCode).toBe(0);
    const lines = ics.stdout.split(/\r?\n/);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.filter((line) => line !== '').at(-1)).toBe('END:VCALENDAR');
    expect(lines.filter((line) => line === 'BEGIN:VEVENT')).toHaveLength(4);
    expect(lines.filter((line) => line === 'END:VEVENT')).toHaveLength(4);
    const starts = lines.filter((line) => line.startsWith('DTSTART'));
    expect(starts).toHaveLength(4);
    for (const start of starts) expect(start).toMatch(/^DTSTART(;TZID=[^:]+:\d{8}T\d{6}|:\d{8}T\d{6}Z)$/);
    expect(starts).toContain('DTSTART:20261229T060000Z');
  });

  it('exits 2 with the line of a policy error', async () => {
    const broken = await createRepository({}, { fromExample: true });
    try {
      const policyPath = path.join(broken.root, 'policies/windows.yaml');
      const text = await readFile(policyPath, 'utf8');
      await broken.write({
        'policies/windows.yaml': text.replace('timezone: Europe/Berlin', 'timezone: Europe/Berln'),
      });
      await broken.commit('typo');

      const result = await runCli(['windows'], { cwd: broken.root });

      expect(result.exitCode).toBe(2);
      const line = text.split('\n').findIndex((content) => content.includes('timezone: Europe/Berlin')) + 1;
      expect(result.stderr).toContain(`policies/windows.yaml:${line}:`);
      expect(result.stderr).toContain("unknown time zone 'Europe/Berln'");
      expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await broken.remove();
    }
  });
});

describe('usage errors', () => {
  it.each([
    [['windows', '--days', '0'], '--days'],
    [['windows', '--from', 'next tuesday'], "--from 'next tuesday' is not a date or an RFC 3339 instant"],
    [['next', 'changes/missing.yaml'], 'changes/missing.yaml does not exist'],
    // why: a period starting in 9999 runs past the years dates are written in (it printed "10000").
    [['windows', '--from', '9999-12-31'], "--from '9999-12-31' is outside the years netchange evaluates"],
    [
      ['schedule', '--from', '9999-12-31T00:00:00Z'],
      "--from '9999-12-31T00:00:00Z' is outside the years netchange evaluates",
    ],
    [['validate', '--at', '0001-01-01T00:00:00Z'], "--at '0001-01-01T00:00:00Z' is outside the years"],
  ])('exits 2 for %j', async (args, message) => {
    const result = await runCli(args, { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

describe('--output FILE, as the README promises for every command with --format', () => {
  it.each([
    [['windows', '--format', 'ics', '--from', '2026-11-23', '--days', '2'], 'BEGIN:VCALENDAR\r\n'],
    [
      [
        'next',
        'changes/chg-0148-firewall-quarter-end.yaml',
        '--at',
        '2026-11-23T12:00:00Z',
        '--format',
        'json',
      ],
      '"schemaVersion": 1',
    ],
    [['policy', 'explain', '--kind', 'windows', '--format', 'json'], '"schemaVersion": 1'],
  ])('%j --output writes the file and leaves stdout empty', async (args, start) => {
    const file = `out-${args[0]}.txt`;

    const result = await runCli([...args, '--output', file], { cwd: repository.root });

    expect(result.stderr).not.toContain('unknown option');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(await readFile(path.join(repository.root, file), 'utf8')).toContain(start);
  });
});

describe('netchange next', () => {
  it('lists the next three slots and what blocks the requested one', async () => {
    const result = await runCli(
      ['next', 'changes/chg-0148-firewall-quarter-end.yaml', '--at', '2026-11-23T12:00:00Z'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('The requested slot is blocked:');
    expect(result.stdout).toContain("error: blocked by deny window 'year-end-freeze'");
    expect(result.stdout).toContain("error: blocked by deny window 'hq-firewall-quarter-end'");
    expect(result.stdout).toContain(
      'The change occupies Tue 29 Dec 2026 20:00–21:00 CST (30 Dec 02:00–03:00Z)',
    );
    expect(result.stdout).toContain('(searched 90 days ahead)');
    expect(result.stdout).toContain('1. Mon 4 Jan 2027 00:00–01:00 CST (06:00–07:00Z)');
    expect(result.stdout).toMatch(/\n {2}3\. /);
  });

  it('prints JSON with the slots in UTC and local time, never before --at', async () => {
    const result = await runCli(
      ['next', 'changes/chg-0151-ssid-thanksgiving.yaml', '--at', '2026-11-29T07:10:00Z', '--format', 'json'],
      {
        cwd: repository.root,
      },
    );

    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as {
      open: boolean;
      slots: { start: string; localStart: string }[];
      blockedBy: { policy: string }[];
    };
    expect(report.open).toBe(false);
    expect(report.blockedBy.map((finding) => finding.policy)).toContain('us-public-holidays');
    expect(report.slots[0]).toEqual({
      start: '2026-11-29T07:10:00Z',
      end: '2026-11-29T07:40:00Z',
      localStart: '2026-11-29T01:10:00-06:00',
      localEnd: '2026-11-29T01:40:00-06:00',
    });
    expect(report.slots).toHaveLength(3);
  });
});

describe('window policies the engine once got wrong (fixed --at and --from)', () => {
  let edited: TestRepository;
  const header = 'apiVersion: netchange/v1\nkind: WindowPolicy\ntimezone: America/Chicago\nwindows:\n';
  // why: a reason long enough to fold, with characters of two, three and four UTF-8 octets.
  const longReason = 'Umstellung auf Sommerzeit – Störungen an plant-ops melden – Linien 1–3 stehen still 🏭';
  const proposal = (id: string, schedule: string) =>
    [
      'apiVersion: netchange/v1',
      'kind: ChangeProposal',
      `id: ${id}`,
      'title: Add the plant-scanners SSID',
      'requester: {team: partner-noc, github: eli}',
      'type: normal',
      'domain: wireless',
      'risk: low',
      'targets: {sites: [plant-a], devices: [wlc-plant-a-01]}',
      `schedule: ${schedule}`,
      'execution:',
      '  - ansible: {playbook: playbooks/wireless/ssid.yaml, inventory: inventory/hosts.yaml, limit: wlc-plant-a-01}',
      '',
    ].join('\n');

  beforeAll(async () => {
    edited = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0151' });
    await edited.write({
      'policies/windows.yaml': `${header}  - name: gapwin
    effect: deny
    reason: ${longReason}
    schedule: {from: "2026-03-08T02:30", to: "2026-03-08T03:15"}
  - name: d1
    effect: deny
    schedule: {from: "2026-10-30T00:00", to: "2026-10-31T12:00"}
  - name: d2
    effect: deny
    schedule: {from: "2026-11-01T11:30", to: "2026-11-01T13:00"}
  - name: rare
    effect: deny
    scope: {sites: [hq]}
    schedule: {rrule: "FREQ=MINUTELY;INTERVAL=777;BYHOUR=1,2", start: "00:00", duration: PT1M}
`,
      'changes/chg-9001-in-the-gap.yaml': proposal(
        'CHG-2026-9001',
        '{start: "2026-03-08T03:00", end: "2026-03-08T03:10", timezone: America/Chicago}',
      ),
      'changes/chg-9002-day-long.yaml': proposal(
        'CHG-2026-9002',
        '{start: "2026-10-31T00:00:00-05:00", duration: P1D, timezone: America/Chicago}',
      ),
    });
    await edited.commit('windows at the edges of DST, a rare rule and a day-long change');
  });

  afterAll(async () => {
    await edited?.remove();
  });

  it('blocks a change in a one-off deny window whose from falls in the spring-forward gap, and lists it', async () => {
    const validate = await runCli(
      ['validate', 'changes/chg-9001-in-the-gap.yaml', '--at', '2026-03-01T00:00:00Z', '--format', 'json'],
      { cwd: edited.root },
    );
    const windows = await runCli(['windows', '--from', '2026-03-08', '--days', '1', '--format', 'json'], {
      cwd: edited.root,
    });

    expect(validate.exitCode).toBe(1);
    const report = JSON.parse(validate.stdout) as { proposals: { findings: { policy?: string }[] }[] };
    expect(report.proposals[0]!.findings.map((finding) => finding.policy)).toContain('gapwin');
    expect(windows.exitCode).toBe(0);
    const listing = JSON.parse(windows.stdout) as {
      occurrences: { window: string; localStart: string; localEnd: string }[];
    };
    expect(listing.occurrences.find((occurrence) => occurrence.window === 'gapwin')).toMatchObject({
      localStart: '2026-03-08T03:00:00-05:00',
      localEnd: '2026-03-08T03:15:00-05:00',
    });
  });

  it('suggests slots a day-long change fits at its own length across the fall-back (P1D is 25 hours there)', async () => {
    const next = await runCli(
      ['next', 'changes/chg-9002-day-long.yaml', '--at', '2026-10-01T00:00:00Z', '--format', 'json'],
      { cwd: edited.root },
    );
    const validate = await runCli(
      ['validate', 'changes/chg-9002-day-long.yaml', '--at', '2026-10-01T00:00:00Z', '--format', 'json'],
      { cwd: edited.root },
    );

    expect(next.exitCode).toBe(0);
    const slots = (
      JSON.parse(next.stdout) as { slots: { start: string; localStart: string; localEnd: string }[] }
    ).slots;
    // Sat 31 Oct 12:00 CDT + P1D ends Sun 1 Nov 12:00 CST, inside d2: the first slot starts when d2 ends.
    expect(slots[0]).toMatchObject({
      start: '2026-11-01T19:00:00Z',
      localStart: '2026-11-01T13:00:00-06:00',
      localEnd: '2026-11-02T13:00:00-06:00',
    });
    const report = JSON.parse(validate.stdout) as {
      proposals: { findings: { nextAllowed?: { start: string; end: string } }[] }[];
    };
    expect(report.proposals[0]!.findings.find((finding) => finding.nextAllowed)?.nextAllowed).toEqual({
      start: '2026-11-01T19:00:00Z',
      end: '2026-11-02T19:00:00Z',
    });
  });

  it('lists a rule that rarely lands in its BYHOUR, and writes its calendar in lines of at most 75 octets', async () => {
    const json = await runCli(['windows', '--from', '2026-01-01', '--days', '30', '--format', 'json'], {
      cwd: edited.root,
      timeout: 30_000,
    });
    const ics = await runCli(['windows', '--from', '2026-03-08', '--days', '1', '--format', 'ics'], {
      cwd: edited.root,
      timeout: 30_000,
    });

    expect(json.exitCode).toBe(0);
    // Every 777 minutes from 2000-01-01 00:00, kept when the local hour is 01 or 02 (Chicago, CST all January).
    const expected: string[] = [];
    const stepMs = 777 * 60_000;
    for (let wall = Date.UTC(2000, 0, 1); wall < Date.UTC(2026, 0, 31); wall += stepMs) {
      const hour = new Date(wall).getUTCHours();
      if (wall >= Date.UTC(2026, 0, 1) && (hour === 1 || hour === 2))
        expected.push(`${new Date(wall).toISOString().slice(0, 19)}-06:00`);
    }
    const listing = JSON.parse(json.stdout) as { occurrences: { window: string; localStart: string }[] };
    expect(
      listing.occurrences.filter((occurrence) => occurrence.window === 'rare').map((o) => o.localStart),
    ).toEqual(expected);
    expect(ics.exitCode).toBe(0);
    const lines = ics.stdout.split('\r\n');
    expect(lines.filter((line) => Buffer.byteLength(line, 'utf8') > 75)).toEqual([]);
    expect(ics.stdout.replace(/\r\n[ \t]/g, '')).toContain(longReason);
  });

  it.each([
    ['FREQ=HOURLY;INTERVAL=24;BYHOUR=1', ['validate', '--at', '2026-11-23T12:00:00Z']],
    ['FREQ=HOURLY;INTERVAL=24;BYHOUR=1', ['windows', '--from', '2026-11-23']],
    ['FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', ['validate', '--at', '2026-11-23T12:00:00Z']],
    ['FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', ['windows', '--from', '2026-11-23']],
  ])(
    'exits 2 at its line, instead of hanging, for %s from 00:00, which never occurs (%j)',
    async (rrule, args) => {
      const stuck = await createRepository({}, { fromExample: true, onlyChanges: 'chg-0151' });
      try {
        await stuck.write({
          'policies/windows.yaml': `${header}  - name: x\n    effect: deny\n    schedule: {rrule: "${rrule}", start: "00:00", duration: PT1H}\n`,
        });
        await stuck.commit('a rule whose steps never reach its hour');

        const result = await runCli(args, { cwd: stuck.root, timeout: 30_000 });

        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain('policies/windows.yaml:7:');
        expect(result.stderr).toContain(`RRULE '${rrule}' never occurs`);
      } finally {
        await stuck.remove();
      }
    },
  );
});
