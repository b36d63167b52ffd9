/**
 * The compiled form of a WindowPolicy: every window with its zone clock, its schedule as an
 * expander, and a cache of occurrences expanded once per window for the span evaluations need.
 */
import type { ControlReference } from '../core/findings.js';
import type { WindowOverrideApproval, WindowScope } from '../core/schema-types.generated.js';
import type { ZoneClock } from '../core/zone-clock.js';
import type { Expander } from './schedules.js';

export type WindowEffect = 'deny' | 'allow';

/** One window, ready to evaluate. */
export interface CompiledWindow {
  /** The window's name (unique in a lint-clean policy). */
  name: string;
  /** deny: changes must not overlap; allow: changes must lie inside. */
  effect: WindowEffect;
  /** Why the window exists, as written. */
  reason?: string;
  /** Which changes it applies to; empty applies to all. */
  scope: WindowScope;
  /** IANA zone of the window's local times. */
  timezone: string;
  /** Zone arithmetic for `timezone`. */
  clock: ZoneClock;
  /** Approvals that turn a deny violation into an approval requirement. */
  override?: WindowOverrideApproval[];
  /** The control the window serves, when named. */
  control?: ControlReference;
  /** Position in the policy's `windows` list. */
  index: number;
  /** The schedule in a few words, e.g. `rrule FREQ=WEEKLY;BYDAY=SU at 01:00 for 4h`. */
  schedule: string;
  /** The longest an occurrence can last, so a query knows how far back to look. */
  maxLengthMs: number;
  /** Lists occurrences starting in a span. */
  expand: Expander;
  /** Expanded occurrences (sorted by start), valid for starts in the policy's covered span. */
  starts: number[];
  /** Ends matching `starts`. */
  ends: number[];
  /** Labels matching `starts` (holiday names). */
  labels: (string | undefined)[];
  /** Starts of expanded occurrences whose local start time fell in a DST gap (for lint). */
  gapStarts: number[];
  /** Starts of the window's occurrences merged into disjoint intervals. */
  mergedStarts: number[];
  /** Ends matching `mergedStarts`. */
  mergedEnds: number[];
}

/** A set of windows that apply to one kind of change, with their unions cached. */
export interface ApplicableWindows {
  /** Applicable deny windows. */
  deny: CompiledWindow[];
  /** Applicable allow windows. */
  allow: CompiledWindow[];
  /** Cache version the unions were built for. */
  version: number;
  /** Union of every applicable deny occurrence, as disjoint sorted intervals. */
  denyStarts: number[];
  denyEnds: number[];
  /** Union of every applicable allow occurrence, as disjoint sorted intervals. */
  allowStarts: number[];
  allowEnds: number[];
}

export interface CompiledWindowPolicy {
  /** Repository-relative path of the policy file. */
  file: string;
  /** The policy's default zone. */
  timezone: string;
  /** How far `next allowed` searches, as written (e.g. P90D). */
  horizon: string;
  /** `horizon` in milliseconds. */
  horizonMs: number;
  /** The windows, in policy order. */
  windows: CompiledWindow[];
  /** Span of instants every window's occurrences are known for: `[coveredFrom, coveredTo)`. */
  coveredFrom: number;
  coveredTo: number;
  /** Bumped whenever the covered span grows, so cached unions rebuild. */
  version: number;
  /** Applicable-window sets, keyed by the scope-relevant facts of a change. */
  applicable: Map<string, ApplicableWindows>;
}

/** One occurrence of a window, as `netchange windows` lists it. */
export interface Occurrence {
  /** Window name. */
  window: string;
  /** deny or allow. */
  effect: WindowEffect;
  /** Why the window exists. */
  reason?: string;
  /** The window's zone. */
  timezone: string;
  /** Start, RFC 3339 UTC. */
  start: string;
  /** End (exclusive), RFC 3339 UTC. */
  end: string;
  /** Start in the window's local time, RFC 3339 with offset. */
  localStart: string;
  /** End in the window's local time, RFC 3339 with offset. */
  localEnd: string;
  /** Start, epoch milliseconds. */
  startMs: number;
  /** End, epoch milliseconds. */
  endMs: number;
  /** The holiday's name, for holiday windows. */
  label?: string;
  /** The window's scope, as written. */
  scope: WindowScope;
}
