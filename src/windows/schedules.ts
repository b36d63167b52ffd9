/**
 * Schedule expansion: each schedule form becomes a function listing the occurrences that start in
 * a span of instants. rrule.js and cron-parser only ever see "floating" wall-clock times (local
 * times written as UTC); the zone clock turns each wall-clock start into an instant with that
 * date's own offset. why: both libraries mishandle DST when given real zones; floating mode keeps
 * them to calendar arithmetic, which they do well, and leaves zone math to Temporal.
 */
import { CronExpressionParser } from 'cron-parser';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time.js';
import type { WallMs, ZoneClock } from '../core/zone-clock.js';
import type { HolidayCalendar } from './holidays.js';
import { type ParsedRule, ruleWallTimes } from './rrule-times.js';

/** One occurrence of a window, before it is attached to the window. */
export interface RawOccurrence {
  /** Inclusive start, epoch milliseconds. */
  startMs: number;
  /** Exclusive end, epoch milliseconds. */
  endMs: number;
  /** True when the local start time did not exist (a DST gap) and moved forward. */
  shifted: boolean;
  /** A label for the occurrence, e.g. the holiday's name. */
  label?: string;
}

/** Lists the occurrences whose start lies in `[fromMs, toMs)`, sorted by start. */
export type Expander = (fromMs: number, toMs: number) => RawOccurrence[];

/**
 * rrule + start + duration. `anchor` is the dated start (wall-clock), when the policy gives one;
 * `clockMs` the time of day of each occurrence. The wall-clock starts come from rrule-times.ts.
 */
export function rruleExpander(
  rule: ParsedRule,
  clock: ZoneClock,
  clockMs: number,
  anchor: WallMs | undefined,
  durationMs: number,
): Expander {
  const wallTimes = ruleWallTimes(rule, clockMs, anchor);
  return (fromMs, toMs) => {
    const occurrences: RawOccurrence[] = [];
    for (const wall of wallTimes(clock.toWall(fromMs) - 2 * DAY_MS, clock.toWall(toMs) + 2 * DAY_MS)) {
      const { epochMs, shifted } = clock.toInstant(wall);
      if (epochMs >= fromMs && epochMs < toMs)
        occurrences.push({ startMs: epochMs, endMs: epochMs + durationMs, shifted });
    }
    return occurrences;
  };
}

/** The cron fields netchange accepts: exactly five, no macros. */
export function checkCron(expression: string): { error?: string; fields: string[] } {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    return {
      fields,
      error: `a cron expression has 5 fields (minute hour day-of-month month day-of-week); found ${fields.length}`,
    };
  }
  try {
    CronExpressionParser.parse(fields.join(' '), { tz: 'UTC', currentDate: new Date(Date.UTC(2026, 0, 1)) });
    return { fields };
  } catch (error) {
    return { fields, error: error instanceof Error ? error.message : String(error) };
  }
}

/** cron + duration, fired on local wall-clock times. */
export function cronExpander(expression: string, clock: ZoneClock, durationMs: number): Expander {
  const fields = CronExpressionParser.parse(expression, { tz: 'UTC' }).fields;
  const plain = [fields.minute, fields.hour, fields.dayOfMonth, fields.month, fields.dayOfWeek].every(
    (field) => field.values.every((value) => typeof value === 'number'),
  );
  // why: cron-parser steps through luxon dates one firing at a time, which is slow for 200 windows;
  // plain expressions (no L, W or #) are expanded day by day here with cron-parser's own parsed
  // fields and its day-of-month/day-of-week rule, and the rest fall back to cron-parser's iterator.
  const days =
    plain && !fields.dayOfMonth.hasLastChar && !fields.dayOfWeek.hasLastChar && !fields.dayOfWeek.nthDay;
  const wallTimes = days ? plainCronWallTimes(fields) : iteratorWallTimes(expression);
  return (fromMs, toMs) => {
    const occurrences: RawOccurrence[] = [];
    for (const wall of wallTimes(clock.toWall(fromMs) - 2 * DAY_MS, clock.toWall(toMs) + 2 * DAY_MS)) {
      const { epochMs, shifted } = clock.toInstant(wall);
      if (epochMs >= fromMs && epochMs < toMs)
        occurrences.push({ startMs: epochMs, endMs: epochMs + durationMs, shifted });
    }
    return occurrences;
  };
}

