import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { libraryHolidays } from '../holidays.js';
import { compileSchedule, SCHEDULE_FORMS, scheduleFormOf, startKeyOf } from './index.js';

interface ScheduleSchema {
  properties: Record<string, unknown>;
  oneOf: { required: string[] }[];
}

const schedule = (
  JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../../schemas/window-policy.schema.json'), 'utf8'),
  ) as { $defs: { schedule: ScheduleSchema } }
).$defs.schedule;

const context = {
  window: 'w',
  zone: 'America/Chicago',
  durationMs: 3_600_000,
  usable: true,
  holidays: libraryHolidays,
};

describe('the schedule form registry', () => {
  it("has one form per branch of the schema's oneOf, in the same order and with the same keys", () => {
    const formKeys = SCHEDULE_FORMS.map((form) => [...form.keys]);

    const branchKeys = schedule.oneOf.map((branch) => branch.required);

    expect(formKeys).toEqual(branchKeys);
  });

  it('selects by keys its schema branch requires and points only at keys the schema knows', () => {
    const used = SCHEDULE_FORMS.flatMap((form) => [
      ...form.selectedBy,
      ...(form.startKey ? [form.startKey] : []),
    ]);

    expect(used.filter((key) => !(key in schedule.properties))).toEqual([]);
    // why: a schedule the schema accepts holds some branch's keys, so it then always selects a form.
    expect(SCHEDULE_FORMS.filter((form) => !form.selectedBy.every((key) => form.keys.includes(key)))).toEqual(
      [],
    );
  });

  it.each([
    [{ rrule: 'FREQ=DAILY', start: '06:00', duration: 'PT1H' }, 0, ['start']],
    [{ cron: '0 1 * * *', duration: 'PT1H' }, 1, ['cron']],
    [{ from: '2026-12-24', to: '2026-12-27' }, 2, ['from']],
    [{ holidays: { country: 'US' } }, 3, []],
  ])('takes %j as form %i and places a DST-gap warning at %j', (fields, index, startKey) => {
    expect(scheduleFormOf(fields)).toBe(SCHEDULE_FORMS[index]);
    expect(startKeyOf(fields)).toEqual(startKey);
  });

  it('takes no form for a schedule without any form’s keys (the schema reports it)', () => {
    expect(compileSchedule({ from: '2026-12-24' }, context)).toBeUndefined();
  });

  it('reports a form’s findings below the schedule and compiles nothing when one is an error', () => {
    const result = compileSchedule({ from: '2027-01-04T00:00', to: '2026-12-20T00:00' }, context);

    expect(result).toEqual({
      findings: [
        {
          severity: 'error',
          path: ['to'],
          message: "window 'w': to (2026-12-20T00:00) is before from (2027-01-04T00:00)",
          hint: 'Swap the two, or fix the date.',
        },
      ],
    });
  });

  it.each([
    ['FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31', '22:00', ''],
    ['FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30', '22:00', ''],
    ['FREQ=DAILY;UNTIL=20260101', '2026-06-01T22:00', ''],
    // why: steps that never reach BYHOUR/BYMINUTE; rrule.js itself loops forever on these.
    ['FREQ=HOURLY;INTERVAL=24;BYHOUR=1', '00:00', 'steps of 24 hours from 00:00 only reach 00:00'],
    ['FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', '00:00', 'steps of 120 minutes from 00:00 only reach the times'],
    ['FREQ=MINUTELY;INTERVAL=30;BYMINUTE=15', '2026-06-01T22:00', 'steps of 30 minutes from 22:00'],
  ])(
    'refuses an RRULE that never occurs (%s from %s): the window would hold nothing',
    (rrule, start, hint) => {
      const result = compileSchedule({ rrule, start, duration: 'PT1H' }, context);

      expect(result?.compiled).toBeUndefined();
      expect(result?.findings).toEqual([
        expect.objectContaining({
          severity: 'error',
          path: ['rrule'],
          message: `window 'w': RRULE '${rrule}' never occurs, so the window never blocks or allows anything`,
          ...(hint ? { hint: expect.stringContaining(hint) } : {}),
        }),
      ]);
    },
  );

  it.each([
    // why: 01:00 is reachable (gcd(777, 1440) = 3 minutes), though only 28 times in half a year.
    ['FREQ=MINUTELY;INTERVAL=777;BYHOUR=1,2', 0, 28],
    ['FREQ=MINUTELY;INTERVAL=120;BYHOUR=1', 60, 181],
    ['FREQ=HOURLY;INTERVAL=24;BYHOUR=1', 60, 181],
  ])(
    'expands %s from minute %i of the day to every step in its hours (%i in the first half of 2026)',
    (rrule, startMinute, count) => {
      const startMs = Date.UTC(2000, 0, 1, 0, startMinute);
      const stepMs =
        Number(/INTERVAL=(\d+)/.exec(rrule)![1]) * (rrule.includes('HOURLY') ? 3_600_000 : 60_000);
      const hours = /BYHOUR=([\d,]+)/.exec(rrule)![1]!.split(',').map(Number);
      const from = Date.UTC(2026, 0, 1);
      const to = Date.UTC(2026, 6, 1);
      const expected: number[] = [];
      for (let wall = startMs + Math.ceil((from - startMs) / stepMs) * stepMs; wall < to; wall += stepMs)
        if (hours.includes(new Date(wall).getUTCHours())) expected.push(wall);

      const result = compileSchedule(
        { rrule, start: `${String(startMinute / 60).padStart(2, '0')}:00`, duration: 'PT1H' },
        { ...context, zone: 'UTC' },
      );
      const starts = result?.compiled?.expand(from, to).map((occurrence) => occurrence.startMs);

      expect(result?.findings).toEqual([]);
      expect(starts).toEqual(expected);
      expect(starts).toHaveLength(count);
    },
    60_000,
  );

  it('steps a FREQ=MINUTELY rule into its BYHOUR by minutes (every 90 minutes from 01:00 meets 01:00 only)', () => {
    const result = compileSchedule(
      { rrule: 'FREQ=MINUTELY;INTERVAL=90;BYHOUR=1', start: '01:00', duration: 'PT10M' },
      { ...context, zone: 'UTC' },
    );

    const starts = result?.compiled
      ?.expand(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 4))
      .map((occurrence) => new Date(occurrence.startMs).toISOString());

    expect(starts).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-02T01:00:00.000Z',
      '2026-01-03T01:00:00.000Z',
    ]);
  });

  it.each([
    ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30', '22:00'],
    ['FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31', '22:00'],
    ['FREQ=DAILY;INTERVAL=7;BYDAY=TU', '22:00'],
  ])(
    'refuses %s from %s, a rule whose days never come (the steps never land on a day it names)',
    (rrule, start) => {
      const result = compileSchedule({ rrule, start, duration: 'PT1H' }, context);

      expect(result?.findings.map((finding) => finding.message)).toEqual([
        `window 'w': RRULE '${rrule}' never occurs, so the window never blocks or allows anything`,
      ]);
    },
  );

  it('starts a one-off window whose from falls in a DST gap when the clocks jump (02:30 → 03:00 CDT)', () => {
    const result = compileSchedule({ from: '2026-03-08T02:30', to: '2026-03-08T03:15' }, context);

    const occurrences = result?.compiled?.expand(Date.UTC(2026, 2, 8), Date.UTC(2026, 2, 9));

    expect(result?.findings).toEqual([]);
    expect(occurrences).toEqual([
      { startMs: Date.UTC(2026, 2, 8, 8), endMs: Date.UTC(2026, 2, 8, 8, 15), shifted: true },
    ]);
  });

  it.each([
    ['2026-03-08T02:10', '2026-03-08T02:40'],
    ['2026-03-08T02:30', '2026-03-08T03:00'],
  ])('refuses a one-off window from %s to %s, local times that do not exist (a DST gap)', (from, to) => {
    const result = compileSchedule({ from, to }, context);

    expect(result).toEqual({
      findings: [
        expect.objectContaining({
          severity: 'error',
          path: ['from'],
          message: `window 'w': every local time from ${from} up to ${to} falls in a DST gap of America/Chicago (the clocks jump forward), so the window holds no instant`,
        }),
      ],
    });
  });

  it('compiles a rule that occurs only on a leap day', () => {
    const result = compileSchedule(
      { rrule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', start: '22:00', duration: 'PT1H' },
      context,
    );

    expect(result?.findings).toEqual([]);
    expect(result?.compiled).toBeDefined();
  });

  it('checks the fields but builds no expander when the window is already invalid', () => {
    const result = compileSchedule({ cron: '0 1 1-7 * 1', duration: 'PT1H' }, { ...context, usable: false });

    expect(result?.compiled).toBeUndefined();
    expect(result?.findings.map((finding) => [finding.severity, finding.path])).toEqual([
      ['warning', ['cron']],
    ]);
  });

  it('compiles a valid schedule into an expander, a description and a longest length', () => {
    const result = compileSchedule({ from: '2026-12-24', to: '2026-12-27' }, context);

    const occurrences = result?.compiled?.expand(Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 1));
    expect(result?.findings).toEqual([]);
    // why: only the dates; the display format of local times belongs to the time module.
    expect(result?.compiled?.description).toMatch(/2026-12-24.* to .*2026-12-27/);
    expect(result?.compiled?.maxLengthMs).toBe(3 * 86_400_000);
    expect(occurrences).toEqual([
      { startMs: Date.UTC(2026, 11, 24, 6), endMs: Date.UTC(2026, 11, 27, 6), shifted: false },
    ]);
  });
});
