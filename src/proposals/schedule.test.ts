import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import type { ChangeProposal } from '../core/model.js';
import { resolveSchedule } from './schedule.js';

const locate = () => ({ line: 1, column: 1 });

function resolve(schedule: Record<string, string>) {
  return resolveSchedule({ schedule } as unknown as ChangeProposal, locate, 'changes/x.yaml', undefined);
}

describe('resolveSchedule', () => {
  it('reads every RFC 3339 instant exactly as Temporal does, or rejects it as Temporal does', () => {
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

        expect(resolved.schedule?.startMs).toBe(expected);
      }),
      { numRuns: 3000 },
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

  it('rejects Feb 29 in a common year and accepts it in a leap year', () => {
    expect(resolve({ start: '2027-02-29T02:00:00Z', duration: 'PT1H' }).findings[0]?.message).toContain(
      'is not a valid date-time',
    );
    expect(resolve({ start: '2028-02-29T02:00:00Z', duration: 'PT1H' }).findings).toEqual([]);
  });
});