type CronFields = ReturnType<typeof CronExpressionParser.parse>['fields'];

function plainCronWallTimes(fields: CronFields): (fromWall: WallMs, toWall: WallMs) => WallMs[] {
  const numbers = (values: readonly (number | string)[]) => values.map(Number).sort((a, b) => a - b);
  const minutes = numbers(fields.minute.values);
  const hours = numbers(fields.hour.values);
  const daysOfMonth = new Set(numbers(fields.dayOfMonth.values));
  const months = new Set(numbers(fields.month.values));
  const daysOfWeek = new Set(numbers(fields.dayOfWeek.values).map((day) => day % 7));
  const dayOfMonthWildcard = fields.dayOfMonth.isWildcard;
  const dayOfWeekWildcard = fields.dayOfWeek.isWildcard;
  return (fromWall, toWall) => {
    const times: WallMs[] = [];
    for (let day = Math.floor(fromWall / DAY_MS) * DAY_MS; day < toWall; day += DAY_MS) {
      const date = new Date(day);
      if (!months.has(date.getUTCMonth() + 1)) continue;
      const dayOfMonthMatch = daysOfMonth.has(date.getUTCDate());
      const dayOfWeekMatch = daysOfWeek.has(date.getUTCDay());
      // Classic (Vixie) cron: when both day fields are restricted, either one matching is enough.
      const matches =
        !dayOfMonthWildcard && !dayOfWeekWildcard
          ? dayOfMonthMatch || dayOfWeekMatch
          : dayOfWeekWildcard
            ? dayOfMonthMatch
            : dayOfWeekMatch;
      if (!matches) continue;
      for (const hour of hours) {
        for (const minute of minutes) {
          const wall = day + hour * HOUR_MS + minute * MINUTE_MS;
          if (wall >= fromWall && wall < toWall) times.push(wall);
        }
      }
    }
    return times;
  };
}

function iteratorWallTimes(expression: string): (fromWall: WallMs, toWall: WallMs) => WallMs[] {
  return (fromWall, toWall) => {
    const iterator = CronExpressionParser.parse(expression, {
      tz: 'UTC',
      currentDate: new Date(fromWall - 1000),
      endDate: new Date(toWall),
    });
    const times: WallMs[] = [];
    while (iterator.hasNext()) times.push(iterator.next().getTime());
    return times;
  };
}

/** A one-off window. */
export function onceExpander(startMs: number, endMs: number, shifted: boolean): Expander {
  return (fromMs, toMs) => (startMs >= fromMs && startMs < toMs ? [{ startMs, endMs, shifted }] : []);
}

/** Each holiday of the given types is one occurrence spanning its whole local day(s). */
export function holidayExpander(
  calendar: HolidayCalendar,
  country: string,
  region: string | undefined,
  types: readonly string[],
  clock: ZoneClock,
): Expander {
  const wanted = new Set(types);
  const countryCode = country.toUpperCase();
  const regionCode = region?.toUpperCase();
  return (fromMs, toMs) => {
    // A holiday starting in [fromMs, toMs) lies on a local date of the same span, give or take a day.
    const firstYear = new Date(clock.toWall(fromMs) - DAY_MS).getUTCFullYear();
    const lastYear = new Date(clock.toWall(toMs) + DAY_MS).getUTCFullYear();
    const occurrences: RawOccurrence[] = [];
    for (let year = firstYear; year <= lastYear; year++) {
      for (const holiday of calendar.holidaysOf(countryCode, regionCode, year)) {
        if (!wanted.has(holiday.type)) continue;
        const start = clock.toInstant(holiday.wallDay);
        if (start.epochMs < fromMs || start.epochMs >= toMs) continue;
        const end = clock.toInstant(holiday.wallDay + holiday.days * DAY_MS);
        occurrences.push({
          startMs: start.epochMs,
          endMs: end.epochMs,
          shifted: start.shifted,
          label: holiday.name,
        });
      }
    }
    return occurrences.sort((a, b) => a.startMs - b.startMs);
  };
}
