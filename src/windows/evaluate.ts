/**
 * Window evaluation for one change: which windows apply (scope), whether the occupied interval
 * `[start, end + rollback)` clashes with a deny occurrence or leaves the union of the applicable
 * allow occurrences, and the next allowed slot — found exactly by jumping between occurrence
 * boundaries, never by stepping through minutes.
 */
import picomatch from 'picomatch';
import {
  type ControlReference,
  type EvaluatedRule,
  elide,
  type Interval,
  MAX_MESSAGE_LENGTH,
} from '../core/findings.js';
import type { ApprovalRequest, ChangeSubject, Risk, WindowVerdict } from '../core/model.js';
import type { WindowScope } from '../core/schema-types.generated.js';
import { touchedDevices, touchedSites } from '../core/targets.js';
import {
  addCalendarDuration,
  DAY_MS,
  formatLocalAndUtc,
  formatSpanLocalAndUtc,
  isWindowTimeZone,
  parseCalendarDuration,
  toRfc3339Utc,
} from '../core/time.js';
import { type ZoneClock, zoneClock } from '../core/zone-clock.js';
import type { ApplicableWindows, CompiledWindow, CompiledWindowPolicy, Occurrence } from './model.js';
import { ensureCovered, overlappingOccurrences, refreshUnions, upperBound } from './occurrence-store.js';
import { siteIndexOf, windowsAtSites } from './site-index.js';
import { toIsoLocal } from './time-text.js';

export interface EvaluateWindowsOptions {
  /** The instant of evaluation: next allowed slots are never before it. */
  at: Date;
  /** The change's effective risk (windows may be scoped by risk). */
  risk: Risk;
  /** Emergency bypass (from the change-control policy): window errors become warnings. */
  bypass: boolean;
  /** Intervals other changes hold that this one may not overlap (conflicts): see {@link BusyLookup}. */
  busy?: BusyLookup;
}

/**
 * An interval the slot search treats like a deny occurrence: another change's occupied interval
 * that this change would conflict with. `[startMs, endMs)`.
 */
export interface BusyInterval {
  startMs: number;
  endMs: number;
}

/** The busy intervals (sorted, merged) that start before `untilMs` and end after the search's start. */
export type BusyLookup = (untilMs: number) => readonly BusyInterval[];

export interface NextAllowedOptions {
  /** Slots start at or after this instant (and at or after the requested start). */
  at: Date;
  /** The change's effective risk. */
  risk: Risk;
  /** How many slots to return. */
  count: number;
  /** Intervals other changes hold that this one may not overlap (conflicts): see {@link BusyLookup}. */
  busy?: BusyLookup;
}

