/**
 * Holiday calendars for `holidays` windows: which countries and regions exist, and each year's
 * holidays as local days. date-holidays answers both; it is loaded on the first question, not with
 * the window engine.
 * why: date-holidays brings every country's rules, moment-timezone's zone data and astronomical
 * calendars: ~0.12 s to load, more than the rest of the engine. A run whose answers are remembered
 * (rememberingHolidays, fed from a cache) never loads it.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { DAY_MS } from '../core/time.js';
import type { WallMs } from '../core/zone-clock.js';

/** One holiday of a year: its first local day and how many days it lasts. */
export interface HolidayDay {
  /** The local date as a wall-clock midnight (`Date.UTC(y, m, d)`). */
  wallDay: WallMs;
  days: number;
  /** date-holidays' type: public, bank, school, optional, observance. */
  type: string;
  name: string;
}

/** Why a country or region cannot be used, for the policy lint. */
export interface HolidayPlaceError {
  field: 'country' | 'region';
  message: string;
}

/** Where `holidays` windows get their days. */
export interface HolidayCalendar {
  /** Undefined when date-holidays knows the country (and region), as the policy writes them. */
  placeError(country: string, region: string | undefined): HolidayPlaceError | undefined;
  /** A year's holidays; country and region codes in upper case. */
  holidaysOf(country: string, region: string | undefined, year: number): readonly HolidayDay[];
}

// why: date-holidays' class adds nothing to its parser's, and date-holidays-parser's types are not
// reachable through its package exports, so the instances are typed by date-holidays' declarations.
type Holidays = InstanceType<typeof import('date-holidays').default>;
type HolidaysParser = new (rules: object, country?: string, state?: string) => Holidays;

// why: a synchronous require on first use: the engine compiles and expands synchronously, and an
// ESM import of the library would load it with the engine every time.
const requireAtRuntime = createRequire(import.meta.url);
let library: ((country?: string, region?: string) => Holidays) | undefined;

/**
 * date-holidays' rules run by its own parser (date-holidays-parser, the documented way to give it
 * data). why: date-holidays ships the same rules twice, as data/holidays.json and as an 806 KB
 * JavaScript module; V8 parses the JSON in a few milliseconds but compiles the module in ~35, so the
 * JSON is read when it is there (holidays.test.ts checks the two agree).
 */
function loadLibrary(): (country?: string, region?: string) => Holidays {
  if (!library) {
    const Parser = (requireAtRuntime('date-holidays-parser') as { default: HolidaysParser }).default;
    const rules = holidayRules();
    // why: undefined arguments are what date-holidays' own class passes its parser when omitted.
    library = (country, region) => new Parser(rules, country, region);
  }
  return library;
}

/** date-holidays' rules: data/holidays.json when the package has it, else its data module. */
export function holidayRules(): object {
  // why: required by absolute path (the package does not export the file), like any module the
  // library loads; a release without it falls back to the data module.
  const json = path.join(
    path.dirname(requireAtRuntime.resolve('date-holidays/package.json')),
    'data/holidays.json',
  );
  try {
    return requireAtRuntime(json) as object;
  } catch (error) {
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    return (requireAtRuntime('date-holidays/data') as { data: object }).data;
  }
}

/** The version of date-holidays' rules: remembered answers are valid for this version only. */
export function holidayRulesVersion(): string {
  const versionOf = (name: string) =>
    (requireAtRuntime(`${name}/package.json`) as { version: string }).version;
  // why: the parser turns the rules into dates, so a new parser may answer differently too.
  return `${versionOf('date-holidays')}+parser-${versionOf('date-holidays-parser')}`;
}

// why: date-holidays loads a country's rules on every construction and computes a year in
// milliseconds; policies name a handful of countries, so calendars and years are shared.
let catalogue: Holidays | undefined;
let countries: Record<string, string> | undefined;
const calendars = new Map<string, Holidays>();
const years = new Map<string, HolidayDay[]>();

/** date-holidays itself, loaded on the first question. */
export const libraryHolidays: HolidayCalendar = {
  placeError(country, region) {
    catalogue ??= loadLibrary()();
    countries ??= catalogue.getCountries() ?? {};
    const code = country.toUpperCase();
    if (!(code in countries)) return { field: 'country', message: `unknown holiday country '${country}'` };
    if (region === undefined) return undefined;
    const regions = catalogue.getStates(code) ?? {};
    if (region.toUpperCase() in regions) return undefined;
    const known = Object.keys(regions).slice(0, 12).join(', ');
    return {
      field: 'region',
      message: `unknown holiday region '${region}' for ${code}${known ? ` (known: ${known}${Object.keys(regions).length > 12 ? ', …' : ''})` : ''}`,
    };
  },
  holidaysOf(country, region, year) {
    const calendarKey = placeKey(country, region);
    const key = `${calendarKey}|${year}`;
    let list = years.get(key);
    if (!list) {
      let calendar = calendars.get(calendarKey);
      if (!calendar) {
        calendar = loadLibrary()(country, region);
        calendars.set(calendarKey, calendar);
      }
      list = [];
      for (const holiday of calendar.getHolidays(year) || []) {
        const day = /^(\d{4})-(\d{2})-(\d{2})/.exec(holiday.date);
        if (!day) continue;
        list.push({
          wallDay: Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])),
          days: Math.max(1, Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS)),
          type: holiday.type,
          name: holiday.name,
        });
      }
      years.set(key, list);
    }
    return list;
  },
};

/** Answers remembered from earlier runs (see rememberingHolidays). */
export interface HolidayFacts {
  /** `country|region` as the policy writes them → the place's error, or null when it is known. */
  places: Record<string, HolidayPlaceError | null>;
  /** `COUNTRY|REGION|YEAR` (upper case) → that year's holidays. */
  years: Record<string, HolidayDay[]>;
}

/**
 * A calendar that answers from `known` first and asks `source` (date-holidays) only for what it
 * does not know; `learned()` holds every answer given, for the cache to keep.
 */
export function rememberingHolidays(
  known: HolidayFacts,
  source: HolidayCalendar = libraryHolidays,
): HolidayCalendar & { learned(): HolidayFacts; asked: () => boolean } {
  const places: HolidayFacts['places'] = Object.assign(Object.create(null), known.places);
  const remembered: HolidayFacts['years'] = Object.assign(Object.create(null), known.years);
  let askedSource = false;
  return {
    placeError(country, region) {
      // why: as written, since the error message quotes the policy's own spelling.
      const key = placeKey(country, region);
      if (!(key in places)) {
        askedSource = true;
        places[key] = source.placeError(country, region) ?? null;
      }
      return places[key] ?? undefined;
    },
    holidaysOf(country, region, year) {
      const key = `${placeKey(country, region)}|${year}`;
      let list = remembered[key];
      if (!list) {
        askedSource = true;
        list = [...source.holidaysOf(country, region, year)];
        remembered[key] = list;
      }
      return list;
    },
    learned: () => ({ places: { ...places }, years: { ...remembered } }),
    asked: () => askedSource,
  };
}

function placeKey(country: string, region: string | undefined): string {
  return `${country}|${region ?? ''}`;
}
