/**
 * Periodic reviews (the policy's `reviews`): when each was last done and whether the board must be
 * reminded at this meeting. Pure: the last commit that touched each review's paths comes in, and
 * the meeting is the clock.
 */
import type { ControlReference } from '../core/findings.js';
import {
  addCalendarDuration,
  type CalendarDuration,
  parseCalendarDuration,
  startOfLocalDay,
  toRfc3339Utc,
} from '../core/time.js';

/** How far ahead of the meeting a review counts as due soon (the pack's schedule reach). */
export const REVIEW_DUE_SOON_DAYS = 14;

/** What is known about one review before the meeting judges it. */
export interface ReviewFacts {
  name: string;
  /** How often it is due, as written (P6M). */
  every: string;
  /** `every`, parsed. */
  interval: CalendarDuration;
  /** The files, directories or globs whose commits count as reviews. */
  paths: readonly string[];
  /** `lastReviewed` as written (YYYY-MM-DD), when given. */
  lastReviewed?: string;
  /** The newest commit that touched `paths`, when one did. */
  lastCommit?: { commit: string; at: Date };
  reason?: string;
  control?: ControlReference;
}

/**
 * Where a review stands at the meeting: `overdue` when its last review plus `every` is at or before
 * the meeting (or it was never done), `due-soon` when that falls within {@link REVIEW_DUE_SOON_DAYS}
 * days after it, `current` otherwise.
 */
export type ReviewStatus = 'overdue' | 'due-soon' | 'current';

/** One review as the CAB pack shows it. */
export interface ReviewReminder {
  name: string;
  every: string;
  paths: string[];
  reason?: string;
  control?: ControlReference;
  /**
   * The last review, RFC 3339 UTC: the later of `lastReviewed` (the start of that day) and the last
   * commit to `paths`; absent when neither exists (never reviewed).
   */
  lastReviewedAt?: string;
  /** What the last review is: a commit to the paths (its sha) or the policy's `lastReviewed` day. */
  evidence?: { kind: 'commit'; commit: string } | { kind: 'lastReviewed'; day: string };
  /** When the next review is due, RFC 3339 UTC; absent when it was never reviewed. */
  due?: string;
  status: ReviewStatus;
  /**
   * A `lastReviewed` day after the meeting or after today, as written: not counted (the review is
   * judged as if it were not written), and said in the pack.
   */
  untrustedLastReviewed?: string;
  /** Why `untrustedLastReviewed` is not counted. */
  untrustedBecause?: 'after the meeting' | 'after today';
}

/**
 * Judges each review at the meeting. `zone` is the repository's default zone: a `lastReviewed` day
 * begins at its local midnight, and `every` counts calendar months and days there. `now` is when the
 * pack is made: a review dated after it has not happened yet either.
 */
export function reviewReminders(
  reviews: readonly ReviewFacts[],
  meeting: Date,
  zone: string,
  now: Date = meeting,
): ReviewReminder[] {
  const meetingMs = meeting.getTime();
  const nowMs = now.getTime();
  // why: calendar days, so "due soon" means the same local days across a DST change.
  const soon = parseCalendarDuration(`P${REVIEW_DUE_SOON_DAYS}D`);
  const soonMs = soon ? addCalendarDuration(soon, meetingMs, zone) : meetingMs;
  return reviews.map((review) => {
    const written =
      review.lastReviewed !== undefined ? startOfLocalDay(review.lastReviewed, zone) : undefined;
    // why: a review dated after the meeting has not happened when the board meets; counted, a typo
    // such as 2030-01-01 would keep the review current for years with no one told (as a commit
    // dated after the meeting is not counted either).
    // The same holds for a day after today when the meeting is still ahead.
    const future: ReviewReminder['untrustedBecause'] =
      written === undefined
        ? undefined
        : written > meetingMs
          ? 'after the meeting'
          : written > nowMs
            ? 'after today'
            : undefined;
    const declared = future ? undefined : written;
    const committed = review.lastCommit?.at.getTime();
    const base: ReviewReminder = {
      name: review.name,
      every: review.every,
      paths: [...review.paths],
      ...(review.reason !== undefined ? { reason: review.reason } : {}),
      ...(review.control ? { control: review.control } : {}),
      status: 'overdue',
      ...(future && review.lastReviewed !== undefined
        ? { untrustedLastReviewed: review.lastReviewed, untrustedBecause: future }
        : {}),
    };
    if (declared === undefined && committed === undefined) return base;
    const byCommit = committed !== undefined && (declared === undefined || committed >= declared);
    const lastMs = byCommit ? (committed as number) : (declared as number);
    const dueMs = addCalendarDuration(review.interval, lastMs, zone);
    return {
      ...base,
      lastReviewedAt: toRfc3339Utc(lastMs),
      evidence:
        byCommit && review.lastCommit
          ? { kind: 'commit', commit: review.lastCommit.commit }
          : { kind: 'lastReviewed', day: review.lastReviewed ?? '' },
      due: toRfc3339Utc(dueMs),
      status: dueMs <= meetingMs ? 'overdue' : dueMs <= soonMs ? 'due-soon' : 'current',
    };
  });
}
