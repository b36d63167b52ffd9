/**
 * The daily digest as a short chat message: the headline counts, then one line per change that
 * needs attention, per change made outside netchange and per emergency; the quiet successes are only
 * counted. The full digest is one click away (the digest issue or the CI run).
 */
import type { Digest } from '../../audit/digest.js';
import {
  driftHeadline,
  headline,
  isEmptyDigest,
  OUTSIDE_TITLE,
  periodText,
  SECTIONS,
  summaryCounts,
  summaryText,
} from '../../reporters/digest/describe.js';
import type { Notification, NotificationSection } from '../model.js';

/** Sections shown as lists; the rest ('other') is counted only. */
const LISTED = new Set<string>(['attention', 'emergency']);

export function describeDigestNotification(digest: Digest, link?: Notification['link']): Notification {
  const records = [...digest.attention, ...digest.emergency, ...digest.other];
  const counts = summaryCounts(records);
  const sections: NotificationSection[] = [];
  const [attention, ...rest] = SECTIONS;
  if (attention) sections.push({ heading: attention[1], lines: digest.attention.map(headline) });
  sections.push({ heading: OUTSIDE_TITLE, lines: digest.outside.map(driftHeadline) });
  for (const [key, title] of rest) {
    if (LISTED.has(key)) sections.push({ heading: title, lines: digest[key].map(headline) });
  }
  if (digest.unreadable.length > 0) {
    sections.push({
      heading: 'Unreadable evidence',
      lines: [`${digest.unreadable.length} stored file(s) could not be read; run netchange audit verify`],
    });
  }
  const needsAttention =
    digest.attention.length > 0 || digest.outside.some((record) => record.kind === 'drift-detected');
  return {
    title: `netchange digest${digest.team ? ` for ${digest.team}` : ''}`,
    summary: isEmptyDigest(digest) ? `No changes between ${periodText(digest)}.` : `${summaryText(digest)}.`,
    tone: needsAttention ? 'attention' : records.length > 0 ? 'good' : 'neutral',
    facts: [
      { label: 'Between', value: periodText(digest) },
      { label: 'Changes', value: String(counts.changes) },
      { label: 'Failed or rolled back', value: String(counts.failed + counts.rolledBack) },
      { label: 'Interrupted', value: String(counts.interrupted) },
      { label: 'Emergency', value: String(counts.emergency) },
      { label: 'Changed outside netchange', value: String(digest.outside.length) },
    ],
    sections,
    ...(link ? { link } : {}),
  };
}
