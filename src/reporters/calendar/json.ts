import { toRfc3339Utc } from '../../core/time.js';
import { versionedJsonDocument } from '../reporter.js';
import type { CalendarOutput } from './output.js';

/** `windows --format json`: the span asked for and each occurrence, times as RFC 3339 only. */
export function renderCalendarJson({
  occurrences,
  from,
  days,
  timezone,
  site,
  domain,
}: CalendarOutput): string {
  return versionedJsonDocument({
    from: toRfc3339Utc(from.getTime()),
    days,
    timezone,
    ...(site ? { site } : {}),
    ...(domain ? { domain } : {}),
    occurrences: occurrences.map(({ startMs: _start, endMs: _end, ...rest }) => rest),
  });
}
