/**
 * The forward schedule of change as data: what `netchange schedule` renders in every format and
 * the CAB pack's "Schedule" section lists. Built by src/use-cases/schedule.ts.
 */
import type { Conflict, ConflictWith, ScheduledChange } from '../core/model.js';
import type { ReviewState } from '../core/review-state.js';
import type { Occurrence } from '../windows/model.js';

/** One change in the schedule. */
export interface ScheduleEntry extends ScheduledChange {
  /** The review state on the evaluated commit; `pending` for another open pull request's proposal. */
  state: ReviewState | 'pending';
  conflicts: ConflictWith[];
  /**
   * How many commits touched the proposal file (0 for a pull request's or an uncommitted file):
   * the calendar event's SEQUENCE, so a subscribed calendar updates the event in place.
   */
  revision: number;
}

/** A window occurrence in the schedule, with the listed sites it applies to. */
export interface ScheduleWindow extends Occurrence {
  /** Sites of the listed changes (or `--site`) this occurrence applies to; empty when none was listed. */
  sites: string[];
}

export interface Schedule {
  /** RFC 3339 UTC. */
  from: string;
  /** RFC 3339 UTC, exclusive. */
  until: string;
  /** The window policy's zone (UTC when there is none). */
  timezone: string;
  /** `--site`: only changes at this site are listed. */
  site?: string;
  changes: ScheduleEntry[];
  /** Window occurrences in the period that apply to the listed changes' sites (all when none is listed). */
  windows: ScheduleWindow[];
  conflicts: Conflict[];
}
