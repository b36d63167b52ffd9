/**
 * Remembered holiday calendars: what date-holidays answered for the policy's countries, regions and
 * years, kept in `<git dir>/netchange/holidays.json` for the date-holidays version that answered.
 * why: loading date-holidays costs ~0.12 s, most of a `--since` run or a plan step's own work; a
 * run whose holidays are all remembered never loads it. A missing, damaged or older file is a miss.
 */
import {
  type HolidayCalendar,
  type HolidayDay,
  type HolidayFacts,
  type HolidayPlaceError,
  holidayRulesVersion,
  rememberingHolidays,
} from '../windows/holidays.js';
import { cacheFilePath, isRecord, readCacheJson, writeCacheJson } from './cache-file.js';
import type { Workspace } from './workspace.js';

// why: a new layout of the file must never read what an older one wrote.
const FORMAT = 'netchange-holidays-v1';
const FILE_NAME = 'holidays.json';

export interface HolidayCache {
  calendar: HolidayCalendar;
  /** Writes what the run had to ask date-holidays; nothing when every answer was remembered. */
  save(): Promise<void>;
}

/** The remembering calendar of the workspace's repository; undefined without git (date-holidays answers). */
export async function openHolidayCache(workspace: Workspace): Promise<HolidayCache | undefined> {
  const file = await cacheFilePath(workspace, FILE_NAME);
  if (!file) return undefined;
  const rules = holidayRulesVersion();
  const calendar = rememberingHolidays(factsOf(await readCacheJson(file), rules));
  return {
    calendar,
    async save() {
      if (calendar.asked()) await writeCacheJson(file, { format: FORMAT, rules, ...calendar.learned() });
    },
  };
}

/** The remembered answers when the file was written in this format for these rules; else none. */
function factsOf(value: unknown, rules: string): HolidayFacts {
  const facts: HolidayFacts = { places: Object.create(null), years: Object.create(null) };
  if (!isRecord(value) || value.format !== FORMAT || value.rules !== rules) return facts;
  if (isRecord(value.places)) {
    for (const [key, place] of Object.entries(value.places)) {
      if (place === null || isPlaceError(place)) facts.places[key] = place;
    }
  }
  if (isRecord(value.years)) {
    for (const [key, days] of Object.entries(value.years)) {
      if (Array.isArray(days) && days.every(isHolidayDay)) facts.years[key] = days;
    }
  }
  return facts;
}

function isPlaceError(value: unknown): value is HolidayPlaceError {
  return (
    isRecord(value) &&
    (value.field === 'country' || value.field === 'region') &&
    typeof value.message === 'string'
  );
}

/** Every field the expander reads, with its type: a damaged entry is a miss, never a wrong holiday. */
function isHolidayDay(value: unknown): value is HolidayDay {
  return (
    isRecord(value) &&
    Number.isSafeInteger(value.wallDay) &&
    Number.isSafeInteger(value.days) &&
    (value.days as number) >= 1 &&
    typeof value.type === 'string' &&
    typeof value.name === 'string'
  );
}
