/**
 * Converts between instants and wall-clock times in one IANA zone, fast enough to convert every
 * occurrence of 200 windows and to show thousands of local times. Temporal answers the hard question (where the zone's offset changes);
 * between transitions the offset is constant, so conversions are arithmetic.
 */
import { Temporal } from 'temporal-polyfill';

// why: its own constant, not time.ts's: time.ts shows local times through this clock.
const DAY_MS = 86_400_000;

// why: a zone's transitions are computed for a generous span around each request, so a policy
// evaluated over a 90-day horizon asks Temporal for transitions a handful of times per zone.
const TRANSITION_MARGIN_MS = 400 * DAY_MS;

/** A wall-clock time written as if it were UTC: `Date.UTC(y, m, d, h, min)`. */
export type WallMs = number;

export interface ZoneClock {
  /** The IANA zone name. */
  readonly zone: string;
  /** The zone's UTC offset in milliseconds at an instant. */
  offsetAt(epochMs: number): number;
  /** The wall-clock time at an instant. */
  toWall(epochMs: number): WallMs;
  /**
   * The instant a wall-clock time names, with Temporal's `compatible` disambiguation: a time in a
   * DST gap moves forward by the gap, an ambiguous (repeated) time takes the earlier offset.
   * `shifted` is true when the wall-clock time does not exist (it fell in a gap).
   */
  toInstant(wall: WallMs): { epochMs: number; shifted: boolean };
}

const clocks = new Map<string, ZoneClock>();

/** The clock for a zone; throws RangeError for an unknown zone (callers lint zones first). */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = createZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

function createZoneClock(zone: string): ZoneClock {
  // Validates the zone up front: Temporal throws RangeError for unknown names.
  Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
  let coveredFrom = Number.POSITIVE_INFINITY;
  let coveredTo = Number.NEGATIVE_INFINITY;
  // offsets[i] holds from transitions[i - 1] (or coveredFrom) up to transitions[i] (or coveredTo).
  let transitions: number[] = [];
  let offsets: number[] = [];

  function cover(epochMs: number): void {
    if (epochMs >= coveredFrom && epochMs < coveredTo) return;
    const from = Math.min(coveredFrom, epochMs - TRANSITION_MARGIN_MS);
    const to = Math.max(coveredTo, epochMs + TRANSITION_MARGIN_MS);
    let zoned = Temporal.Instant.fromEpochMilliseconds(from).toZonedDateTimeISO(zone);
    const nextTransitions: number[] = [];
    const nextOffsets: number[] = [zoned.offsetNanoseconds / 1e6];
    for (;;) {
      const transition = zoned.getTimeZoneTransition('next');
      if (!transition || transition.epochMilliseconds >= to) break;
      nextTransitions.push(transition.epochMilliseconds);
      nextOffsets.push(transition.offsetNanoseconds / 1e6);
      zoned = transition;
    }
    transitions = nextTransitions;
    offsets = nextOffsets;
    coveredFrom = from;
    coveredTo = to;
  }

  function offsetAt(epochMs: number): number {
    cover(epochMs);
    let low = 0;
    let high = transitions.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (transitions[middle]! <= epochMs) low = middle + 1;
      else high = middle;
    }
    return offsets[low]!;
  }

  function toInstant(wall: WallMs): { epochMs: number; shifted: boolean } {
    // why: real zones never change offset twice within two days, so the offsets a day either side
    // are the only candidates; this mirrors Temporal's `compatible` disambiguation exactly.
    const before = offsetAt(wall - DAY_MS);
    const after = offsetAt(wall + DAY_MS);
    if (before === after) return { epochMs: wall - before, shifted: false };
    const earlier = wall - before;
    const later = wall - after;
    const earlierValid = offsetAt(earlier) === before;
    const laterValid = offsetAt(later) === after;
    if (earlierValid && laterValid) return { epochMs: Math.min(earlier, later), shifted: false };
    if (earlierValid) return { epochMs: earlier, shifted: false };
    if (laterValid) return { epochMs: later, shifted: false };
    // A gap: keep the offset from before the transition, which lands later by the gap's length.
    return { epochMs: wall - before, shifted: true };
  }

  return { zone, offsetAt, toWall: (epochMs) => epochMs + offsetAt(epochMs), toInstant };
}
