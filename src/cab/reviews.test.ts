import { describe, expect, it } from 'vitest';
import { parseCalendarDuration } from '../core/time.js';
import { type ReviewFacts, reviewReminders } from './reviews.js';

const SIX_MONTHS = parseCalendarDuration('P6M')!;

function review(overrides: Partial<ReviewFacts>): ReviewFacts {
  return {
    name: 'nsc-rule-review',
    every: 'P6M',
    interval: SIX_MONTHS,
    paths: ['reviews/nsc/'],
    ...overrides,
  };
}

describe('reviewReminders', () => {
  it('calls a review nobody ever did overdue, with no due date', () => {
    const [reminder] = reviewReminders([review({})], new Date('2026-12-03T15:00:00Z'), 'UTC');

    expect(reminder).toEqual({
      name: 'nsc-rule-review',
      every: 'P6M',
      paths: ['reviews/nsc/'],
      status: 'overdue',
    });
  });

  it.each([
    ['2026-10-31T23:59:00Z', 'due-soon'],
    ['2026-11-01T10:00:00Z', 'overdue'],
    ['2026-10-18T10:00:00Z', 'due-soon'],
    ['2026-10-18T09:59:00Z', 'current'],
  ])('at a meeting on %s a review last done on 1 May 10:00Z is %s', (meeting, status) => {
    const lastCommit = { commit: 'a'.repeat(40), at: new Date('2026-05-01T10:00:00Z') };

    const [reminder] = reviewReminders([review({ lastCommit })], new Date(meeting), 'UTC');

    expect(reminder?.status).toBe(status);
    expect(reminder?.due).toBe('2026-11-01T10:00:00Z');
  });

  it('counts calendar months in the zone: a review on a summer midnight in Chicago is due at a winter midnight', () => {
    const [reminder] = reviewReminders(
      [review({ paths: [], lastReviewed: '2026-06-15' })],
      new Date('2026-12-03T15:00:00Z'),
      'America/Chicago',
    );

    expect(reminder).toMatchObject({
      lastReviewedAt: '2026-06-15T05:00:00Z',
      due: '2026-12-15T06:00:00Z',
      evidence: { kind: 'lastReviewed', day: '2026-06-15' },
      status: 'due-soon',
    });
  });

  it('does not count a lastReviewed after the meeting: the review is judged as never done, and says so', () => {
    const [reminder] = reviewReminders(
      [review({ paths: [], lastReviewed: '2030-01-01' })],
      new Date('2026-12-10T15:00:00Z'),
      'UTC',
    );

    expect(reminder).toEqual({
      name: 'nsc-rule-review',
      every: 'P6M',
      paths: [],
      status: 'overdue',
      untrustedLastReviewed: '2030-01-01',
      untrustedBecause: 'after the meeting',
    });
  });

  it('does not count a lastReviewed after today either, while the meeting is still ahead', () => {
    const meeting = new Date('2026-12-10T15:00:00Z');
    const facts = [review({ paths: [], lastReviewed: '2026-12-09' })];

    const [early] = reviewReminders(facts, meeting, 'UTC', new Date('2026-12-08T23:59:59Z'));
    const [onTheDay] = reviewReminders(facts, meeting, 'UTC', new Date('2026-12-09T00:00:00Z'));

    expect(early).toMatchObject({ status: 'overdue', untrustedBecause: 'after today' });
    expect(onTheDay).toMatchObject({
      status: 'current',
      evidence: { kind: 'lastReviewed', day: '2026-12-09' },
    });
  });
});