/** Evaluates one change against the policy's windows. */
export function evaluateWindows(
  policy: CompiledWindowPolicy,
  subject: ChangeSubject,
  options: EvaluateWindowsOptions,
): WindowVerdict {
  const startMs = subject.startMs;
  const endMs = subject.endMs + subject.rollbackMs;
  const set = applicableWindows(policy, subject, options.risk);
  const searchFrom = Math.max(startMs, options.at.getTime());
  const length = occupiedLengthOf(subject);
  // why: cover the whole next-allowed search now, so occurrence indexes below stay valid.
  ensureCovered(policy, startMs, Math.max(endMs, searchFrom + policy.horizonMs + length.longestMs + DAY_MS));

  const overlapping: string[] = [];
  const blockingDenies: { window: CompiledWindow; occurrence: number }[] = [];
  for (const window of [...set.deny, ...set.allow]) {
    const occurrences = overlappingOccurrences(window, startMs, endMs);
    if (occurrences.length === 0) continue;
    overlapping.push(window.name);
    if (window.effect === 'deny') blockingDenies.push({ window, occurrence: occurrences[0]! });
  }
  const gapAt = set.allow.length > 0 ? firstUncovered(policy, set, startMs, endMs) : undefined;
  const open = blockingDenies.length === 0 && gapAt === undefined;
  const verdict: WindowVerdict = { findings: [], overrideApprovals: [], overlapping, open };
  if (open) return verdict;

  const [next] = slotsFor(policy, set, searchFrom, length, 1, options.busy);
  if (next) verdict.nextAllowed = next;
  const position = subject.locate(['schedule', 'start']);
  const displayClock = clockFor(subject.timezone, policy);
  const occupied = formatSpanLocalAndUtc(startMs, endMs, displayClock.zone);
  // why: the next slot is shown once per proposal (ProposalReport.windows.nextAllowed), not per finding.
  const nextText = next
    ? ''
    : ` No allowed slot within ${describeHorizon(policy.horizon)} after the requested start.`;
  const base = {
    ruleId: 'window' as const,
    file: subject.file,
    line: position.line,
    column: position.column,
    ...(next ? { nextAllowed: next } : {}),
  };

  for (const { window, occurrence } of blockingDenies) {
    const clash = describeOccurrence(window, occurrence);
    const why = window.reason ? ` (${window.reason})` : '';
    const name = `'${elide(window.name, 60)}'`;
    const detail = `Window '${window.name}'${why}. The change occupies ${occupied} and overlaps ${clash}.`;
    const control = window.control ? { control: window.control } : {};
    if (options.bypass) {
      verdict.findings.push({
        ...base,
        ...control,
        policy: window.name,
        severity: 'warning',
        message: `bypassed (emergency): deny window ${name}; a retrospective review is due`,
        detail,
      });
    } else if (window.override) {
      const approvals = window.override.map(
        (approval): ApprovalRequest => ({
          ...(approval.team !== undefined ? { team: approval.team } : {}),
          ...(approval.role !== undefined ? { role: approval.role } : {}),
          count: approval.count,
          reason: `override of deny window '${window.name}'`,
        }),
      );
      verdict.overrideApprovals.push(...approvals);
      verdict.findings.push({
        ...base,
        ...control,
        policy: window.name,
        severity: 'warning',
        message: elide(
          `in deny window ${name}: needs override approval from ${approvals.map(describeApprover).join(' and ')}`,
          MAX_MESSAGE_LENGTH,
        ),
        hint: `Get the override approvals, or move the change.${nextText}`,
        detail,
      });
    } else {
      verdict.findings.push({
        ...base,
        ...control,
        policy: window.name,
        severity: 'error',
        message: `blocked by deny window ${name}`,
        hint: `Move the change out of the window.${nextText}`,
        detail,
      });
    }
  }
  if (gapAt !== undefined) {
    const names = set.allow.map((window) => `'${window.name}'`).join(', ');
    const reasons = set.allow.filter((window) => window.reason).map((window) => window.reason);
    const nearest = nearestAllowOccurrence(set.allow, gapAt);
    const plural = set.allow.length > 1 ? 's' : '';
    const shortNames = elide(set.allow.map((window) => `'${elide(window.name, 40)}'`).join(', '), 100);
    const detail =
      `Allow window${plural} ${names}${reasons.length ? ` (${reasons.join('; ')})` : ''}. ` +
      `The change occupies ${occupied}; from ${formatLocalAndUtc(gapAt, displayClock.zone)} no allow occurrence covers it` +
      (nearest
        ? `; the nearest occurrence is ${describeOccurrence(nearest.window, nearest.occurrence)}.`
        : '.');
    // why: one finding speaks for every applicable allow window; it names a control when they share one.
    const [first, ...rest] = set.allow;
    const shared =
      first?.control && rest.every((window) => sameControl(window.control, first.control))
        ? { control: first.control }
        : {};
    verdict.findings.push({
      ...base,
      ...shared,
      policy: set.allow.map((window) => window.name).join(', '),
      severity: options.bypass ? 'warning' : 'error',
      message: options.bypass
        ? `bypassed (emergency): outside allow window${plural} ${shortNames}; a retrospective review is due`
        : `outside allow window${plural} ${shortNames}`,
      ...(options.bypass
        ? {}
        : {
            hint: `Schedule the whole change, rollback time included, inside one allow occurrence.${nextText}`,
          }),
      detail,
    });
  }
  return verdict;
}

/**
 * The windows that applied to the change (their scope matched) and how each came out: `passed`
 * when respected, `failed` when it blocks the change, `waived` when an emergency bypassed it or a
 * deny window's override turned the clash into approvals.
 */
