import type { Occurrence } from '../../windows/model.js';
import type { CalendarHeading } from '../../windows/render.js';

/** What `netchange windows` renders: the occurrences of the span, and the span as asked. */
export interface CalendarOutput extends CalendarHeading {
  occurrences: readonly Occurrence[];
}
