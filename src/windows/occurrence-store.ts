/**
 * Occurrence cache: every window is expanded once for a span, and the span grows in large steps
 * when an evaluation needs more. Lookups are binary searches over sorted arrays.
 */

import { DAY_MS } from '../core/time.js';
import type { ApplicableWindows, CompiledWindow, CompiledWindowPolicy } from './model.js';

// why: growing in steps of a horizon keeps re-expansions (and union rebuilds) rare when thousands
// of proposals spread over weeks are evaluated one after the other, without expanding years.
function growthOf(policy: CompiledWindowPolicy): number {
  return Math.max(DAY_MS, policy.horizonMs);
}

/** Makes sure every window's occurrences overlapping `[fromMs, toMs)` are expanded. */
export function ensureCovered(policy: CompiledWindowPolicy, fromMs: number, toMs: number): void {
  if (fromMs >= policy.coveredFrom && toMs <= policy.coveredTo) return;
  const empty = policy.coveredFrom >= policy.coveredTo;
  const nextFrom = empty ? fromMs - DAY_MS : Math.min(policy.coveredFrom, fromMs - growthOf(policy) / 4);
  const nextTo = empty ? toMs + DAY_MS : Math.max(policy.coveredTo, toMs + growthOf(policy));
  for (const window of policy.windows) {
    if (empty) {
      setOccurrences(window, window.expand(nextFrom - window.maxLengthMs, nextTo), []);
      continue;
    }
    const earlier =
      nextFrom < policy.coveredFrom
        ? window.expand(nextFrom - window.maxLengthMs, policy.coveredFrom - window.maxLengthMs)
        : [];
    const later = nextTo > policy.coveredTo ? window.expand(policy.coveredTo, nextTo) : [];
    setOccurrences(window, earlier, later);
  }
  policy.coveredFrom = nextFrom;
  policy.coveredTo = nextTo;
  policy.version += 1;
}

function setOccurrences(
  window: CompiledWindow,
  earlier: ReturnType<CompiledWindow['expand']>,
  later: ReturnType<CompiledWindow['expand']>,
): void {
  window.starts = [...earlier.map((o) => o.startMs), ...window.starts, ...later.map((o) => o.startMs)];
  window.ends = [...earlier.map((o) => o.endMs), ...window.ends, ...later.map((o) => o.endMs)];
  window.labels = [...earlier.map((o) => o.label), ...window.labels, ...later.map((o) => o.label)];
  for (const occurrence of [...earlier, ...later])
    if (occurrence.shifted) window.gapStarts.push(occurrence.startMs);
  const merged = mergeIntervals(window.starts, window.ends);
  window.mergedStarts = merged.starts;
  window.mergedEnds = merged.ends;
}

/** Merges intervals (sorted by start) into disjoint ones; touching intervals merge too. */
export function mergeIntervals(
  starts: readonly number[],
  ends: readonly number[],
): { starts: number[]; ends: number[] } {
  const order = starts.map((_, index) => index);
  if (!isSorted(starts)) order.sort((a, b) => starts[a]! - starts[b]!);
  const mergedStarts: number[] = [];
  const mergedEnds: number[] = [];
  for (const index of order) {
    const start = starts[index]!;
    const end = ends[index]!;
    if (end <= start) continue;
    const last = mergedEnds.length - 1;
    if (last >= 0 && start <= mergedEnds[last]!) {
      if (end > mergedEnds[last]!) mergedEnds[last] = end;
    } else {
      mergedStarts.push(start);
      mergedEnds.push(end);
    }
  }
  return { starts: mergedStarts, ends: mergedEnds };
}

function isSorted(values: readonly number[]): boolean {
  for (let index = 1; index < values.length; index++) if (values[index]! < values[index - 1]!) return false;
  return true;
}

/** Index of the first element of sorted `values` that is > `value`. */
export function upperBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Indexes of a window's occurrences that overlap `[fromMs, toMs)` (half-open: touching is not overlapping). */
export function overlappingOccurrences(window: CompiledWindow, fromMs: number, toMs: number): number[] {
  const found: number[] = [];
  if (toMs <= fromMs) return found;
  const first = upperBound(window.starts, fromMs - window.maxLengthMs - 1);
  for (let index = first; index < window.starts.length && window.starts[index]! < toMs; index++) {
    if (window.ends[index]! > fromMs && window.ends[index]! > window.starts[index]!) found.push(index);
  }
  return found;
}

/** Builds (or reuses) the unions of an applicable set for the current covered span. */
export function refreshUnions(policy: CompiledWindowPolicy, set: ApplicableWindows): void {
  if (set.version === policy.version) return;
  const deny = unionOf(set.deny);
  const allow = unionOf(set.allow);
  set.denyStarts = deny.starts;
  set.denyEnds = deny.ends;
  set.allowStarts = allow.starts;
  set.allowEnds = allow.ends;
  set.version = policy.version;
}

function unionOf(windows: readonly CompiledWindow[]): { starts: number[]; ends: number[] } {
  if (windows.length === 1) return { starts: windows[0]!.mergedStarts, ends: windows[0]!.mergedEnds };
  const starts: number[] = [];
  const ends: number[] = [];
  // why: a loop, not push(...array): spreading 100,000 occurrences overflows the call stack.
  for (const window of windows) {
    for (const start of window.mergedStarts) starts.push(start);
    for (const end of window.mergedEnds) ends.push(end);
  }
  return mergeIntervals(starts, ends);
}