export function windowOutcomes(
  policy: CompiledWindowPolicy,
  subject: ChangeSubject,
  risk: Risk,
  verdict: WindowVerdict,
): EvaluatedRule[] {
  const set = applicableWindows(policy, subject, risk);
  const allowNames = set.allow.map((window) => window.name).join(', ');
  const windows = [...set.deny, ...set.allow].sort((a, b) => a.index - b.index);
  return windows.map((window) => {
    const own = verdict.findings.find((finding) =>
      window.effect === 'deny' ? finding.policy === window.name : finding.policy === allowNames,
    );
    const outcome = !own ? 'passed' : own.severity === 'error' ? 'failed' : 'waived';
    return {
      kind: 'window',
      rule: window.name,
      outcome,
      ...(window.control ? { control: window.control } : {}),
    };
  });
}

function sameControl(a: ControlReference | undefined, b: ControlReference | undefined): boolean {
  return a !== undefined && b !== undefined && a.framework === b.framework && a.id === b.id;
}

/** The first `count` allowed occupied intervals at or after the requested start and `at`; [] when none within the horizon. */
export function nextAllowedSlots(
  policy: CompiledWindowPolicy,
  subject: ChangeSubject,
  options: NextAllowedOptions,
): Interval[] {
  const set = applicableWindows(policy, subject, options.risk);
  return slotsFor(
    policy,
    set,
    Math.max(subject.startMs, options.at.getTime()),
    occupiedLengthOf(subject),
    options.count,
    options.busy,
  );
}

/** How long a change occupies (start to end plus rollback), by the instant it starts. */
interface OccupiedLength {
  /** The occupied length of the change started at `startMs`. */
  at(startMs: number): number;
  /** At least `at(startMs)` for every start: how far past its start any slot reaches. */
  longestMs: number;
  /** True when `at` is the same for every start. */
  fixed: boolean;
}

/**
 * The change's occupied length wherever it moves. why: a proposal's duration and rollback are
 * calendar time in its zone (P1D is the same local time the next day: 23 or 25 hours across a DST
 * change), so a slot found across a DST change is longer or shorter than the requested interval;
 * durations in hours and minutes, and a given end, keep their length.
 */
function occupiedLengthOf(subject: ChangeSubject): OccupiedLength {
  const { startMs, endMs, rollbackMs, timezone } = subject;
  const { duration, rollback, end } = subject.proposal.schedule;
  const fixedMs = endMs + rollbackMs - startMs;
  const durationAt = end === undefined ? calendarAdder(duration, timezone, startMs, endMs) : undefined;
  const rollbackAt = calendarAdder(rollback, timezone, endMs, endMs + rollbackMs);
  if (!durationAt && !rollbackAt) return { at: () => fixedMs, longestMs: fixedMs, fixed: true };
  return {
    at: (fromMs) => {
      const movedEndMs = durationAt ? durationAt.add(fromMs) : fromMs + (endMs - startMs);
      return (rollbackAt ? rollbackAt.add(movedEndMs) : movedEndMs + rollbackMs) - fromMs;
    },
    longestMs: fixedMs + (durationAt?.slackMs ?? 0) + (rollbackAt?.slackMs ?? 0),
    fixed: false,
  };
}

/**
 * Adds a duration with calendar parts (days, weeks, months, years) in `zone`, when `text` is one
 * and it is how `expectedMs` came from `baseMs` (a subject built some other way keeps its length).
 * `slackMs` bounds how much longer than from `baseMs` it can be from another instant.
 */
function calendarAdder(
  text: string | undefined,
  zone: string,
  baseMs: number,
  expectedMs: number,
): { add: (fromMs: number) => number; slackMs: number } | undefined {
  // why: a cheap look at the text first, so the common PT1H never reaches Temporal.
  if (text === undefined || !/^P[^T]*\d[YMWD]/i.test(text)) return undefined;
  const duration = parseCalendarDuration(text);
  if (!duration || duration.sign < 0) return undefined;
  const add = (fromMs: number) => {
    try {
      return addCalendarDuration(duration, fromMs, zone);
    } catch {
      return fromMs + (expectedMs - baseMs);
    }
  };
  if (add(baseMs) !== expectedMs) return undefined;
  // why: a month is 28 to 31 days, a year 365 or 366, a day 23 to 25 hours (a day covers any DST shift).
  const months = Math.abs(duration.years) * 12 + Math.abs(duration.months);
  return { add, slackMs: DAY_MS * (1 + 3 * months + Math.abs(duration.years)) };
}

