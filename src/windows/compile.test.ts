import { describe, expect, it } from 'vitest';
import { parseYaml } from '../documents/parse-yaml.js';
import { compileWindowPolicy } from './compile.js';

function compile(
  windows: string,
  header = 'timezone: America/Chicago',
  options: Parameters<typeof compileWindowPolicy>[1] = {},
) {
  // Line 1 apiVersion, 2 kind, 3 header, 4 windows:, 5 the first window's name.
  const text = `apiVersion: netchange/v1\nkind: WindowPolicy\n${header}\nwindows:\n${windows}`;
  return compileWindowPolicy(parseYaml('policies/windows.yaml', text), options);
}

describe('compileWindowPolicy errors (exit 2), each at its line', () => {
  it.each([
    [
      'an unknown policy time zone, never UTC',
      '  - name: a\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      'timezone: America/Chicgo',
      3,
      "unknown time zone 'America/Chicgo'",
    ],
    [
      'an unknown window time zone',
      '  - name: a\n    effect: deny\n    timezone: Mars/Olympus\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      undefined,
      7,
      "window 'a': unknown time zone 'Mars/Olympus'",
    ],
    [
      'an invalid RRULE',
      '  - name: a\n    effect: deny\n    schedule:\n      rrule: "FREQ=WEEKLY;BYDAY=XX"\n      start: "06:00"\n      duration: PT1H\n',
      undefined,
      8,
      "window 'a': invalid RRULE 'FREQ=WEEKLY;BYDAY=XX'",
    ],
    [
      'an RRULE with DTSTART',
      '  - name: a\n    effect: deny\n    schedule: {rrule: "FREQ=DAILY;DTSTART=20260101T000000", start: "06:00", duration: PT1H}\n',
      undefined,
      7,
      'DTSTART is not allowed',
    ],
    [
      'an invalid cron',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 25 * * *"\n      duration: PT1H\n',
      undefined,
      8,
      "window 'a': invalid cron '0 25 * * *'",
    ],
    [
      'a six-field cron',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 0 1 * * *"\n      duration: PT1H\n',
      undefined,
      8,
      'a cron expression has 5 fields',
    ],
    [
      'an invalid duration',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 1 * * *"\n      duration: P1M\n',
      undefined,
      9,
      "window 'a': invalid duration 'P1M'",
    ],
    [
      'a duration past what a clock holds',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 1 * * *"\n      duration: P99999999999D\n',
      undefined,
      9,
      "window 'a': duration 'P99999999999D' is longer than a year (P366D)",
    ],
    [
      'from after to',
      '  - name: a\n    effect: deny\n    schedule:\n      from: "2027-01-04T00:00"\n      to: "2026-12-20T00:00"\n',
      undefined,
      9,
      "window 'a': to (2026-12-20T00:00) is before from (2027-01-04T00:00)",
    ],
    [
      'an impossible date',
      '  - name: a\n    effect: deny\n    schedule:\n      from: "2026-02-30T00:00"\n      to: "2026-03-02T00:00"\n',
      undefined,
      8,
      "window 'a': invalid from '2026-02-30T00:00'",
    ],
    [
      'an unknown holiday country',
      '  - name: a\n    effect: deny\n    schedule:\n      holidays:\n        country: XX\n',
      undefined,
      9,
      "window 'a': unknown holiday country 'XX'",
    ],
    [
      'an unknown holiday region',
      '  - name: a\n    effect: deny\n    schedule:\n      holidays:\n        country: US\n        region: ZZ\n',
      undefined,
      10,
      "window 'a': unknown holiday region 'ZZ' for US",
    ],
    [
      'an invalid horizon',
      '  - name: a\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      'timezone: UTC\nhorizon: P3M',
      4,
      "invalid horizon 'P3M'",
    ],
    [
      'a horizon past two years',
      '  - name: a\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      'timezone: UTC\nhorizon: P99999999D',
      4,
      "horizon 'P99999999D' is longer than two years (P731D)",
    ],
    [
      'an RRULE with COUNT but no dated start',
      '  - name: a\n    effect: deny\n    schedule:\n      rrule: "FREQ=DAILY;COUNT=3"\n      start: "06:00"\n      duration: PT1H\n',
      undefined,
      9,
      'an RRULE with COUNT needs a dated start',
    ],
  ])('reports %s', (_name, windows, header, line, message) => {
    const { policy, findings } = compile(windows, header);

    expect(policy).toBeUndefined();
    const errors = findings.filter((finding) => finding.severity === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ ruleId: 'policy', file: 'policies/windows.yaml', line });
    expect(errors[0]!.message).toContain(message);
  });

  it('spells out the four schedule forms when a schedule mixes them', () => {
    const { policy, findings } = compile(
      '  - name: a\n    effect: deny\n    schedule: {rrule: FREQ=DAILY, start: "06:00", duration: PT1H, cron: "0 1 * * *"}\n',
    );

    expect(policy).toBeUndefined();
    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'schema',
        line: 7,
        message:
          'windows[0].schedule must take exactly one form: {rrule, start, duration}, {cron, duration}, {from, to} or {holidays}; it has rrule, start, duration, cron',
      }),
    ]);
  });

  it('reports schema problems before semantics, with their line', () => {
    const { policy, findings } = compile(
      '  - name: a\n    effect: maybe\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
    );

    expect(policy).toBeUndefined();
    expect(findings[0]).toMatchObject({ ruleId: 'schema', line: 6 });
  });
});

