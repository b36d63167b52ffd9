import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  addCalendarDuration,
  calendarDurationMs,
  DAY_MS,
  formatClockTime,
  formatLocalAndUtc,
  formatLocalDay,
  formatSpanLocalAndUtc,
  formatUtcTime,
  HOUR_MS,
  isUtcOffsetZone,
  isValidTimeZone,
  parseCalendarDuration,
  parseElapsedDuration,
  toRfc3339Utc,
  toRfc3339WithOffset,
} from './time.js';

const at = (iso: string) => Date.parse(iso);

describe('zones', () => {
  it.each([
    ['America/Chicago', true, false],
    ['Europe/Berlin', true, false],
    ['UTC', true, false],
    ['+05:00', false, true],
    ['-06:00', false, true],
    ['Mars/Olympus_Mons', false, false],
    ['', false, false],
  ])('%j: an IANA zone %s, a UTC offset %s', (zone, iana, offset) => {
    expect(isValidTimeZone(zone)).toBe(iana);
    expect(isUtcOffsetZone(zone)).toBe(offset);
  });
});

describe('RFC 3339', () => {
  it.each([
    [0, '1970-01-01T00:00:00Z'],
    [at('2026-11-29T08:00:00Z'), '2026-11-29T08:00:00Z'],
    [at('2026-11-29T08:00:00.123Z'), '2026-11-29T08:00:00.123Z'],
  ])('writes %d in UTC as %s', (epochMs, expected) => {
    expect(toRfc3339Utc(epochMs)).toBe(expected);
  });

  it.each([
    [at('2026-11-29T08:00:00Z'), -6 * HOUR_MS, '2026-11-29T02:00:00-06:00'],
    [at('2026-11-29T08:00:00Z'), 5.5 * HOUR_MS, '2026-11-29T13:30:00+05:30'],
    [at('2026-11-29T08:00:00Z'), 0, '2026-11-29T08:00:00+00:00'],
  ])('writes %d at offset %d as %s', (epochMs, offsetMs, expected) => {
    expect(toRfc3339WithOffset(epochMs, offsetMs)).toBe(expected);
  });
});