/** Occurrences of the windows that apply to a site and/or domain, overlapping `[from, from + days)`. */
export function listOccurrences(
  policy: CompiledWindowPolicy,
  options: { from: Date; days: number; site?: string; domain?: string },
): Occurrence[] {
  const fromMs = options.from.getTime();
  const toMs = fromMs + options.days * DAY_MS;
  ensureCovered(policy, fromMs, toMs);
  const occurrences: Occurrence[] = [];
  for (const window of policy.windows) {
    if (options.site !== undefined && window.scope.sites && !window.scope.sites.includes(options.site))
      continue;
    if (
      options.domain !== undefined &&
      window.scope.domains &&
      !window.scope.domains.includes(options.domain)
    )
      continue;
    for (const index of overlappingOccurrences(window, fromMs, toMs)) {
      const startMs = window.starts[index]!;
      const endMs = window.ends[index]!;
      const label = window.labels[index];
      occurrences.push({
        window: window.name,
        effect: window.effect,
        ...(window.reason ? { reason: window.reason } : {}),
        timezone: window.timezone,
        start: toRfc3339Utc(startMs),
        end: toRfc3339Utc(endMs),
        localStart: toIsoLocal(startMs, window.clock),
        localEnd: toIsoLocal(endMs, window.clock),
        startMs,
        endMs,
        ...(label ? { label } : {}),
        scope: window.scope,
      });
    }
  }
  return occurrences.sort((a, b) => a.startMs - b.startMs || a.window.localeCompare(b.window));
}

/**
 * The windows whose scope matches the change. why: unions are cached per distinct set of matching
 * windows, not per change, so thousands of changes hitting the same windows share one union; and
 * the match itself is cached per combination of the facts the policy's scopes actually look at.
 */
export function applicableWindows(
  policy: CompiledWindowPolicy,
  subject: ChangeSubject,
  risk: Risk,
): ApplicableWindows {
  const factsKey = scopeFactsKey(policy, subject, risk);
  const cached = factsCache.get(policy)?.get(factsKey);
  if (cached) return cached;
  const matching = windowsAtSites(siteIndexOf(policy.windows), touchedSites(subject)).filter((window) =>
    scopeMatches(window, subject, risk),
  );
  const key = matching.map((window) => window.index).join(',');
  let set = policy.applicable.get(key);
  if (!set) {
    set = {
      deny: matching.filter((window) => window.effect === 'deny'),
      allow: matching.filter((window) => window.effect === 'allow'),
      version: -1,
      denyStarts: [],
      denyEnds: [],
      allowStarts: [],
      allowEnds: [],
    };
    policy.applicable.set(key, set);
  }
  let byFacts = factsCache.get(policy);
  if (!byFacts) {
    byFacts = new Map();
    factsCache.set(policy, byFacts);
  }
  byFacts.set(factsKey, set);
  return set;
}

const factsCache = new WeakMap<CompiledWindowPolicy, Map<string, ApplicableWindows>>();
const usedScopeKeys = new WeakMap<CompiledWindowPolicy, Set<keyof WindowScope>>();

/** The change's facts that some window's scope reads, as a cache key. */
function scopeFactsKey(policy: CompiledWindowPolicy, subject: ChangeSubject, risk: Risk): string {
  let used = usedScopeKeys.get(policy);
  if (!used) {
    used = new Set(policy.windows.flatMap((window) => Object.keys(window.scope) as (keyof WindowScope)[]));
    usedScopeKeys.set(policy, used);
  }
  const { proposal } = subject;
  return [
    used.has('sites') ? touchedSites(subject).join(',') : '',
    used.has('devices') ? touchedDevices(subject).join(',') : '',
    used.has('tags') ? (proposal.targets.tags ?? []).join(',') : '',
    used.has('domains') ? proposal.domain : '',
    used.has('types') ? proposal.type : '',
    used.has('risks') ? risk : '',
  ].join('|');
}

const deviceMatchers = new WeakMap<CompiledWindow, (device: string) => boolean>();

