/**
 * The window engine against a brute-force oracle: random windows (rrule, cron, one-off; deny and
 * allow; scoped or not) in five zones, random changes near DST transitions. The oracle computes
 * occurrences day by day with Temporal directly and checks every minute; the engine must agree on
 * whether the change is allowed and on the next allowed slot, in every case.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseYaml } from '../documents/parse-yaml.js';
import { compileWindowPolicy } from './compile.js';
import { evaluateWindows, nextAllowedSlots } from './evaluate.js';
import { buildSubject } from './test-support.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const HORIZON_DAYS = 2;
const ZONES = ['America/Chicago', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'] as const;
// DST transitions of 2026 in the zones above (Kolkata and UTC have none; nearby dates still vary).
const TRANSITIONS = [
  '2026-03-08T08:00:00Z', // Chicago spring forward
  '2026-11-01T07:00:00Z', // Chicago fall back
  '2026-03-29T01:00:00Z', // Berlin spring forward
  '2026-10-25T01:00:00Z', // Berlin fall back
  '2026-04-04T15:00:00Z', // Lord Howe fall back (30 minutes)
  '2026-10-03T15:30:00Z', // Lord Howe spring forward (30 minutes)
  '2026-06-15T00:00:00Z', // no transition anywhere
].map((text) => Date.parse(text));
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const;

interface WindowSpec {
  effect: 'deny' | 'allow';
  zone: (typeof ZONES)[number];
  site?: 'plant-a' | 'hq';
  kind: 'daily' | 'weekly' | 'cron' | 'once';
  days: number[];
  hour: number;
  minute: number;
  durationMinutes: number;
  onceOffsetDays: number;
}

const windowSpec = fc.record({
  effect: fc.constantFrom('deny' as const, 'allow' as const),
  zone: fc.constantFrom(...ZONES),
  site: fc.option(fc.constantFrom('plant-a' as const, 'hq' as const), { nil: undefined }),
  kind: fc.constantFrom('daily' as const, 'weekly' as const, 'cron' as const, 'once' as const),
  days: fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
  hour: fc.oneof(fc.constantFrom(0, 1, 2, 3, 23), fc.integer({ min: 0, max: 23 })),
  minute: fc.oneof(fc.constantFrom(0, 30), fc.integer({ min: 0, max: 59 })),
  durationMinutes: fc.oneof(fc.integer({ min: 1, max: 180 }), fc.integer({ min: 1, max: 30 * 60 })),
  onceOffsetDays: fc.integer({ min: -3, max: 3 }),
});

const changeSpec = fc.record({
  transition: fc.constantFrom(...TRANSITIONS),
  offsetMinutes: fc.integer({ min: -3 * 1440, max: 3 * 1440 }),
  lengthMinutes: fc.integer({ min: 1, max: 600 }),
  rollbackMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 120 })),
  atDeltaMinutes: fc.integer({ min: -1440, max: 600 }),
});

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function onceBounds(
  spec: WindowSpec,
  transition: number,
): { from: Temporal.PlainDateTime; to: Temporal.PlainDateTime } {
  const day = Temporal.Instant.fromEpochMilliseconds(transition)
    .toZonedDateTimeISO(spec.zone)
    .toPlainDate()
    .add({ days: spec.onceOffsetDays });
  const from = day.toPlainDateTime({ hour: spec.hour, minute: spec.minute });
  return { from, to: from.add({ minutes: spec.durationMinutes }) };
}

function policyYaml(specs: WindowSpec[], transition: number): string {
  const windows = specs.map((spec, index) => {
    let schedule: Record<string, string>;
    const start = `${pad(spec.hour)}:${pad(spec.minute)}`;
    const duration = `PT${spec.durationMinutes}M`;
    if (spec.kind === 'daily') schedule = { rrule: 'FREQ=DAILY', start, duration };
    else if (spec.kind === 'weekly')
      schedule = {
        rrule: `FREQ=WEEKLY;BYDAY=${spec.days.map((day) => WEEKDAYS[day]).join(',')}`,
        start,
        duration,
      };
    else if (spec.kind === 'cron')
      schedule = { cron: `${spec.minute} ${spec.hour} * * ${spec.days.join(',')}`, duration };
    else {
      const { from, to } = onceBounds(spec, transition);
      schedule = { from: from.toString().slice(0, 16), to: to.toString().slice(0, 16) };
    }
    return {
      name: `w${index}`,
      effect: spec.effect,
      timezone: spec.zone,
      ...(spec.site ? { scope: { sites: [spec.site] } } : {}),
      schedule,
    };
  });
  return stringify({
    apiVersion: 'netchange/v1',
    kind: 'WindowPolicy',
    timezone: 'UTC',
    horizon: `P${HORIZON_DAYS}D`,
    windows,
  });
}

/**
 * A one-off window as the span of instants whose local time lies in [from, to): a bound in a DST
 * gap is the instant the clocks jump, the transition just before the time `compatible` moves it to.
 */
function onceInstants(spec: WindowSpec, transition: number): [number, number] {
  const firstInstantFrom = (dateTime: Temporal.PlainDateTime) => {
    const moved = dateTime.toZonedDateTime(spec.zone, { disambiguation: 'compatible' });
    if (moved.toPlainDateTime().equals(dateTime)) return moved.epochMilliseconds;
    return moved.add({ nanoseconds: 1 }).getTimeZoneTransition('previous')!.epochMilliseconds;
  };
  const { from, to } = onceBounds(spec, transition);
  return [firstInstantFrom(from), firstInstantFrom(to)];
}