describe('the display format', () => {
  it.each([
    ['2026-11-29T08:00:00Z', 'America/Chicago', 'Sun 29 Nov 2026 02:00 CST (08:00Z)'],
    ['2026-07-01T12:00:00Z', 'America/Chicago', 'Wed 1 Jul 2026 07:00 CDT (12:00Z)'],
    ['2026-11-30T02:00:00Z', 'America/Chicago', 'Sun 29 Nov 2026 20:00 CST (30 Nov 02:00Z)'],
    // spring forward: 02:00 CST is followed by 03:00 CDT
    ['2026-03-08T07:59:00Z', 'America/Chicago', 'Sun 8 Mar 2026 01:59 CST (07:59Z)'],
    ['2026-03-08T08:00:00Z', 'America/Chicago', 'Sun 8 Mar 2026 03:00 CDT (08:00Z)'],
    // fall back: 01:30 happens twice, told apart by the abbreviation and the UTC time
    ['2026-11-01T06:30:00Z', 'America/Chicago', 'Sun 1 Nov 2026 01:30 CDT (06:30Z)'],
    ['2026-11-01T07:30:00Z', 'America/Chicago', 'Sun 1 Nov 2026 01:30 CST (07:30Z)'],
    ['2026-11-29T08:00:00Z', 'Europe/Berlin', 'Sun 29 Nov 2026 09:00 Europe/Berlin (08:00Z)'],
    ['2026-11-29T08:00:00Z', 'Asia/Kolkata', 'Sun 29 Nov 2026 13:30 Asia/Kolkata (08:00Z)'],
    ['2026-11-29T08:00:00Z', '+05:00', 'Sun 29 Nov 2026 13:00 +05:00 (08:00Z)'],
    ['2026-11-29T08:00:00Z', 'UTC', 'Sun 29 Nov 2026 08:00 UTC'],
    ['2026-11-29T08:00:00Z', undefined, 'Sun 29 Nov 2026 08:00 UTC'],
    ['2026-11-29T08:00:00Z', 'Mars/Olympus_Mons', 'Sun 29 Nov 2026 08:00 UTC'],
  ])('shows %s in %s as %s', (iso, zone, expected) => {
    expect(formatLocalAndUtc(at(iso), zone)).toBe(expected);
  });

  it.each([
    [
      '2026-11-29T08:00:00Z',
      '2026-11-29T08:14:00Z',
      'America/Chicago',
      'Sun 29 Nov 2026 02:00–02:14 CST (08:00–08:14Z)',
    ],
    [
      '2026-11-30T02:00:00Z',
      '2026-11-30T03:00:00Z',
      'America/Chicago',
      'Sun 29 Nov 2026 20:00–21:00 CST (30 Nov 02:00–03:00Z)',
    ],
    [
      '2026-11-29T18:00:00Z',
      '2026-11-30T02:00:00Z',
      'America/Chicago',
      'Sun 29 Nov 2026 12:00–20:00 CST (29 Nov 18:00Z – 30 Nov 02:00Z)',
    ],
    [
      '2026-11-01T06:30:00Z',
      '2026-11-01T07:30:00Z',
      'America/Chicago',
      'Sun 1 Nov 2026 01:30 CDT – Sun 1 Nov 2026 01:30 CST (06:30–07:30Z)',
    ],
    ['2026-11-29T08:00:00Z', '2026-11-29T09:00:00Z', undefined, 'Sun 29 Nov 2026 08:00–09:00 UTC'],
    [
      '2026-11-29T23:00:00Z',
      '2026-11-30T01:00:00Z',
      'UTC',
      'Sun 29 Nov 2026 23:00 – Mon 30 Nov 2026 01:00 UTC',
    ],
  ])('shows the span %s to %s in %s as %s', (start, end, zone, expected) => {
    expect(formatSpanLocalAndUtc(at(start), at(end), zone)).toBe(expected);
  });

  it.each([
    [Number.NaN, 'out of range'],
    [1e20, 'out of range'],
  ])('never throws for the instant %d', (epochMs, expected) => {
    expect(formatLocalAndUtc(epochMs, 'America/Chicago')).toContain(expected);
    expect(formatSpanLocalAndUtc(epochMs, epochMs, 'America/Chicago')).toContain(expected);
    expect(formatUtcTime(epochMs)).toContain(expected);
  });

  it('agrees with Temporal and ICU asked per instant, across DST changes and far from today', () => {
    // why: local times take their offset from the zone clock and their letters from a per-year
    // cache; this asks the runtime directly for each instant and compares the whole text.
    const direct = (epochMs: number, zone: string): string => {
      const offsetMs =
        Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(zone).offsetNanoseconds / 1e6;
      const wall = new Date(epochMs + offsetMs);
      const short =
        new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })
          .formatToParts(new Date(epochMs))
          .find((part) => part.type === 'timeZoneName')?.value ?? '';
      return `${wall.getUTCDate()} ${wall.toISOString().slice(11, 16)} ${/^[A-Z]{2,5}$/.test(short) ? short : zone}`;
    };
    const shown = (epochMs: number, zone: string): string => {
      const [, day = '', , , time = '', label = ''] = formatLocalAndUtc(epochMs, zone).split(' ');
      return `${day} ${time} ${label}`;
    };
    const zones = [
      'America/Chicago',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'America/Sao_Paulo',
      'Asia/Kolkata',
    ];
    const instants = [
      // every 7 h 13 min over three years: both sides of every DST change, every hour of the day
      ...Array.from({ length: 3700 }, (_, step) => at('2025-01-01T00:00:00Z') + step * 26_000_000),
      // the years the clock leaves to Temporal, and a zone whose rules changed since
      at('1850-06-01T12:00:00Z'),
      at('2250-06-01T12:00:00Z'),
      at('2016-03-20T12:00:00Z'),
    ];
    for (const zone of zones) {
      const differing = instants.filter((epochMs) => shown(epochMs, zone) !== direct(epochMs, zone));
      expect(differing.map((epochMs) => `${new Date(epochMs).toISOString()} ${zone}`)).toEqual([]);
    }
  });

  it('shows the time of day for progress lines', () => {
    expect(formatClockTime(at('2026-11-29T08:14:07Z'), 'America/Chicago')).toBe('02:14:07 CST (08:14:07Z)');
    expect(formatClockTime(at('2026-11-29T08:14:07Z'), undefined)).toBe('08:14:07Z');
  });

  it('names the local day for calendar headings', () => {
    expect(formatLocalDay(at('2026-03-08T05:30:00Z'), 'America/Chicago')).toBe('Sat 7 Mar 2026');
    expect(formatLocalDay(at('2026-03-08T08:00:00Z'), 'America/Chicago')).toBe('Sun 8 Mar 2026');
  });
});

