/**
 * Conflicts between scheduled changes: two changes conflict when their occupied intervals
 * (`[start, end + rollback)`, half-open) overlap and they share a device, a Terraform stack, or two
 * members of one redundancy group; a site's `maxConcurrentChanges` caps how many overlap there.
 * why: a sweep over the changes sorted by start keeps only the changes still running, so the cost
 * follows the overlaps, not the square of the repository.
 */
import picomatch from 'picomatch';
import type { ControlReference } from '../core/findings.js';
import type {
  ChangeSource,
  ChangeSubject,
  Conflict,
  ConflictReason,
  ScheduledChange,
} from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { terraformStackKey } from '../executors/terraform/checks.js';

export interface RedundancyGroup {
  name: string;
  /** Inventory hostname globs; two members changed in overlapping slots conflict. */
  devices: string[];
  reason?: string;
  /** The control the group serves, when named. */
  control?: ControlReference;
}

export interface ConflictRules {
  redundancyGroups: readonly RedundancyGroup[];
  /** Site → how many changes may overlap there at once. */
  maxConcurrentChanges: ReadonlyMap<string, number>;
}

export const NO_CONFLICT_RULES: ConflictRules = { redundancyGroups: [], maxConcurrentChanges: new Map() };

// why: validate computes each repository change twice (for the conflict-facts cache and for the
// conflicts stage); a subject does not change once loaded, and nothing writes to a ScheduledChange.
const repositoryChanges = new WeakMap<ChangeSubject, ScheduledChange>();

/** A loaded proposal as a scheduled change. */
export function scheduledChangeOf(subject: ChangeSubject, source?: ChangeSource): ScheduledChange {
  if (source) return computeScheduledChange(subject, source);
  let change = repositoryChanges.get(subject);
  if (!change) {
    change = computeScheduledChange(subject, { kind: 'repository' });
    repositoryChanges.set(subject, change);
  }
  return change;
}

function computeScheduledChange(subject: ChangeSubject, source: ChangeSource): ScheduledChange {
  const proposal = subject.proposal;
  const stacks = new Set<string>();
  const terraform = [...proposal.execution.map((step) => step.terraform), proposal.rollback?.terraform];
  for (const step of terraform) {
    if (step) stacks.add(terraformStackKey(step));
  }
  const devices = subject.resolvedHosts ?? proposal.targets.devices ?? [];
  return {
    id: proposal.id,
    file: subject.file,
    title: proposal.title,
    type: proposal.type,
    domain: proposal.domain,
    requester: proposal.requester,
    startMs: subject.startMs,
    endMs: subject.endMs,
    occupiedEndMs: subject.endMs + subject.rollbackMs,
    timezone: subject.timezone,
    devices: [...new Set(devices)].sort(),
    sites: [...new Set([...(proposal.targets.sites ?? []), ...(subject.resolvedSites ?? [])])].sort(),
    stacks: [...stacks].sort(),
    source,
  };
}

/**
 * Every conflict among `changes`, each pair once, ordered by the overlap's start. With `involving`,
 * only the conflicts of which at least one side has one of those ids.
 * why: a partial run compares a few changes with thousands; the pairs among the thousands are
 * nobody's finding, and comparing them cost more than the rest of the stage.
 */