/** Occurrences computed the slow, obvious way: every local day, Temporal's `compatible` resolution. */
function oracleOccurrences(
  spec: WindowSpec,
  transition: number,
  fromMs: number,
  toMs: number,
): [number, number][] {
  const toInstant = (dateTime: Temporal.PlainDateTime) =>
    dateTime.toZonedDateTime(spec.zone, { disambiguation: 'compatible' }).epochMilliseconds;
  if (spec.kind === 'once') return [onceInstants(spec, transition)];
  const occurrences: [number, number][] = [];
  let day = Temporal.Instant.fromEpochMilliseconds(fromMs - 3 * DAY)
    .toZonedDateTimeISO(spec.zone)
    .toPlainDate();
  const lastDay = Temporal.Instant.fromEpochMilliseconds(toMs + DAY)
    .toZonedDateTimeISO(spec.zone)
    .toPlainDate();
  while (Temporal.PlainDate.compare(day, lastDay) <= 0) {
    if (spec.kind === 'daily' || spec.days.includes(day.dayOfWeek % 7)) {
      const start = toInstant(day.toPlainDateTime({ hour: spec.hour, minute: spec.minute }));
      occurrences.push([start, start + spec.durationMinutes * MINUTE]);
    }
    day = day.add({ days: 1 });
  }
  return occurrences;
}

describe('window engine against a minute-by-minute oracle', () => {
  it('agrees on allowed/blocked and on the next allowed slot for random windows across DST transitions', () => {
    fc.assert(
      fc.property(fc.array(windowSpec, { minLength: 1, maxLength: 3 }), changeSpec, (specs, change) => {
        const startMs = change.transition + change.offsetMinutes * MINUTE;
        const lengthMs = change.lengthMinutes * MINUTE;
        const rollbackMs = change.rollbackMinutes * MINUTE;
        const occupiedMs = lengthMs + rollbackMs;
        const at = new Date(startMs + change.atDeltaMinutes * MINUTE);
        const searchFrom = Math.max(startMs, at.getTime());
        const document = parseYaml('policies/windows.yaml', policyYaml(specs, change.transition));
        const { policy, findings } = compileWindowPolicy(document);
        const errors = findings.filter((finding) => finding.severity === 'error');
        // why: a one-off window lying wholly in a DST gap holds no instant; it is a policy error.
        const empty = specs.filter((spec) => {
          if (spec.kind !== 'once') return false;
          const [from, to] = onceInstants(spec, change.transition);
          return to <= from;
        });
        expect(errors.map((error) => error.message.includes('falls in a DST gap'))).toEqual(
          empty.map(() => true),
        );
        if (empty.length > 0) return;
        const subject = buildSubject({ startMs, lengthMs, rollbackMs });

        const verdict = evaluateWindows(policy!, subject, { at, risk: 'low', bypass: false });
        const slots = nextAllowedSlots(policy!, subject, { at, risk: 'low', count: 1 });

        // Oracle: paint every minute from the earliest instant of interest to the end of the search.
        const paintFrom = Math.min(startMs, searchFrom);
        const paintTo = searchFrom + HORIZON_DAYS * DAY + occupiedMs;
        const size = (paintTo - paintFrom) / MINUTE;
        const denied = new Uint8Array(size);
        const allowed = new Uint8Array(size);
        let anyAllow = false;
        for (const spec of specs) {
          if (spec.site === 'hq') continue; // the change targets plant-a only
          if (spec.effect === 'allow') anyAllow = true;
          const paint = spec.effect === 'deny' ? denied : allowed;
          for (const [start, end] of oracleOccurrences(spec, change.transition, paintFrom, paintTo)) {
            for (
              let minute = Math.max(0, (start - paintFrom) / MINUTE);
              minute < Math.min(size, (end - paintFrom) / MINUTE);
              minute++
            ) {
              paint[minute] = 1;
            }
          }
        }
        const good = (minute: number) => denied[minute] === 0 && (!anyAllow || allowed[minute] === 1);
        const runFits = (first: number) => {
          for (let minute = first; minute < first + occupiedMs / MINUTE; minute++)
            if (!good(minute)) return false;
          return true;
        };
        const expectedOpen = runFits((startMs - paintFrom) / MINUTE);
        let expectedNext: number | undefined;
        for (
          let minute = (searchFrom - paintFrom) / MINUTE;
          minute <= (searchFrom - paintFrom) / MINUTE + HORIZON_DAYS * 1440;
          minute++
        ) {
          if (runFits(minute)) {
            expectedNext = paintFrom + minute * MINUTE;
            break;
          }
        }

        expect(verdict.open).toBe(expectedOpen);
        expect(verdict.findings.some((finding) => finding.severity === 'error')).toBe(!expectedOpen);
        const engineNext = slots[0] ? Date.parse(slots[0].start) : undefined;
        expect(engineNext).toBe(expectedNext);
        if (!expectedOpen)
          expect(verdict.nextAllowed ? Date.parse(verdict.nextAllowed.start) : undefined).toBe(expectedNext);
      }),
      { numRuns: 10_000 },
    );
  }, 120_000);
});
