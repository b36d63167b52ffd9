/**
 * RRULEs on "floating" wall-clock times (local times written as UTC): strict parsing, the starts
 * of a rule in a span, and whether a rule occurs at all. rrule.js does the calendar arithmetic,
 * except where it cannot be trusted to finish or to be right:
 * - a sub-daily rule (HOURLY, MINUTELY) whose steps never reach a time its BYHOUR or BYMINUTE
 *   names: rrule.js loops forever looking for one, so such rules are recognised first, by arithmetic;
 * - FREQ=MINUTELY with BYHOUR: rrule.js steps into a BYHOUR hour by whole hours, which gives wrong
 *   times and can loop forever even when the rule occurs, so those rules are expanded here;
 * - a rule that never occurs: rrule.js only gives up after the year 9999, so the question is asked
 *   in the last 400-year cycles before it, where the Gregorian calendar repeats exactly.
 */
import rrule from 'rrule';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../core/time.js';
import type { WallMs } from '../core/zone-clock.js';

const { rrulestr, RRule } = rrule;

/** The wall-clock starts of a rule in `[fromWall, toWall)`, ascending. */
export type WallTimes = (fromWall: WallMs, toWall: WallMs) => WallMs[];

// why: without a dated start, rules are anchored at 2000-01-01 (a Saturday) and the anchor is
// moved forward by whole periods near each query, so expansion never iterates from the year 2000.
const DEFAULT_ANCHOR_YEAR = 2000;

// why: every pattern of the Gregorian calendar (leap years, weekdays on dates) repeats within 400 years.
const GREGORIAN_CYCLE_MS = 146_097 * DAY_MS;

// why: rrule.js stops at the year 9999 (its MAXYEAR) at the latest; a question asked from a cycle
// starting between 9200 and 9600 covers a whole cycle and costs at most 800 years of iteration.
const LATE_CYCLE_YEAR = 9200;

/** Length of one period of the frequencies that have a fixed one (months and years have not). */
const PERIOD_MS: Readonly<Record<string, number>> = {
  WEEKLY: 7 * DAY_MS,
  DAILY: DAY_MS,
  HOURLY: HOUR_MS,
  MINUTELY: MINUTE_MS,
};

