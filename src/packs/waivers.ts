/**
 * Which weakenings a `waive` entry accepts on a given day. Pure: the day comes from the gate's
 * clock (`--at`), never from the machine's.
 */
import { toRfc3339Utc } from '../core/time.js';
import type { Weakening } from './merge.js';
import type { Waiver } from './resolve.js';

/** A weakening and where its waiver stands. */
export interface JudgedWeakening {
  weakening: Weakening;
  /** `open`: no waiver; `waived`: a waiver holds today; `expired`: its waiver ended before today. */
  status: 'open' | 'waived' | 'expired';
  waiver?: Waiver;
}

export interface WaiverJudgement {
  weakenings: JudgedWeakening[];
  /** Waivers that name nothing weakened (stale once the override is gone). */
  unused: Waiver[];
}

/**
 * Judges every weakening on `today` (YYYY-MM-DD, UTC). A waiver holds through its `until` day
 * inclusive; the latest-ending waiver of a name counts.
 */
export function judgeWeakenings(
  weakenings: readonly Weakening[],
  waivers: readonly Waiver[],
  today: string,
): WaiverJudgement {
  const used = new Set<Waiver>();
  const judged = weakenings.map((weakening): JudgedWeakening => {
    const candidates = waivers
      .filter((waiver) => waiver.rule === weakening.name)
      .sort((a, b) => b.until.localeCompare(a.until));
    const waiver = candidates[0];
    if (!waiver) return { weakening, status: 'open' };
    for (const candidate of candidates) used.add(candidate);
    // why: YYYY-MM-DD strings compare as dates.
    return { weakening, status: waiver.until >= today ? 'waived' : 'expired', waiver };
  });
  return { weakenings: judged, unused: waivers.filter((waiver) => !used.has(waiver)) };
}

/** The UTC calendar day of an instant, YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return toRfc3339Utc(at.getTime()).slice(0, 10);
}