function scopeMatches(window: CompiledWindow, subject: ChangeSubject, risk: Risk): boolean {
  const scope: WindowScope = window.scope;
  const { proposal } = subject;
  if (!any(scope.sites, touchedSites(subject))) return false;
  if (!any(scope.tags, proposal.targets.tags)) return false;
  if (!any(scope.domains, [proposal.domain])) return false;
  if (!any(scope.types, [proposal.type])) return false;
  if (!any(scope.risks, [risk])) return false;
  if (scope.devices) {
    let matcher = deviceMatchers.get(window);
    if (!matcher) {
      matcher = picomatch(scope.devices);
      deviceMatchers.set(window, matcher);
    }
    if (!touchedDevices(subject).some(matcher)) return false;
  }
  return true;
}

function any(wanted: readonly string[] | undefined, actual: readonly string[] | undefined): boolean {
  if (wanted === undefined) return true;
  if (actual === undefined) return false;
  for (const value of actual) if (wanted.includes(value)) return true;
  return false;
}

/** The first instant of `[startMs, endMs)` no applicable allow occurrence covers, or undefined. */
function firstUncovered(
  policy: CompiledWindowPolicy,
  set: ApplicableWindows,
  startMs: number,
  endMs: number,
): number | undefined {
  refreshUnions(policy, set);
  const containing = upperBound(set.allowStarts, startMs) - 1;
  if (containing < 0 || set.allowEnds[containing]! <= startMs) return startMs;
  const coveredTo = set.allowEnds[containing]!;
  return coveredTo >= endMs ? undefined : coveredTo;
}

/**
 * Exact search over the applicable unions. From a candidate start t: if a deny interval overlaps
 * [t, t+L), no start before its end can work, so jump there; if the allow union does not cover
 * [t, t+L), no start before the next allow interval can work, so jump there. Every jump lands on
 * an occurrence boundary, so the first candidate that passes both checks is the earliest.
 */
function slotsFor(
  policy: CompiledWindowPolicy,
  set: ApplicableWindows,
  fromMs: number,
  occupied: OccupiedLength,
  count: number,
  busy?: BusyLookup,
): Interval[] {
  const limitMs = fromMs + policy.horizonMs;
  ensureCovered(policy, fromMs, limitMs + occupied.longestMs + DAY_MS);
  refreshUnions(policy, set);
  if (!busy) return searchSlots(set, fromMs, occupied, count, limitMs, []);
  // why: ask for the busy intervals of a growing range; a slot ending before the range's end cannot
  // meet an interval that starts after it, so the answer stands once every slot ends inside it.
  let spanMs = 2 * DAY_MS;
  for (;;) {
    const untilMs = fromMs + spanMs;
    const slots = searchSlots(set, fromMs, occupied, count, limitMs, busy(untilMs));
    const last = slots.at(-1);
    if (untilMs >= limitMs + occupied.longestMs || (last && Date.parse(last.end) <= untilMs)) return slots;
    spanMs *= 4;
  }
}

function searchSlots(
  set: ApplicableWindows,
  fromMs: number,
  occupied: OccupiedLength,
  count: number,
  limitMs: number,
  busy: readonly BusyInterval[],
): Interval[] {
  const slots: Interval[] = [];
  let candidate = fromMs;
  while (slots.length < count) {
    const slot = firstSlot(set, candidate, occupied, limitMs, busy);
    if (slot === undefined) break;
    slots.push({ start: toRfc3339Utc(slot), end: toRfc3339Utc(slot + occupied.at(slot)) });
    // The run of allowed starts ends where an interval must end by: the next deny or busy
    // interval's start, or the end of the allow interval holding the slot.
    let endBy = Number.POSITIVE_INFINITY;
    const deny = upperBound(set.denyEnds, slot);
    if (deny < set.denyStarts.length) endBy = set.denyStarts[deny]!;
    const held = firstEndingAfter(busy, slot);
    if (held < busy.length) endBy = Math.min(endBy, busy[held]!.startMs);
    if (set.allow.length > 0) endBy = Math.min(endBy, set.allowEnds[upperBound(set.allowStarts, slot) - 1]!);
    if (!Number.isFinite(endBy)) break;
    // The next slot begins after the latest start still allowed in this run.
    candidate = latestStartEndingBy(occupied, slot, endBy) + 1;
  }
  return slots;
}

/**
 * The latest start from `slotMs` on whose occupied interval ends by `endByMs`, else `slotMs`.
 * why: with a calendar length, `start + length` moves with the DST changes it crosses, so the start
 * is found by fixed-point steps (`endBy - length(start)`) and each guess checked.
 */
