/**
 * Schedule expansion: each schedule form becomes a function listing the occurrences that start in
 * a span of instants. rrule.js and cron-parser only ever see "floating" wall-clock times (local
 * times written as UTC); the zone clock turns each wall-clock start into an instant with that
 * date's own offset. why: both libraries mishandle DST when given real zones; floating mode keeps
 * them to calendar arithmetic, which they do well, and leaves zone math to Temporal.
 */
import { CronExpressionParser } from 'cron-parser';
import rrule from 'rrule';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time.js';
import type { WallMs, ZoneClock } from '../core/zone-clock.js';
import type { HolidayCalendar } from './holidays.js';

const { rrulestr, RRule } = rrule;

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

// why: without a dated start, rules are anchored at 2000-01-01 (a Saturday) and the anchor is
// moved forward by whole periods near each query, so expansion never iterates from the year 2000.
const DEFAULT_ANCHOR_YEAR = 2000;

const RRULE_KEYS: Record<string, RegExp> = {
  FREQ: /^(YEARLY|MONTHLY|WEEKLY|DAILY|HOURLY|MINUTELY)$/,
  INTERVAL: /^[1-9]\d{0,3}$/,
  COUNT: /^[1-9]\d{0,5}$/,
  UNTIL: /^\d{8}(T\d{6}Z?)?$/,
  BYMONTH: list(/^(0?[1-9]|1[0-2])$/),
  BYMONTHDAY: list(/^[+-]?(0?[1-9]|[12]\d|3[01])$/),
  BYYEARDAY: list(/^[+-]?(0{0,2}[1-9]|0?[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])$/),
  BYWEEKNO: list(/^[+-]?(0?[1-9]|[1-4]\d|5[0-3])$/),
  BYSETPOS: list(/^[+-]?(0{0,2}[1-9]|0?[1-9]\d|[12]\d\d|3[0-5]\d|36[0-6])$/),
  BYDAY: list(/^([+-]?(0?[1-9]|[1-4]\d|5[0-3]))?(MO|TU|WE|TH|FR|SA|SU)$/),
  BYHOUR: list(/^(0?\d|1\d|2[0-3])$/),
  BYMINUTE: list(/^(0?\d|[1-5]\d)$/),
  WKST: /^(MO|TU|WE|TH|FR|SA|SU)$/,
};

function list(item: RegExp): RegExp {
  const body = item.source.slice(1, -1);
  return new RegExp(`^${body}(,${body})*$`);
}

/** A parsed RRULE: its parts, or the reason it is invalid. */
export interface ParsedRule {
  parts: Map<string, string>;
  error?: string;
}

/** Checks an RRULE strictly (rrule.js accepts nonsense such as INTERVAL=abc or BYHOUR=25). */
export function parseRule(text: string): ParsedRule {
  const parts = new Map<string, string>();
  const body = text.trim().replace(/^RRULE:/i, '');
  for (const piece of body.split(';')) {
    const [key, value, ...extra] = piece.split('=');
    const name = (key ?? '').trim().toUpperCase();
    if (!name || value === undefined || extra.length > 0)
      return { parts, error: `'${piece}' is not KEY=VALUE` };
    if (name === 'DTSTART' || name === 'TZID') {
      return {
        parts,
        error: `${name} is not allowed in the rule; use the schedule's start and the window's timezone`,
      };
    }
    const pattern = RRULE_KEYS[name];
    if (!pattern) return { parts, error: `unknown RRULE part '${name}'` };
    if (parts.has(name)) return { parts, error: `${name} appears twice` };
    if (!pattern.test(value.trim().toUpperCase()))
      return { parts, error: `${name}=${value} is not a valid value` };
    parts.set(name, value.trim().toUpperCase());
  }
  if (!parts.has('FREQ')) return { parts, error: 'FREQ is missing' };
  if (parts.has('COUNT') && parts.has('UNTIL'))
    return { parts, error: 'COUNT and UNTIL cannot both be given' };
  return { parts };
}

/**
 * rrule + start + duration. `anchor` is the dated start (wall-clock), when the policy gives one;
 * `clockMs` the time of day of each occurrence.
 */