export function findConflicts(
  changes: readonly ScheduledChange[],
  rules: ConflictRules = NO_CONFLICT_RULES,
  involving?: ReadonlySet<string>,
): Conflict[] {
  const concerns = (a: ScheduledChange, b: ScheduledChange) =>
    !involving || involving.has(a.id) || involving.has(b.id);
  const groups = rules.redundancyGroups.map((group) => ({ group, matches: picomatch(group.devices) }));
  const membership = new Map<ScheduledChange, Map<string, string[]>>();
  const groupsOf = (change: ScheduledChange): Map<string, string[]> => {
    let found = membership.get(change);
    if (!found) {
      found = new Map();
      for (const { group, matches } of groups) {
        const members = change.devices.filter((device) => matches(device));
        if (members.length > 0) found.set(group.name, members);
      }
      membership.set(change, found);
    }
    return found;
  };

  const ordered = [...changes].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  const conflicts: Conflict[] = [];
  let running: ScheduledChange[] = [];
  for (const change of ordered) {
    running = running.filter((other) => other.occupiedEndMs > change.startMs);
    for (const other of running) {
      if (!concerns(change, other)) continue;
      const reasons = sharedGround(change, other, groupsOf, rules);
      if (reasons.length === 0) continue;
      const [a, b] = change.id.localeCompare(other.id) <= 0 ? [change, other] : [other, change];
      conflicts.push({
        a: a.id,
        b: b.id,
        reasons,
        overlap: {
          start: toRfc3339Utc(Math.max(change.startMs, other.startMs)),
          end: toRfc3339Utc(Math.min(change.occupiedEndMs, other.occupiedEndMs)),
        },
      });
    }
    running.push(change);
  }
  conflicts.push(
    ...capacityConflicts(ordered, rules).filter(
      (conflict) => !involving || involving.has(conflict.a) || involving.has(conflict.b),
    ),
  );
  return conflicts.sort(
    (x, y) =>
      x.overlap.start.localeCompare(y.overlap.start) || x.a.localeCompare(y.a) || x.b.localeCompare(y.b),
  );
}

function sharedGround(
  change: ScheduledChange,
  other: ScheduledChange,
  groupsOf: (change: ScheduledChange) => Map<string, string[]>,
  rules: ConflictRules,
): ConflictReason[] {
  const reasons: ConflictReason[] = [];
  const devices = intersect(change.devices, other.devices);
  if (devices.length > 0) reasons.push({ kind: 'device', devices });
  const stacks = intersect(change.stacks, other.stacks);
  if (stacks.length > 0) reasons.push({ kind: 'stack', stacks });
  const otherGroups = groupsOf(other);
  for (const [name, members] of groupsOf(change)) {
    const otherMembers = otherGroups.get(name);
    if (!otherMembers) continue;
    // why: the same device in both is already a device conflict; a group adds only different members.
    const all = [...new Set([...members, ...otherMembers])].sort();
    if (all.length < 2) continue;
    const group = rules.redundancyGroups.find((candidate) => candidate.name === name);
    reasons.push({
      kind: 'redundancy-group',
      group: name,
      devices: all,
      ...(group?.reason ? { reason: group.reason } : {}),
    });
  }
  return reasons;
}

/**
 * Pairs that push a site over its limit: when a change starts while `limit` others already run at
 * the site, it conflicts with each of them.
 */
function capacityConflicts(ordered: readonly ScheduledChange[], rules: ConflictRules): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const [site, limit] of rules.maxConcurrentChanges) {
    let running: ScheduledChange[] = [];
    for (const change of ordered) {
      if (!change.sites.includes(site)) continue;
      running = running.filter((other) => other.occupiedEndMs > change.startMs);
      if (running.length >= limit) {
        for (const other of running) {
          const [a, b] = change.id.localeCompare(other.id) <= 0 ? [change, other] : [other, change];
          conflicts.push({
            a: a.id,
            b: b.id,
            reasons: [{ kind: 'site-capacity', site, limit }],
            overlap: {
              start: toRfc3339Utc(Math.max(change.startMs, other.startMs)),
              end: toRfc3339Utc(Math.min(change.occupiedEndMs, other.occupiedEndMs)),
            },
          });
        }
      }
      running.push(change);
    }
  }
  return conflicts;
}

function intersect(a: readonly string[], b: readonly string[]): string[] {
  if (a.length === 0 || b.length === 0) return [];
  const set = new Set(b);
  return a.filter((item) => set.has(item));
}

/** An occupied interval another change holds, `[startMs, endMs)`. */
export interface BusyInterval {
  startMs: number;
  endMs: number;
}

/** Answers, for any change, when it could not run without a conflict. */
export interface ConflictIndex {
  /**
   * The intervals a change may not overlap that end after `fromMs` and start before `untilMs`:
   * those of the other changes it shares ground with, and where its sites are already at their
   * limit. Sorted by start and merged.
   */
  busyFor(change: ScheduledChange, fromMs: number, untilMs: number): BusyInterval[];
}