describe('durations', () => {
  it.each([
    ['PT1H', HOUR_MS],
    ['PT30M', 30 * 60_000],
    ['PT10S', 10_000],
    ['P1D', DAY_MS],
    ['P1W', 7 * DAY_MS],
    ['P1DT2H', DAY_MS + 2 * HOUR_MS],
    ['P1M', undefined],
    ['P1Y', undefined],
    ['P', undefined],
    ['PT', undefined],
    ['P1DT', undefined],
    ['1h', undefined],
  ])('reads %s as %s elapsed milliseconds', (text, expected) => {
    expect(parseElapsedDuration(text)).toBe(expected);
  });

  it.each(['P1M', 'P1Y2M', 'PT0S', '-P1D', 'PT1.5H'])('reads %s as a calendar duration', (text) => {
    expect(parseCalendarDuration(text)).toBeDefined();
  });

  it.each(['', 'P', '1h', 'P1X', 'tomorrow'])('refuses %j as a calendar duration', (text) => {
    expect(parseCalendarDuration(text)).toBeUndefined();
  });

  it.each([
    // noon CST the day before spring forward: the next local noon is CDT, 23 hours later
    ['spring forward', '2026-03-07T18:00:00Z', '2026-03-08T17:00:00Z', 23],
    // noon CDT the day before fall back: the next local noon is CST, 25 hours later
    ['fall back', '2026-10-31T17:00:00Z', '2026-11-01T18:00:00Z', 25],
    ['no change', '2026-11-28T18:00:00Z', '2026-11-29T18:00:00Z', 24],
  ])(
    'P1D across %s: calendar is the same local time next day, elapsed is 24 hours',
    (_, from, calendarEnd, hours) => {
      const fromMs = at(from);
      const duration = parseCalendarDuration('P1D')!;

      const calendar = addCalendarDuration(duration, fromMs, 'America/Chicago');
      const elapsed = fromMs + parseElapsedDuration('P1D')!;

      expect(toRfc3339Utc(calendar)).toBe(calendarEnd);
      expect(calendar - fromMs).toBe(hours * HOUR_MS);
      expect(elapsed - fromMs).toBe(24 * HOUR_MS);
    },
  );

  it.each([
    ['PT1H', '2026-03-08T07:30:00Z', '2026-03-08T08:30:00Z'],
    ['PT90M', '2026-11-01T06:00:00Z', '2026-11-01T07:30:00Z'],
    ['P1M', '2026-01-31T18:00:00Z', '2026-02-28T18:00:00Z'],
  ])('adds %s to %s in America/Chicago: %s', (text, from, expected) => {
    expect(toRfc3339Utc(addCalendarDuration(parseCalendarDuration(text)!, at(from), 'America/Chicago'))).toBe(
      expected,
    );
  });

  it('measures a calendar duration from its start', () => {
    expect(calendarDurationMs(parseCalendarDuration('P1M')!, Date.UTC(2000, 0, 1), 'UTC')).toBe(31 * DAY_MS);
    expect(calendarDurationMs(parseCalendarDuration('P1M')!, Date.UTC(2000, 1, 1), 'UTC')).toBe(29 * DAY_MS);
  });

  it('throws RangeError when the sum leaves the dates JavaScript can hold', () => {
    expect(() => addCalendarDuration(parseCalendarDuration('PT1H')!, 8.64e15, 'UTC')).toThrow(RangeError);
    expect(() => addCalendarDuration(parseCalendarDuration('P1D')!, 8.64e15, 'UTC')).toThrow(RangeError);
  });
});
