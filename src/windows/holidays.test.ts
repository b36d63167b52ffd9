import { createRequire } from 'node:module';
import DateHolidays from 'date-holidays';
import { describe, expect, it } from 'vitest';
import { holidayRules, holidayRulesVersion, libraryHolidays } from './holidays.js';

const requireHere = createRequire(import.meta.url);

describe('date-holidays rules read as JSON', () => {
  it('are the rules date-holidays compiles into its data module', () => {
    const bundled = (requireHere('date-holidays/data') as { data: object }).data;
    expect(holidayRules()).toEqual(bundled);
  });

  it.each([
    ['US', undefined, 2027],
    ['DE', 'BY', 2028],
    ['GB', 'SCT', 2026],
    ['JP', undefined, 2030],
  ])('give the days date-holidays itself gives for %s %s in %i', (country, region, year) => {
    const reference = region ? new DateHolidays(country, region) : new DateHolidays(country);
    const expected = (reference.getHolidays(year) || []).map((holiday) => [
      holiday.date,
      holiday.type,
      holiday.name,
    ]);
    const answered = libraryHolidays.holidaysOf(country, region, year);
    expect(expected.length).toBeGreaterThan(5);
    expect(answered.map((day) => day.name)).toEqual(expected.map(([, , name]) => name));
    expect(answered.map((day) => day.type)).toEqual(expected.map(([, type]) => type));
    expect(answered.map((day) => new Date(day.wallDay).toISOString().slice(0, 10))).toEqual(
      expected.map(([date]) => String(date).slice(0, 10)),
    );
  });

  it('know the places date-holidays knows, and refuse the others', () => {
    expect(libraryHolidays.placeError('us', 'ca')).toBeUndefined();
    expect(libraryHolidays.placeError('XX', undefined)).toEqual({
      field: 'country',
      message: "unknown holiday country 'XX'",
    });
    expect(libraryHolidays.placeError('DE', 'ZZ')).toMatchObject({ field: 'region' });
  });

  it('name both the rules and the parser in the version remembered answers are kept for', () => {
    const dataVersion = (requireHere('date-holidays/package.json') as { version: string }).version;
    const parserVersion = (requireHere('date-holidays-parser/package.json') as { version: string }).version;
    expect(holidayRulesVersion()).toBe(`${dataVersion}+parser-${parserVersion}`);
  });
});