/** Changes sorted by start, with the longest occupied length (to find those still running at an instant). */
interface KeyedChanges {
  changes: ScheduledChange[];
  starts: number[];
  longestMs: number;
}

/** Constant-count pieces of a site's timeline: `count` changes run in `[startMs, endMs)`. */
interface SiteProfile {
  limit: number;
  members: Set<ScheduledChange>;
  starts: number[];
  ends: number[];
  counts: number[];
}

/**
 * Indexes `changes` by device, stack, redundancy group and site.
 * why: a change's busy intervals come from the changes it shares ground with, found by lookups
 * over the searched range only, not by comparing it with the whole repository.
 */
export function createConflictIndex(
  changes: readonly ScheduledChange[],
  rules: ConflictRules = NO_CONFLICT_RULES,
): ConflictIndex {
  const groups = rules.redundancyGroups.map((group) => ({
    name: group.name,
    matches: picomatch(group.devices),
  }));
  const keyCache = new WeakMap<ScheduledChange, string[]>();
  const keysOf = (change: ScheduledChange): string[] => {
    let keys = keyCache.get(change);
    if (!keys) {
      keys = [
        ...change.devices.map((device) => `device:${device}`),
        ...change.stacks.map((stack) => `stack:${stack}`),
        ...groups
          .filter(({ matches }) => change.devices.some((device) => matches(device)))
          .map(({ name }) => `group:${name}`),
      ];
      keyCache.set(change, keys);
    }
    return keys;
  };
  const lists = new Map<string, ScheduledChange[]>();
  const bySite = new Map<string, ScheduledChange[]>();
  for (const change of changes) {
    for (const key of keysOf(change)) {
      const list = lists.get(key);
      if (list) list.push(change);
      else lists.set(key, [change]);
    }
    for (const site of change.sites) {
      if (!rules.maxConcurrentChanges.has(site)) continue;
      const list = bySite.get(site);
      if (list) list.push(change);
      else bySite.set(site, [change]);
    }
  }
  const keyed = new Map<string, KeyedChanges>();
  for (const [key, list] of lists) {
    list.sort((a, b) => a.startMs - b.startMs);
    keyed.set(key, {
      changes: list,
      starts: list.map((change) => change.startMs),
      longestMs: Math.max(...list.map((change) => change.occupiedEndMs - change.startMs)),
    });
  }
  const profiles = new Map<string, SiteProfile>();
  for (const [site, list] of bySite)
    profiles.set(site, siteProfile(list, rules.maxConcurrentChanges.get(site)!));

  return {
    busyFor(change, fromMs, untilMs) {
      const busy: BusyInterval[] = [];
      const keys = keysOf(change);
      // why: a change found under two keys (two shared devices) is one interval; merging absorbs the repeat.
      for (const key of keys) {
        const entry = keyed.get(key);
        if (!entry) continue;
        for (
          let index = lowerBound(entry.starts, fromMs - entry.longestMs);
          index < entry.changes.length;
          index++
        ) {
          const other = entry.changes[index]!;
          if (other.startMs >= untilMs) break;
          if (other.occupiedEndMs <= fromMs || other.id === change.id) continue;
          busy.push({ startMs: other.startMs, endMs: other.occupiedEndMs });
        }
      }
      for (const site of change.sites) {
        const profile = profiles.get(site);
        if (!profile) continue;
        const own = profile.members.has(change);
        // why: the change's own interval is counted in the profile; inside it, one more is needed.
        for (
          let index = Math.max(0, upperBoundOf(profile.starts, fromMs) - 1);
          index < profile.starts.length;
          index++
        ) {
          const startMs = profile.starts[index]!;
          if (startMs >= untilMs) break;
          const endMs = profile.ends[index]!;
          const inside = own && startMs >= change.startMs && endMs <= change.occupiedEndMs;
          const others = profile.counts[index]! - (inside ? 1 : 0);
          if (others >= profile.limit && endMs > fromMs) busy.push({ startMs, endMs });
        }
      }
      return mergeIntervals(busy);
    },
  };
}