export function rruleExpander(
  rule: ParsedRule,
  clock: ZoneClock,
  clockMs: number,
  anchor: WallMs | undefined,
  durationMs: number,
): Expander {
  const text = [...rule.parts].map(([key, value]) => `${key}=${value}`).join(';');
  // why: parse once; each expansion only moves the anchor (rrulestr would re-parse every time).
  const options = RRule.parseString(text);
  const fixed = anchor === undefined ? undefined : new RRule({ ...options, dtstart: new Date(anchor) });
  const frequency = rule.parts.get('FREQ')!;
  const interval = Number(rule.parts.get('INTERVAL') ?? 1);
  return (fromMs, toMs) => {
    const wallFrom = clock.toWall(fromMs) - 2 * DAY_MS;
    const wallTo = clock.toWall(toMs) + 2 * DAY_MS;
    const recurrence =
      fixed ??
      new RRule({ ...options, dtstart: new Date(movedAnchor(frequency, interval, clockMs, wallFrom)) });
    const occurrences: RawOccurrence[] = [];
    for (const date of recurrence.between(new Date(wallFrom), new Date(wallTo), true)) {
      const { epochMs, shifted } = clock.toInstant(date.getTime());
      if (epochMs >= fromMs && epochMs < toMs)
        occurrences.push({ startMs: epochMs, endMs: epochMs + durationMs, shifted });
    }
    return occurrences;
  };
}

// why: every pattern of the Gregorian calendar (leap years, weekdays on dates) repeats within 400 years.
const GREGORIAN_CYCLE_MS = 146_097 * DAY_MS;

/**
 * Whether a rule occurs at all, from its anchor (the dated start, else 2000-01-01 at the start
 * time): a day the calendar never has (BYMONTH=4;BYMONTHDAY=31) or an UNTIL before the start never
 * comes. Stops at the first occurrence, so a rule that occurs costs one step.
 */
export function rruleOccurs(rule: ParsedRule, clockMs: number, anchor: WallMs | undefined): boolean {
  const text = [...rule.parts].map(([key, value]) => `${key}=${value}`).join(';');
  const start = anchor ?? Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1) + clockMs;
  const recurrence = new RRule({ ...RRule.parseString(text), dtstart: new Date(start) });
  let found = false;
  recurrence.between(new Date(start), new Date(start + GREGORIAN_CYCLE_MS), true, () => {
    found = true;
    return false;
  });
  return found;
}

/** The default anchor (2000-01-01 at the start time) moved forward by whole periods to just before `wall`. */
function movedAnchor(frequency: string, interval: number, clockMs: number, wall: WallMs): WallMs {
  const base = Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1) + clockMs;
  const date = new Date(wall);
  const before = (count: number, step: number) => Math.max(0, Math.floor(count / step) * step);
  switch (frequency) {
    case 'YEARLY':
      return (
        Date.UTC(
          DEFAULT_ANCHOR_YEAR + before(date.getUTCFullYear() - 1 - DEFAULT_ANCHOR_YEAR, interval),
          0,
          1,
        ) + clockMs
      );
    case 'MONTHLY': {
      const months = before(
        (date.getUTCFullYear() - DEFAULT_ANCHOR_YEAR) * 12 + date.getUTCMonth() - 1,
        interval,
      );
      return Date.UTC(DEFAULT_ANCHOR_YEAR, months, 1) + clockMs;
    }
    default: {
      const unit =
        { WEEKLY: 7 * DAY_MS, DAILY: DAY_MS, HOURLY: HOUR_MS, MINUTELY: MINUTE_MS }[frequency] ?? DAY_MS;
      const period = unit * interval;
      return base + before(wall - 7 * DAY_MS - base, period);
    }
  }
}

/** True when the rule's result does not depend on its anchor's date beyond what movedAnchor keeps. */
export function needsDatedStart(rule: ParsedRule): boolean {
  return rule.parts.has('COUNT');
}

/** Exposed for lint: whether rrule.js accepts the rule text. */
export function rruleAccepts(rule: ParsedRule): string | undefined {
  try {
    const text = [...rule.parts].map(([key, value]) => `${key}=${value}`).join(';');
    const parsed = rrulestr(text, { dtstart: new Date(Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1)) });
    if (!(parsed instanceof RRule)) return 'not a single recurrence rule';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
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
