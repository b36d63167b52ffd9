import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { ChangeProposal } from '../core/model.js';
import { formatLocalAndUtc } from '../core/time.js';
import { checkLeadTime, EARLIEST_SCHEDULE_MS, resolveSchedule } from './schedule.js';

const locate = () => ({ line: 1, column: 1 });

function resolve(schedule: Record<string, string>) {
  return resolveSchedule({ schedule } as unknown as ChangeProposal, locate, 'changes/x.yaml', undefined);
}

describe('resolveSchedule', () => {
  it('reads every RFC 3339 instant exactly as Temporal does, or rejects it as Temporal does', () => {
    // why: the counterexample one seed found (a 1970 date with +14:00 is before the epoch), always checked.
    expect(resolve({ start: '1970-01-01T00:00:00+14:00', duration: 'PT1H' }).schedule).toBeUndefined();
    const two = (max: number) => fc.integer({ min: 0, max }).map((value) => String(value).padStart(2, '0'));
    const text = fc
      .tuple(
        fc.integer({ min: 1970, max: 2100 }),
        two(13),
        two(31),
        two(24),
        two(60),
        two(60),
        fc.constantFrom('Z', '+01:00', '-06:00', '+05:30', '+14:00'),
      )
      .map(
        ([year, month, day, hour, minute, second, offset]) =>
          `${year}-${month}-${day}T${hour}:${minute}:${second}${offset}`,
      );

    fc.assert(
      fc.property(text, (start) => {
        let expected: number | undefined;
        try {
          expected = Temporal.Instant.from(start).epochMilliseconds;
        } catch {
          expected = undefined;
        }

        const resolved = resolve({ start, duration: 'PT1H' });

        // why: before 1970-01-01T00:00:00Z (a 1970 date with a positive offset) is outside the
        // schedulable years: a finding, never a silent instant.
        if (expected !== undefined && expected < EARLIEST_SCHEDULE_MS) {
          expect(resolved.schedule).toBeUndefined();
          expect(resolved.findings.map((finding) => finding.message).join('\n')).toContain(
            'outside the years netchange schedules',
          );
          return;
        }
        expect(resolved.schedule?.startMs).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads local times exactly as Temporal does (compatible disambiguation), across DST transitions', () => {
    const zones = [
      'America/Chicago',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'Asia/Kolkata',
      'America/Santiago',
      'UTC',
    ];
    const local = fc
      .record({
        zone: fc.constantFrom(...zones),
        // why: days around the transitions of 2026 and 2027 in the zones above, and ordinary days.
        day: fc.integer({ min: 0, max: 729 }),
        minutes: fc.integer({ min: 0, max: 24 * 60 - 1 }),
      })
      .map(({ zone, day, minutes }) => {
        const date = Temporal.PlainDate.from('2026-01-01').add({ days: day });
        const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
        return { zone, text: `${date.toString()}T${time}` };
      });

    fc.assert(
      fc.property(local, ({ zone, text }) => {
        const expected = Temporal.PlainDateTime.from(text).toZonedDateTime(zone, {
          disambiguation: 'compatible',
        }).epochMilliseconds;

        const resolved = resolveSchedule(
          { schedule: { start: text, duration: 'PT1H', timezone: zone } } as unknown as ChangeProposal,
          locate,
          'changes/x.yaml',
          undefined,
        );

        expect(resolved.schedule?.startMs).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    ['PT1H30M', 90 * 60_000],
    ['PT45S', 45_000],
    ['P1D', 25 * 3600_000],
  ])(
    'adds %s as elapsed time, days by the calendar (25 hours on the fall-back day)',
    (duration, expectedMs) => {
      const resolved = resolveSchedule(
        {
          schedule: { start: '2026-11-01T00:00', duration, timezone: 'America/Chicago' },
        } as unknown as ChangeProposal,
        locate,
        'changes/x.yaml',
        undefined,
      );

      expect(resolved.schedule!.endMs - resolved.schedule!.startMs).toBe(expectedMs);
    },
  );

  it('moves a local time in the spring-forward gap forward by the gap', () => {
    const resolved = resolveSchedule(
      {
        schedule: { start: '2026-03-08T02:30', duration: 'PT1H', timezone: 'America/Chicago' },
      } as unknown as ChangeProposal,
      locate,
      'changes/x.yaml',
      undefined,
    );

    expect(new Date(resolved.schedule!.startMs).toISOString()).toBe('2026-03-08T08:30:00.000Z');
  });

  it('says why a start in the spring-forward gap ends up after an end that reads later', () => {
    const resolved = resolveSchedule(
      {
        schedule: { start: '2026-03-08T02:30', end: '2026-03-08T03:15', timezone: 'America/Chicago' },
      } as unknown as ChangeProposal,
      locate,
      'changes/x.yaml',
      undefined,
    );

    expect(resolved.findings.map((finding) => finding.message)).toEqual([
      'schedule.end must be after schedule.start; 02:30 is in the spring-forward gap, so it starts Sun 8 Mar 2026 03:30 CDT (08:30Z)',
    ]);
    expect(resolved.findings[0]?.hint).toContain('clock change');
  });

  it('rejects a start with no time of day instead of reading it as midnight', () => {
    expect(resolve({ start: '2026-11-29', duration: 'PT1H', timezone: 'America/Chicago' }).findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: "schedule.start '2026-11-29' has no time of day",
        hint: expect.stringContaining("'2026-11-29T02:00'"),
      }),
    ]);
    expect(
      resolve({ start: '2026-11-29 02:00', duration: 'PT1H', timezone: 'America/Chicago' }).findings,
    ).toEqual([]);
  });

  it('rejects Feb 29 in a common year and accepts it in a leap year', () => {
    expect(resolve({ start: '2027-02-29T02:00:00Z', duration: 'PT1H' }).findings[0]?.message).toContain(
      'is not a valid date-time',
    );
    expect(resolve({ start: '2028-02-29T02:00:00Z', duration: 'PT1H' }).findings).toEqual([]);
  });

  it.each([
    ['1970-01-01T00:00:00Z', 'PT1H', undefined, []],
    ['1969-12-31T23:59:00Z', 'PT1H', undefined, ['outside the years netchange schedules']],
    ['0050-06-01T00:00:00Z', 'PT1H', undefined, ['outside the years netchange schedules']],
    ['9999-12-31T22:00:00Z', 'PT1H', undefined, []],
    ['+010000-01-01T00:00:00Z', 'PT1H', undefined, ['outside the years netchange schedules']],
    ['2026-11-29T00:00:00Z', 'P89D', 'P1D', []],
    [
      '2026-11-29T00:00:00Z',
      'P89D',
      'PT24H1S',
      ["schedule.rollback 'PT24H1S' makes the change occupy more than 90 days"],
    ],
    ['2026-11-29T00:00:00Z', 'P999999999D', undefined, ["schedule.duration 'P999999999D' makes the change"]],
    ['2026-11-29T00:00:00Z', 'PT1H', 'P99999999D', ["schedule.rollback 'P99999999D' makes the change"]],
  ])(
    'bounds %s + %s (rollback %s) to years 1970-9999 and 90 occupied days',
    (start, duration, rollback, messages) => {
      const resolved = resolve({ start, duration, ...(rollback ? { rollback } : {}) });

      expect(resolved.findings.map((finding) => finding.message)).toEqual(
        messages.map((message) => expect.stringContaining(message)),
      );
    },
  );

  it.each(['+05:00', '-06:00', '\u221205:00', 'Mars/Olympus'])('refuses the time zone %s', (timezone) => {
    const resolved = resolve({ start: '2026-11-29T02:00', duration: 'PT1H', timezone });

    expect(resolved.findings[0]?.message).toBe(
      `schedule.timezone '${timezone}' is not a known IANA time zone`,
    );
  });

  it('refuses a start more than 5 years after the evaluation time, not one just inside', () => {
    const at = Date.parse('2026-11-01T00:00:00Z');

    expect(checkLeadTime({ startMs: at + 1826 * 86_400_000 }, at, 'changes/x.yaml', locate)).toBeUndefined();
    expect(
      checkLeadTime({ startMs: at + 1827 * 86_400_000 }, at, 'changes/x.yaml', locate)?.message,
    ).toContain('more than 5 years after 2026-11-01T00:00:00Z');
  });

  it('formats any instant and zone without throwing', () => {
    expect(formatLocalAndUtc(Date.parse('2026-11-29T08:00:00Z'), 'America/Chicago')).toBe(
      'Sun 29 Nov 2026 02:00 CST (08:00Z)',
    );
    expect(formatLocalAndUtc(Date.parse('2026-11-29T08:00:00Z'), '+05:00')).toMatch(/^Sun 29 Nov 2026 /);
    expect(formatLocalAndUtc(1e20, 'UTC')).toContain('out of range');
  });
});