/** The site's timeline cut at every start and end, with how many changes run in each piece. */
function siteProfile(changes: readonly ScheduledChange[], limit: number): SiteProfile {
  const events: [number, number][] = [];
  for (const change of changes) events.push([change.startMs, 1], [change.occupiedEndMs, -1]);
  events.sort((a, b) => a[0] - b[0]);
  const profile: SiteProfile = { limit, members: new Set(changes), starts: [], ends: [], counts: [] };
  let running = 0;
  for (let index = 0; index < events.length; index++) {
    running += events[index]![1];
    const at = events[index]![0];
    const next = events[index + 1]?.[0];
    if (next === undefined || next === at || running === 0) continue;
    profile.starts.push(at);
    profile.ends.push(next);
    profile.counts.push(running);
  }
  return profile;
}

/** First index whose value is >= `value`. */
function lowerBound(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** First index whose value is > `value`. */
function upperBoundOf(values: readonly number[], value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (values[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Sorted by start, overlapping or touching intervals joined. */
export function mergeIntervals(intervals: readonly BusyInterval[]): BusyInterval[] {
  if (intervals.length === 0) return [];
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: BusyInterval[] = [];
  let last: BusyInterval | undefined;
  for (const interval of sorted) {
    if (last && interval.startMs <= last.endMs) {
      if (interval.endMs > last.endMs)
        last = merged[merged.length - 1] = { startMs: last.startMs, endMs: interval.endMs };
    } else {
      last = interval;
      merged.push(interval);
    }
  }
  return merged;
}

/**
 * Busy intervals for one search from `fromMs`: `until` gives every interval that starts before it.
 * why: a slot search usually ends within days; asking for the intervals of the whole horizon for
 * each of thousands of changes would cost more than the search.
 */
export type BusyLookup = (untilMs: number) => readonly BusyInterval[];

/** The lookup of `change`'s busy intervals from `fromMs`, for the slot searches. */
export function busyLookup(index: ConflictIndex, change: ScheduledChange, fromMs: number): BusyLookup {
  return (untilMs) => index.busyFor(change, fromMs, untilMs);
}

/**
 * Runs `search` over growing ranges of busy intervals until its answer cannot change: every slot
 * found ends before the range's end (an interval starting later cannot overlap it), or the range
 * covers `limitMs`.
 */
export function searchWithBusy<T extends { endMs: number }>(
  busy: BusyLookup,
  fromMs: number,
  limitMs: number,
  search: (intervals: readonly BusyInterval[]) => T[],
): T[] {
  let spanMs = 2 * 86_400_000;
  for (;;) {
    const untilMs = fromMs + spanMs;
    const found = search(busy(untilMs));
    const last = found.at(-1);
    if (untilMs >= limitMs || (last && last.endMs <= untilMs)) return found;
    spanMs *= 4;
  }
}

/**
 * The first `count` slots of `lengthMs` at or after `fromMs` that overlap no busy interval, up to
 * `limitMs` for the start: used when there is no window policy to search with.
 */
export function freeSlots(
  busy: BusyLookup,
  fromMs: number,
  lengthMs: number,
  count = 1,
  limitMs = fromMs + 90 * 86_400_000,
): BusyInterval[] {
  return searchWithBusy(busy, fromMs, limitMs + lengthMs, (intervals) => {
    const slots: BusyInterval[] = [];
    let candidate = fromMs;
    let index = 0;
    while (slots.length < count && candidate <= limitMs) {
      while (index < intervals.length && intervals[index]!.endMs <= candidate) index++;
      const next = intervals[index];
      if (!next || next.startMs >= candidate + lengthMs) {
        slots.push({ startMs: candidate, endMs: candidate + lengthMs });
        // why: the next slot is the next distinct run of free time, not the same run a minute later.
        if (!next) break;
      }
      if (!next) break;
      candidate = next.endMs;
    }
    return slots;
  });
}
