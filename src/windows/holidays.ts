/**
 * Holiday calendars for `holidays` windows: which countries and regions exist, and each year's
 * holidays as local days. date-holidays answers both; it is loaded on the first question, not with
 * the window engine.
 * why: date-holidays brings every country's rules, moment-timezone's zone data and astronomical
 * calendars: ~0.15 s to load, more than the rest of the engine. A run whose answers are remembered
 * (rememberingHolidays, fed from a cache) never loads it.
 */
import { createRequire } from 'node:module';
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

type HolidaysLibrary = typeof import('date-holidays').default;

// why: a synchronous require on first use: the engine compiles and expands synchronously, and an
// ESM import of the library would load it with the engine every time.
const requireAtRuntime = createRequire(import.meta.url);
let library: HolidaysLibrary | undefined;

function loadLibrary(): HolidaysLibrary {
  library ??= requireAtRuntime('date-holidays') as HolidaysLibrary;
  return library;
}

/** The version of date-holidays' rules: remembered answers are valid for this version only. */
export function holidayRulesVersion(): string {
  return (requireAtRuntime('date-holidays/package.json') as { version: string }).version;
}

// why: date-holidays loads a country's rules on every construction and computes a year in
// milliseconds; policies name a handful of countries, so calendars and years are shared.
let catalogue: InstanceType<HolidaysLibrary> | undefined;
let countries: Record<string, string> | undefined;
const calendars = new Map<string, InstanceType<HolidaysLibrary>>();
const years = new Map<string, HolidayDay[]>();

/** date-holidays itself, loaded on the first question. */
export const libraryHolidays: HolidayCalendar = {
  placeError(country, region) {
    const Holidays = loadLibrary();
    catalogue ??= new Holidays();
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
        const Holidays = loadLibrary();
        calendar = region ? new Holidays(country, region) : new Holidays(country);
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
