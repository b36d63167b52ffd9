import { CronExpressionParser } from 'cron-parser';
import { describe, expect, it } from 'vitest';
import { zoneClock } from '../core/zone-clock.js';
import { parseRule } from './rrule-times.js';
import { cronExpander, rruleExpander } from './schedules.js';

const FROM = Date.UTC(2026, 0, 1);
const TO = Date.UTC(2027, 0, 1);

describe('cron expansion', () => {
  it.each([
    '0 1 * * 0',
    '30 6 * * 1-5',
    '*/20 9-10 * * *',
    '0 0 1,15 * *',
    '0 1 1-7 * 1',
    '15 2 * 3,11 0',
    '0 0 * * 7',
    '0 12 31 * *',
    '0 3 L * *',
  ])('fires exactly when cron-parser does for %s', (expression) => {
    const expected: number[] = [];
    const iterator = CronExpressionParser.parse(expression, {
      tz: 'UTC',
      currentDate: new Date(FROM - 1000),
      endDate: new Date(TO),
    });
    while (iterator.hasNext()) {
      const next = iterator.next().getTime();
      if (next < TO) expected.push(next);
    }

    const starts = cronExpander(
      expression,
      zoneClock('UTC'),
      60_000,
    )(FROM, TO).map((occurrence) => occurrence.startMs);

    expect(starts).toEqual(expected);
  });
});

describe('rrule expansion without a dated start', () => {
  it('gives the same occurrences whatever span is asked for (the default anchor never leaks)', () => {
    const expand = rruleExpander(
      parseRule('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU'),
      zoneClock('Europe/Berlin'),
      9 * 3_600_000,
      undefined,
      3_600_000,
    );

    const whole = expand(FROM, TO).map((occurrence) => occurrence.startMs);
    const halves = [...expand(FROM, Date.UTC(2026, 6, 1)), ...expand(Date.UTC(2026, 6, 1), TO)].map(
      (occurrence) => occurrence.startMs,
    );

    expect(halves).toEqual(whole);
    expect(whole).toHaveLength(26);
    expect(new Set(whole.map((start) => Math.round((start - whole[0]!) / 86_400_000) % 14))).toEqual(
      new Set([0]),
    );
  });

  it('places monthly rules on the right days, e.g. the last three days of each quarter', () => {
    const expand = rruleExpander(
      parseRule('FREQ=MONTHLY;BYMONTH=3,6,9,12;BYMONTHDAY=-3'),
      zoneClock('America/Chicago'),
      0,
      undefined,
      3 * 86_400_000,
    );

    const starts = expand(FROM, TO).map((occurrence) => new Date(occurrence.startMs).toISOString());

    expect(starts).toEqual([
      '2026-03-29T05:00:00.000Z',
      '2026-06-28T05:00:00.000Z',
      '2026-09-28T05:00:00.000Z',
      '2026-12-29T06:00:00.000Z',
    ]);
  });
});