function latestStartEndingBy(occupied: OccupiedLength, slotMs: number, endByMs: number): number {
  if (occupied.fixed) return Math.max(slotMs, endByMs - occupied.longestMs);
  let latest = slotMs;
  let guess = endByMs - occupied.at(slotMs);
  for (let step = 0; step < 3; step++) {
    if (guess > latest && guess + occupied.at(guess) <= endByMs) latest = guess;
    guess = endByMs - occupied.at(guess);
  }
  return latest;
}

function firstSlot(
  set: ApplicableWindows,
  fromMs: number,
  occupied: OccupiedLength,
  limitMs: number,
  busy: readonly BusyInterval[],
): number | undefined {
  let candidate = fromMs;
  const hasAllow = set.allow.length > 0;
  while (candidate <= limitMs) {
    const lengthMs = occupied.at(candidate);
    if (lengthMs > 0) {
      const deny = upperBound(set.denyEnds, candidate);
      if (deny < set.denyStarts.length && set.denyStarts[deny]! < candidate + lengthMs) {
        candidate = set.denyEnds[deny]!;
        continue;
      }
      // why: another change's interval this one would conflict with blocks like a deny occurrence.
      const held = firstEndingAfter(busy, candidate);
      if (held < busy.length && busy[held]!.startMs < candidate + lengthMs) {
        candidate = busy[held]!.endMs;
        continue;
      }
    }
    if (hasAllow) {
      const allow = upperBound(set.allowStarts, candidate) - 1;
      if (allow < 0 || set.allowEnds[allow]! < candidate + Math.max(lengthMs, 1)) {
        const nextAllow = allow + 1;
        if (nextAllow >= set.allowStarts.length) return undefined;
        candidate = set.allowStarts[nextAllow]!;
        continue;
      }
    }
    return candidate;
  }
  return undefined;
}

/** Index of the first busy interval ending after `atMs` (binary search); busy.length when none. */
function firstEndingAfter(busy: readonly BusyInterval[], atMs: number): number {
  let low = 0;
  let high = busy.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (busy[middle]!.endMs <= atMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

function nearestAllowOccurrence(
  windows: readonly CompiledWindow[],
  atMs: number,
): { window: CompiledWindow; occurrence: number } | undefined {
  let best: { window: CompiledWindow; occurrence: number; distance: number } | undefined;
  for (const window of windows) {
    const after = upperBound(window.starts, atMs);
    for (const index of [after - 1, after]) {
      if (index < 0 || index >= window.starts.length) continue;
      const start = window.starts[index]!;
      const end = window.ends[index]!;
      const distance = atMs < start ? start - atMs : atMs >= end ? atMs - end : 0;
      if (!best || distance < best.distance) best = { window, occurrence: index, distance };
    }
  }
  return best && { window: best.window, occurrence: best.occurrence };
}

// why: thousands of changes clash with the same few occurrences; each is described once.
const occurrenceTexts = new WeakMap<CompiledWindow, Map<string, string>>();

function describeOccurrence(window: CompiledWindow, index: number): string {
  const start = window.starts[index]!;
  const end = window.ends[index]!;
  const key = `${start}/${end}`;
  let texts = occurrenceTexts.get(window);
  if (!texts) {
    texts = new Map();
    occurrenceTexts.set(window, texts);
  }
  let text = texts.get(key);
  if (text === undefined) {
    const label = window.labels[index];
    text = `${label ? `${label}, ` : ''}${formatSpanLocalAndUtc(start, end, window.timezone)}`;
    texts.set(key, text);
  }
  return text;
}

function describeApprover(approval: ApprovalRequest): string {
  const who = approval.team !== undefined ? `team ${approval.team}` : `the ${approval.role} team`;
  return approval.count > 1 ? `${approval.count} members of ${who}` : who;
}

function clockFor(zone: string, policy: CompiledWindowPolicy): ZoneClock {
  // why: proposals are schema-checked upstream; this only guards display against a zone typo there.
  return zoneClock(isWindowTimeZone(zone) ? zone : policy.timezone);
}

/** A horizon such as P90D or P2W in words: "90 days", "2 weeks". */
export function describeHorizon(horizon: string): string {
  const match = /^P(\d+)([DW])$/.exec(horizon);
  if (!match) return horizon;
  const count = Number(match[1]);
  const unit = match[2] === 'W' ? 'week' : 'day';
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
