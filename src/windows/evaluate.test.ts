import { describe, expect, it } from 'vitest';
import { parseYaml } from '../documents/parse-yaml.js';
import { compileWindowPolicy } from './compile.js';
import { evaluateWindows, listOccurrences, nextAllowedSlots } from './evaluate.js';
import type { CompiledWindowPolicy } from './model.js';
import { buildSubject } from './test-support.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const AT = new Date('2026-01-01T00:00:00Z');

function policyOf(windows: string, header = 'timezone: America/Chicago'): CompiledWindowPolicy {
  const document = parseYaml(
    'policies/windows.yaml',
    `apiVersion: netchange/v1\nkind: WindowPolicy\n${header}\nwindows:\n${windows}`,
  );
  const { policy, findings } = compileWindowPolicy(document);
  expect(findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  return policy!;
}

function evaluate(
  policy: CompiledWindowPolicy,
  start: string,
  minutes: number,
  extra: Parameters<typeof buildSubject>[0]['proposal'] = {},
  rollbackMinutes = 0,
) {
  const subject = buildSubject({
    startMs: Date.parse(start),
    lengthMs: minutes * MINUTE,
    rollbackMs: rollbackMinutes * MINUTE,
    proposal: extra,
  });
  return evaluateWindows(policy, subject, { at: AT, risk: 'low', bypass: false });
}

const THURSDAY_NIGHT = `  - name: thursday-night-backup
    effect: deny
    reason: Backups saturate the uplinks
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=TH", start: "23:00", duration: PT2H}
`;

describe('evaluateWindows regressions', () => {
  it('blocks a change after midnight inside a window that crosses midnight (Thursday 23:00 - Friday 01:00)', () => {
    const policy = policyOf(THURSDAY_NIGHT);

    // Friday 2026-03-06 00:00 CST = 06:00Z
    const verdict = evaluate(policy, '2026-03-06T06:00:00Z', 30);

    expect(verdict.open).toBe(false);
    expect(verdict.findings[0]).toMatchObject({
      ruleId: 'window',
      policy: 'thursday-night-backup',
      severity: 'error',
      line: 12,
      column: 10,
    });
    expect(verdict.findings[0]!.message).toBe("blocked by deny window 'thursday-night-backup'");
    expect(verdict.findings[0]!.detail).toContain(
      'Thu 5 Mar 2026 23:00 CST – Fri 6 Mar 2026 01:00 CST (6 Mar 05:00–07:00Z)',
    );
    expect(verdict.findings[0]!.detail).toContain('Backups saturate the uplinks');
    expect(verdict.nextAllowed).toEqual({ start: '2026-03-06T07:00:00Z', end: '2026-03-06T07:30:00Z' });
  });

  it('lets a change start exactly when the midnight-crossing window ends (touching is not overlapping)', () => {
    const policy = policyOf(THURSDAY_NIGHT);

    const verdict = evaluate(policy, '2026-03-06T07:00:00Z', 60);

    expect(verdict).toMatchObject({ open: true, findings: [], overlapping: [] });
  });

  it('lets a change end exactly when a deny window starts, but counts rollback time as occupied', () => {
    const policy = policyOf(THURSDAY_NIGHT);

    const touching = evaluate(policy, '2026-03-06T04:00:00Z', 60);
    const withRollback = evaluate(policy, '2026-03-06T04:00:00Z', 60, {}, 1);

    expect(touching.open).toBe(true);
    expect(withRollback.open).toBe(false);
    expect(withRollback.nextAllowed).toEqual({ start: '2026-03-06T07:00:00Z', end: '2026-03-06T08:01:00Z' });
  });

  it('does not block outside an inactive deny window', () => {
    const policy = policyOf(`  - name: weekday-production
    effect: deny
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "06:00", duration: PT16H}
`);

    // Sunday 2026-03-01 10:00 CST
    const verdict = evaluate(policy, '2026-03-01T16:00:00Z', 120);

    expect(verdict).toMatchObject({ open: true, findings: [] });
  });

  it('does not let an allow window that does not apply to the change restrict it', () => {
    const policy = policyOf(`  - name: berlin-nights
    effect: allow
    timezone: Europe/Berlin
    scope: {sites: [berlin]}
    schedule: {rrule: "FREQ=DAILY", start: "22:00", duration: PT6H}
`);

    const verdict = evaluate(policy, '2026-03-04T16:00:00Z', 60);

    expect(verdict).toMatchObject({ open: true, findings: [] });
  });

  it('moves an occurrence in the spring-forward gap forward by the gap (02:30 CST does not exist on 2026-03-08)', () => {
    const policy = policyOf(`  - name: nightly
    effect: deny
    schedule: {rrule: "FREQ=DAILY", start: "02:30", duration: PT30M}
`);

    const before = evaluate(policy, '2026-03-08T08:00:00Z', 30); // 03:00-03:30 CDT
    const during = evaluate(policy, '2026-03-08T08:30:00Z', 10); // 03:30 CDT

    expect(before.open).toBe(true);
    expect(during.open).toBe(false);
    expect(during.findings[0]!.detail).toContain('Sun 8 Mar 2026 03:30–04:00 CDT (08:30–09:00Z)');
  });

  it('blocks a one-off deny window from the clock jump when its from falls in the spring-forward gap', () => {
    const policy = policyOf(`  - name: gapwin
    effect: deny
    schedule: {from: "2026-03-08T02:30", to: "2026-03-08T03:15"}
`);

    const blocked = evaluate(policy, '2026-03-08T08:00:00Z', 10); // 03:00-03:10 CDT
    const after = evaluate(policy, '2026-03-08T08:15:00Z', 10); // 03:15 CDT
    const listed = listOccurrences(policy, { from: new Date('2026-03-08T06:00:00Z'), days: 1 });

    expect(blocked.open).toBe(false);
    expect(blocked.findings[0]).toMatchObject({ policy: 'gapwin', severity: 'error' });
    expect(after.open).toBe(true);
    expect(
      listed.map((occurrence) => [occurrence.window, occurrence.localStart, occurrence.localEnd]),
    ).toEqual([['gapwin', '2026-03-08T03:00:00-05:00', '2026-03-08T03:15:00-05:00']]);
  });

  it('takes the earlier offset for a time in the fall-back repeated hour', () => {
    const policy = policyOf(`  - name: nightly
    effect: deny
    schedule: {rrule: "FREQ=DAILY", start: "01:00", duration: PT30M}
`);

    const firstPass = evaluate(policy, '2026-11-01T06:00:00Z', 10); // 01:00 CDT
    const secondPass = evaluate(policy, '2026-11-01T07:00:00Z', 10); // 01:00 CST, the repeated hour

    expect(firstPass.open).toBe(false);
    expect(firstPass.findings[0]!.detail).toContain('overlaps Sun 1 Nov 2026 01:00–01:30 CDT (06:00–06:30Z)');
    expect(secondPass.open).toBe(true);
  });

  it('keeps each occurrence at its own date’s offset across a DST change', () => {
    const policy = policyOf(`  - name: production
    effect: deny
    schedule: {rrule: "FREQ=DAILY", start: "06:00", duration: PT1H}
`);

    const occurrences = listOccurrences(policy, { from: new Date('2026-03-07T00:00:00Z'), days: 2 });

    expect(occurrences.map((occurrence) => occurrence.start)).toEqual([
      '2026-03-07T12:00:00Z',
      '2026-03-08T11:00:00Z',
    ]);
    expect(occurrences.map((occurrence) => occurrence.localStart)).toEqual([
      '2026-03-07T06:00:00-06:00',
      '2026-03-08T06:00:00-05:00',
    ]);
  });
});

describe('evaluateWindows precedence, scope, overrides and bypass', () => {
  const PLANT = `  - name: plant-a-production
    effect: deny
    reason: Lines 1-3 run
    scope: {sites: [plant-a], domains: [switching, wireless]}
    schedule: {rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", start: "06:00", duration: PT16H}
    override: {approvals: [{team: plant-ops, count: 1}]}
  - name: sunday-maintenance
    effect: allow
    scope: {sites: [plant-a]}
    schedule: {cron: "0 1 * * 0", duration: PT4H}
  - name: freeze
    effect: deny
    reason: Year-end freeze
    schedule: {from: "2026-12-20", to: "2027-01-04"}
`;

  it('turns an override deny violation into an approval requirement and a warning', () => {
    const policy = policyOf(PLANT);

    // Monday 2026-11-30 10:00 CST: inside production, outside the Sunday allow window.
    const verdict = evaluate(policy, '2026-11-30T16:00:00Z', 60);

    expect(verdict.overrideApprovals).toEqual([
      { team: 'plant-ops', count: 1, reason: "override of deny window 'plant-a-production'" },
    ]);
    expect(verdict.findings.map((finding) => [finding.policy, finding.severity])).toEqual([
      ['plant-a-production', 'warning'],
      ['sunday-maintenance', 'error'],
    ]);
    expect(verdict.nextAllowed).toEqual({ start: '2026-12-06T07:00:00Z', end: '2026-12-06T08:00:00Z' });
  });

  it('lets deny win over allow', () => {
    const policy = policyOf(PLANT);

    // Sunday 2026-12-27 01:00 CST: inside the Sunday allow window and the freeze.
    const verdict = evaluate(policy, '2026-12-27T07:00:00Z', 60);

    expect(verdict.open).toBe(false);
    expect(verdict.overlapping).toEqual(['freeze', 'sunday-maintenance']);
    expect(verdict.findings).toHaveLength(1);
    expect(verdict.findings[0]).toMatchObject({
      policy: 'freeze',
      severity: 'error',
      nextAllowed: { start: '2027-01-10T07:00:00Z' },
    });
  });

  it('turns window errors into warnings saying the window was bypassed for emergencies', () => {
    const policy = policyOf(PLANT);
    const subject = buildSubject({ startMs: Date.parse('2026-12-27T07:00:00Z'), lengthMs: HOUR });

    const verdict = evaluateWindows(policy, subject, { at: AT, risk: 'high', bypass: true });

    expect(verdict.findings.map((finding) => finding.severity)).toEqual(['warning']);
    expect(verdict.findings[0]!.message).toBe(
      "bypassed (emergency): deny window 'freeze'; a retrospective review is due",
    );
    expect(verdict.findings[0]!.message).not.toContain('blocked');
    expect(verdict.overrideApprovals).toEqual([]);
  });

  it.each([
    ['a site it does not list', { targets: { sites: ['hq'] } }, true],
    ['a domain it does not list', { domain: 'firewall' }, true],
    ['a listed site and domain', { domain: 'wireless' }, false],
  ])('applies a scoped window by AND of its keys: %s', (_name, proposal, open) => {
    const policy = policyOf(`  - name: plant-a-production
    effect: deny
    scope: {sites: [plant-a], domains: [switching, wireless]}
    schedule: {rrule: "FREQ=DAILY", start: "06:00", duration: PT16H}
`);

    const verdict = evaluate(policy, '2026-11-30T16:00:00Z', 60, proposal);

    expect(verdict.open).toBe(open);
  });

  it.each([
    ['device glob matches', { devices: ['sw-plant-a-*'] }, false],
    ['device glob misses', { devices: ['fw-*'] }, true],
    ['tag matches', { tags: ['production'] }, false],
    ['type does not match', { types: ['emergency'] }, true],
    ['risk does not match', { risks: ['high'] }, true],
    ['risk matches', { risks: ['low', 'high'] }, false],
  ] as const)('matches scope keys: %s', (_name, scope, open) => {
    const policy = policyOf(`  - name: scoped
    effect: deny
    scope: ${JSON.stringify(scope)}
    schedule: {rrule: "FREQ=DAILY", start: "06:00", duration: PT16H}
`);

    const verdict = evaluate(policy, '2026-11-30T16:00:00Z', 60, {
      targets: { sites: ['plant-a'], devices: ['sw-plant-a-01'], tags: ['production'] },
    });

    expect(verdict.open).toBe(open);
  });

  it('requires the union of the applicable allow windows to cover the whole change', () => {
    const policy = policyOf(`  - name: early
    effect: allow
    schedule: {cron: "0 1 * * 0", duration: PT2H}
  - name: late
    effect: allow
    schedule: {cron: "0 3 * * 0", duration: PT2H}
`);

    // Sunday 2026-11-29 02:00-04:00 CST spans both windows.
    const spanning = evaluate(policy, '2026-11-29T08:00:00Z', 120);
    const overrunning = evaluate(policy, '2026-11-29T10:00:00Z', 120);

    expect(spanning.open).toBe(true);
    expect(overrunning.open).toBe(false);
    expect(overrunning.findings[0]).toMatchObject({ policy: 'early, late', severity: 'error' });
    expect(overrunning.findings[0]!.message).toBe("outside allow windows 'early', 'late'");
    expect(overrunning.findings[0]!.detail).toContain(
      'from Sun 29 Nov 2026 05:00 CST (11:00Z) no allow occurrence covers it',
    );
  });

  it('treats each US public holiday as its whole local day', () => {
    const policy = policyOf(`  - name: us-holidays
    effect: deny
    schedule: {holidays: {country: US}}
`);

    const lastMinuteBefore = evaluate(policy, '2026-12-25T05:59:00Z', 1);
    const christmasMorning = evaluate(policy, '2026-12-25T06:00:00Z', 1);

    expect(lastMinuteBefore.open).toBe(true);
    expect(christmasMorning.findings[0]!.detail).toContain(
      'Christmas Day, Fri 25 Dec 2026 00:00 CST – Sat 26 Dec 2026 00:00 CST (25 Dec 06:00Z – 26 Dec 06:00Z)',
    );
    expect(christmasMorning.nextAllowed?.start).toBe('2026-12-26T06:00:00Z');
  });
});

describe('nextAllowedSlots', () => {
  it('returns the first slot of each allowed run, never before `at`', () => {
    const policy = policyOf(`  - name: sunday-maintenance
    effect: allow
    schedule: {cron: "0 1 * * 0", duration: PT4H}
`);
    const subject = buildSubject({
      startMs: Date.parse('2026-11-23T16:00:00Z'),
      lengthMs: HOUR,
      rollbackMs: 30 * MINUTE,
    });

    const slots = nextAllowedSlots(policy, subject, {
      at: new Date('2026-11-29T08:00:00Z'),
      risk: 'low',
      count: 3,
    });

    expect(slots).toEqual([
      { start: '2026-11-29T08:00:00Z', end: '2026-11-29T09:30:00Z' },
      { start: '2026-12-06T07:00:00Z', end: '2026-12-06T08:30:00Z' },
      { start: '2026-12-13T07:00:00Z', end: '2026-12-13T08:30:00Z' },
    ]);
  });

  it('gives a day-long change its calendar length at each slot: P1D across the fall-back is 25 hours', () => {
    const policy = policyOf(`  - name: d1
    effect: deny
    schedule: {from: "2026-10-30T00:00", to: "2026-10-31T12:00"}
  - name: d2
    effect: deny
    schedule: {from: "2026-11-01T11:30", to: "2026-11-01T13:00"}
`);
    // Sat 31 Oct 00:00 CDT + P1D = Sun 1 Nov 00:00 CDT (24 hours: the clocks fall back at 02:00).
    const subject = buildSubject({
      startMs: Date.parse('2026-10-31T05:00:00Z'),
      lengthMs: 24 * HOUR,
      proposal: {
        schedule: { start: '2026-10-31T00:00:00-05:00', duration: 'P1D', timezone: 'America/Chicago' },
      },
    });
    const at = new Date('2026-10-01T00:00:00Z');

    const slots = nextAllowedSlots(policy, subject, { at, risk: 'low', count: 1 });
    const verdict = evaluateWindows(policy, subject, { at, risk: 'low', bypass: false });

    // Sat 31 Oct 12:00 CDT + P1D = Sun 1 Nov 12:00 CST, 25 hours later, inside d2: the first slot
    // starts when d2 ends, Sun 1 Nov 13:00 CST, and lasts until the same time on Monday.
    expect(slots).toEqual([{ start: '2026-11-01T19:00:00Z', end: '2026-11-02T19:00:00Z' }]);
    expect(verdict.nextAllowed).toEqual(slots[0]);
  });

  it('keeps the length of a change whose duration is in hours wherever it moves', () => {
    const policy = policyOf(`  - name: d1
    effect: deny
    schedule: {from: "2026-10-30T00:00", to: "2026-10-31T12:00"}
`);
    const subject = buildSubject({
      startMs: Date.parse('2026-10-31T05:00:00Z'),
      lengthMs: 24 * HOUR,
      proposal: {
        schedule: { start: '2026-10-31T00:00:00-05:00', duration: 'PT24H', timezone: 'America/Chicago' },
      },
    });

    const slots = nextAllowedSlots(policy, subject, { at: AT, risk: 'low', count: 1 });

    expect(slots).toEqual([{ start: '2026-10-31T17:00:00Z', end: '2026-11-01T17:00:00Z' }]);
  });

  it('returns no slot when none fits within the horizon', () => {
    const policy = policyOf(
      `  - name: short-allow
    effect: allow
    schedule: {cron: "0 1 * * 0", duration: PT1H}
`,
      'timezone: America/Chicago\nhorizon: P14D',
    );
    const subject = buildSubject({ startMs: Date.parse('2026-11-23T16:00:00Z'), lengthMs: 2 * HOUR });

    const slots = nextAllowedSlots(policy, subject, { at: AT, risk: 'low', count: 3 });
    const verdict = evaluateWindows(policy, subject, { at: AT, risk: 'low', bypass: false });

    expect(slots).toEqual([]);
    expect(verdict.nextAllowed).toBeUndefined();
    expect(verdict.findings[0]!.hint).toContain('No allowed slot within 14 days');
  });
});