describe('compileWindowPolicy warnings', () => {
  it.each([
    [
      'a start in a DST gap within the horizon',
      '  - name: a\n    effect: deny\n    schedule:\n      rrule: FREQ=DAILY\n      start: "02:30"\n      duration: PT1H\n',
      9,
      "window 'a' starts in a DST gap on Sun 8 Mar 2026",
    ],
    [
      'an allow window that a deny window always covers',
      '  - name: a\n    effect: allow\n    scope: {sites: [plant-a]}\n    schedule: {cron: "0 1 * * 0", duration: PT4H}\n  - name: b\n    effect: deny\n    schedule: {cron: "0 0 * * 0", duration: PT6H}\n',
      5,
      "allow window 'a' is always covered by deny window 'b'",
    ],
    [
      'a zero-length window',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 1 * * *"\n      duration: PT0S\n',
      9,
      "window 'a' has zero length",
    ],
    [
      'a duplicate window',
      '  - name: a\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n  - name: b\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      8,
      "window 'b' duplicates window 'a'",
    ],
    [
      'a duplicate name',
      '  - name: a\n    effect: deny\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n  - name: a\n    effect: deny\n    schedule: {cron: "0 3 * * *", duration: PT1H}\n',
      8,
      "window name 'a' is used twice",
    ],
    [
      'a site no inventory knows',
      '  - name: a\n    effect: deny\n    scope:\n      sites: [plant-a, plant-z]\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      8,
      "site 'plant-z' matches no site",
    ],
    [
      'a device pattern matching no device',
      '  - name: a\n    effect: deny\n    scope:\n      devices: ["rtr-*"]\n    schedule: {cron: "0 1 * * *", duration: PT1H}\n',
      8,
      "device pattern 'rtr-*' matches no device",
    ],
    [
      'a weekly RRULE that names no day',
      '  - name: a\n    effect: deny\n    schedule:\n      rrule: FREQ=WEEKLY\n      start: "04:00"\n      duration: PT1H\n',
      8,
      'names no day, so it takes Saturday from the default anchor 2000-01-01',
    ],
    [
      'the cron day-of-month OR day-of-week trap',
      '  - name: a\n    effect: deny\n    schedule:\n      cron: "0 1 1-7 * 1"\n      duration: PT1H\n',
      8,
      'fires when EITHER matches',
    ],
  ])('warns about %s', (_name, windows, line, message) => {
    const { policy, findings } = compile(windows, 'timezone: America/Chicago', {
      from: new Date('2026-03-01T00:00:00Z'),
      knownScopeValues: { sites: ['plant-a', 'hq', 'berlin'], devices: ['sw-plant-a-01', 'fw-hq-01'] },
    });

    expect(policy).toBeDefined();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'policy', severity: 'warning', line });
    expect(findings[0]!.message).toContain(message);
  });

  it('compiles the example policy without findings', async () => {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(
      new URL('../../examples/plant-network/policies/windows.yaml', import.meta.url),
      'utf8',
    );

    const { policy, findings } = compileWindowPolicy(parseYaml('policies/windows.yaml', text), {
      from: new Date('2026-11-23T00:00:00Z'),
      knownScopeValues: { sites: ['plant-a', 'hq', 'berlin'] },
    });

    expect(findings).toEqual([]);
    expect(policy?.windows.map((window) => window.name)).toHaveLength(6);
  });
});