/** The parts that pick days; in rules of a week or shorter they only filter the days steps land on. */
const DAY_PARTS = ['BYMONTH', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO', 'BYDAY'] as const;

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

/** True when the rule cannot be expanded without its dated start. */
export function needsDatedStart(rule: ParsedRule): boolean {
  return rule.parts.has('COUNT');
}

/** Exposed for lint: whether rrule.js accepts the rule text. */
export function rruleAccepts(rule: ParsedRule): string | undefined {
  try {
    const parsed = rrulestr(ruleText(rule), { dtstart: new Date(Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1)) });
    if (!(parsed instanceof RRule)) return 'not a single recurrence rule';
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * For a sub-daily rule whose steps never land on a time its BYHOUR (or, MINUTELY, its BYMINUTE)
 * names: why, in words; else undefined. Steps of INTERVAL hours from the start reach only the hours
 * ≡ start (mod gcd(INTERVAL, 24)); steps of INTERVAL minutes only the minutes of the day ≡ start
 * (mod gcd(INTERVAL, 1440)). `clockMs` is the start's time of day.
 */
export function unreachableTimes(rule: ParsedRule, clockMs: number): string | undefined {
  const frequency = rule.parts.get('FREQ');
  const interval = Number(rule.parts.get('INTERVAL') ?? 1);
  const hours = numbers(rule.parts.get('BYHOUR'));
  const minutes = numbers(rule.parts.get('BYMINUTE'));
  const startMinute = Math.floor(clockMs / MINUTE_MS) % 1440;
  if (frequency === 'HOURLY' && hours) {
    const reached = reachable(startMinute, gcd(interval, 24) * 60);
    if (reached.some((minute) => hours.includes(Math.floor(minute / 60)))) return undefined;
    return `steps of ${interval} hours from ${clockText(startMinute)} only reach ${describeTimes(reached)}, and BYHOUR names none of those hours`;
  }
  if (frequency === 'MINUTELY' && (hours || minutes)) {
    const step = gcd(interval, 1440);
    const reached = reachable(startMinute, step);
    const named = (minute: number) =>
      (!hours || hours.includes(Math.floor(minute / 60))) && (!minutes || minutes.includes(minute % 60));
    if (reached.some(named)) return undefined;
    return `steps of ${interval} minutes from ${clockText(startMinute)} only reach ${describeTimes(reached)}, and ${hours && minutes ? 'BYHOUR and BYMINUTE name' : hours ? 'BYHOUR names' : 'BYMINUTE names'} none of those times`;
  }
  return undefined;
}

/** The minutes of the day a rule stepping `step` minutes (a divisor of a day) reaches from `startMinute`. */
function reachable(startMinute: number, step: number): number[] {
  const minutes: number[] = [];
  for (let minute = startMinute % step; minute < 1440; minute += step) minutes.push(minute);
  return minutes;
}

function describeTimes(minutes: readonly number[]): string {
  const shown = minutes.slice(0, 4).map(clockText).join(', ');
  return minutes.length > 4 ? `the times ${shown}, … (every ${minutes[1]! - minutes[0]!} minutes)` : shown;
}

function clockText(minuteOfDay: number): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(Math.floor(minuteOfDay / 60))}:${pad(minuteOfDay % 60)}`;
}

/**
 * The wall-clock starts of a rule. `anchor` is the dated start, when the policy gives one;
 * `clockMs` the time of day of each occurrence. A rule whose steps never reach its BYHOUR or
 * BYMINUTE has no starts (the lint reports it).
 */
export function ruleWallTimes(rule: ParsedRule, clockMs: number, anchor: WallMs | undefined): WallTimes {
  if (unreachableTimes(rule, clockMs) !== undefined) return () => [];
  const start = anchor ?? defaultAnchor(clockMs);
  if (expandedHere(rule)) {
    const visitor = minutelyVisitor(rule, start);
    return (fromWall, toWall) => {
      const times: WallMs[] = [];
      visitor(fromWall, toWall, (wall) => {
        times.push(wall);
        return true;
      });
      return times;
    };
  }
  return libraryWallTimes(rule, start, anchor === undefined);
}

/**
 * Whether a rule occurs at all, from its anchor (the dated start, else 2000-01-01 at the start
 * time): a day the calendar never has (BYMONTH=4;BYMONTHDAY=31), an UNTIL before the start, or a
 * time of day the steps never reach (FREQ=HOURLY;INTERVAL=24;BYHOUR=1 from 00:00) never comes.
 * Stops at the first occurrence, so a rule that occurs costs a few steps.
 */
export function rruleOccurs(rule: ParsedRule, clockMs: number, anchor: WallMs | undefined): boolean {
  if (unreachableTimes(rule, clockMs) !== undefined) return false;
  const frequency = rule.parts.get('FREQ')!;
  // why: a day filter the calendar never passes would make the scan below iterate day by day.
  if (PERIOD_MS[frequency] !== undefined && !someDayPasses(rule)) return false;
  const start = anchor ?? defaultAnchor(clockMs);
  let found = false;
  const stop = () => {
    found = true;
    return false;
  };
  if (expandedHere(rule)) minutelyVisitor(rule, start)(start, start + GREGORIAN_CYCLE_MS, stop);
  else inLateCycle(rule, start, stop);
  return found;
}

/** Calls `visit` with the rule's starts in the cycle from `start`, moved into a cycle near the year 9999. */
function inLateCycle(rule: ParsedRule, start: WallMs, visit: () => boolean): void {
  const options = RRule.parseString(ruleText(rule));
  const year = new Date(start).getUTCFullYear();
  const shift = Math.ceil((LATE_CYCLE_YEAR - year) / 400) * GREGORIAN_CYCLE_MS;
  const recurrence = new RRule({
    ...options,
    dtstart: new Date(start + shift),
    ...(options.until ? { until: new Date(options.until.getTime() + shift) } : {}),
  });
  recurrence.between(new Date(start + shift), new Date(start + shift + GREGORIAN_CYCLE_MS), true, visit);
}

/**
 * Whether any calendar day passes a weekly-or-shorter rule's day parts, asked as a yearly rule
 * (where rrule.js iterates year by year). why: rrule.js ignores BYDAY ordinals (1MO) below
 * MONTHLY, so they are dropped here too.
 */
function someDayPasses(rule: ParsedRule): boolean {
  const probe: ParsedRule = { parts: new Map([['FREQ', 'YEARLY']]) };
  for (const key of DAY_PARTS) {
    const value = rule.parts.get(key);
    if (value !== undefined) probe.parts.set(key, key === 'BYDAY' ? value.replace(/[+-]?\d+/g, '') : value);
  }
  if (probe.parts.size === 1) return true;
  const weekStart = rule.parts.get('WKST');
  if (weekStart) probe.parts.set('WKST', weekStart);
  let found = false;
  inLateCycle(probe, Date.UTC(LATE_CYCLE_YEAR, 0, 1), () => {
    found = true;
    return false;
  });
  return found;
}

/** rrule.js does the expansion: every rule but FREQ=MINUTELY with BYHOUR. */
function libraryWallTimes(rule: ParsedRule, start: WallMs, undated: boolean): WallTimes {
  // why: parse once; each expansion only moves the anchor (rrulestr would re-parse every time).
  const options = RRule.parseString(ruleText(rule));
  const frequency = rule.parts.get('FREQ')!;
  const interval = Number(rule.parts.get('INTERVAL') ?? 1);
  // why: a dated rule is moved too (by whole periods, which keeps its phase), or a dated hourly
  // rule from years ago would iterate every hour since; not with COUNT, which counts from the
  // start, nor monthly and yearly ones, whose periods vary and which iterate fast anyway.
  const moves = undated || (!rule.parts.has('COUNT') && PERIOD_MS[frequency] !== undefined);
  const fixed = moves ? undefined : new RRule({ ...options, dtstart: new Date(start) });
  return (fromWall, toWall) => {
    const recurrence =
      fixed ??
      new RRule({ ...options, dtstart: new Date(movedAnchor(frequency, interval, start, fromWall)) });
    return recurrence.between(new Date(fromWall), new Date(toWall - 1), true).map((date) => date.getTime());
  };
}

/**
 * The anchor moved forward by whole periods to a week or more before `wall` (never backward).
 * Monthly and yearly rules are only moved from the default anchor, a January 1st.
 */
function movedAnchor(frequency: string, interval: number, anchor: WallMs, wall: WallMs): WallMs {
  const date = new Date(wall);
  const before = (count: number, step: number) => Math.max(0, Math.floor(count / step) * step);
  const clockMs = anchor - Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1);
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
    default:
      return anchor + before(wall - 7 * DAY_MS - anchor, (PERIOD_MS[frequency] ?? DAY_MS) * interval);
  }
}

/** The rules netchange expands itself, without rrule.js's stepping. */
function expandedHere(rule: ParsedRule): boolean {
  return rule.parts.get('FREQ') === 'MINUTELY' && rule.parts.has('BYHOUR');
}

/** Calls `visit` for each start in `[fromWall, toWall)` until it returns false. */
type Visitor = (fromWall: WallMs, toWall: WallMs, visit: (wall: WallMs) => boolean) => void;

/**
 * FREQ=MINUTELY with BYHOUR: each step is INTERVAL minutes from `start`, kept when its day passes
 * the day parts and its hour and minute are named. Only the named hours of each passing day are
 * visited, found by arithmetic, so a rule that rarely lands in them costs no more than one that
 * often does. UNTIL, COUNT and BYSETPOS (one time per minute-long period: 1 or -1 keep it) apply.
 */
function minutelyVisitor(rule: ParsedRule, start: WallMs): Visitor {
  const stepMs = Number(rule.parts.get('INTERVAL') ?? 1) * MINUTE_MS;
  const hours = [...new Set(numbers(rule.parts.get('BYHOUR')))].sort((a, b) => a - b);
  const byMinute = numbers(rule.parts.get('BYMINUTE'));
  const minutes = byMinute && new Set(byMinute);
  const positions = numbers(rule.parts.get('BYSETPOS'));
  const never = positions !== undefined && !positions.includes(1) && !positions.includes(-1);
  const { until, count } = RRule.parseString(ruleText(rule));
  const untilMs = until ? until.getTime() : Number.POSITIVE_INFINITY;
  const daysPassing = dayFilter(rule);
  return (fromWall, toWall, visit) => {
    if (never) return;
    // why: COUNT counts from the start, so its starts are counted even before the span.
    const first = count ? start : Math.max(start, fromWall);
    let seen = 0;
    for (const day of daysPassing(Math.floor(first / DAY_MS) * DAY_MS, toWall)) {
      for (const hour of hours) {
        const from = Math.max(day + hour * HOUR_MS, first);
        const to = day + (hour + 1) * HOUR_MS;
        for (let wall = start + Math.ceil((from - start) / stepMs) * stepMs; wall < to; wall += stepMs) {
          if (minutes && !minutes.has(new Date(wall).getUTCMinutes())) continue;
          if (wall >= toWall || wall > untilMs) return;
          seen += 1;
          if (count && seen > count) return;
          if (wall >= fromWall && !visit(wall)) return;
        }
      }
    }
  };
}

/** The midnights (wall-clock) of the days from `fromDay` up to `toWall` that pass the rule's day parts. */
function dayFilter(rule: ParsedRule): (fromDay: WallMs, toWall: WallMs) => WallMs[] {
  const parts = DAY_PARTS.filter((key) => rule.parts.has(key)).map((key) => `${key}=${rule.parts.get(key)}`);
  if (parts.length === 0) {
    return (fromDay, toWall) => {
      const days: WallMs[] = [];
      for (let day = fromDay; day < toWall; day += DAY_MS) days.push(day);
      return days;
    };
  }
  const weekStart = rule.parts.get('WKST');
  const options = RRule.parseString(
    ['FREQ=DAILY', ...parts, ...(weekStart ? [`WKST=${weekStart}`] : [])].join(';'),
  );
  return (fromDay, toWall) =>
    new RRule({ ...options, dtstart: new Date(fromDay) })
      .between(new Date(fromDay), new Date(toWall), true)
      .map((date) => date.getTime());
}

function ruleText(rule: ParsedRule): string {
  return [...rule.parts].map(([key, value]) => `${key}=${value}`).join(';');
}

function defaultAnchor(clockMs: number): WallMs {
  return Date.UTC(DEFAULT_ANCHOR_YEAR, 0, 1) + clockMs;
}

function numbers(value: string | undefined): number[] | undefined {
  return value === undefined ? undefined : value.split(',').map(Number);
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
