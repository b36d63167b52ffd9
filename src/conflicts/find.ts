/**
 * Conflicts between scheduled changes: two changes conflict when their occupied intervals
 * (`[start, end + rollback)`, half-open) overlap and they share a device, a Terraform stack, or two
 * members of one redundancy group; a site's `maxConcurrentChanges` caps how many overlap there.
 * why: a sweep over the changes sorted by start keeps only the changes still running, so the cost
 * follows the overlaps, not the square of the repository.
 */
import picomatch from 'picomatch';
import type {
  ChangeSource,
  ChangeSubject,
  Conflict,
  ConflictReason,
  ScheduledChange,
} from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';

export interface RedundancyGroup {
  name: string;
  /** Inventory hostname globs; two members changed in overlapping slots conflict. */
  devices: string[];
  reason?: string;
}

export interface ConflictRules {
  redundancyGroups: readonly RedundancyGroup[];
  /** Site → how many changes may overlap there at once. */
  maxConcurrentChanges: ReadonlyMap<string, number>;
}

export const NO_CONFLICT_RULES: ConflictRules = { redundancyGroups: [], maxConcurrentChanges: new Map() };

/** A loaded proposal as a scheduled change. */
export function scheduledChangeOf(
  subject: ChangeSubject,
  source: ChangeSource = { kind: 'repository' },
): ScheduledChange {
  const proposal = subject.proposal;
  const stacks = new Set<string>();
  const terraform = [...proposal.execution.map((step) => step.terraform), proposal.rollback?.terraform];
  for (const step of terraform) {
    if (step) stacks.add(step.workspace ? `${step.dir}:${step.workspace}` : step.dir);
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

/** Every conflict among `changes`, each pair once, ordered by the overlap's start. */
export function findConflicts(
  changes: readonly ScheduledChange[],
  rules: ConflictRules = NO_CONFLICT_RULES,
): Conflict[] {
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
  conflicts.push(...capacityConflicts(ordered, rules));
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
   * The intervals a change may not overlap: those of the other changes it shares ground with, and
   * where its sites are already at their limit. Sorted by start and merged.
   */
  busyFor(change: ScheduledChange): BusyInterval[];
}

/**
 * Indexes `changes` by device, stack, redundancy group and site.
 * why: a change's busy intervals come from the changes it shares ground with, found by lookups,
 * not by comparing it with the whole repository.
 */
export function createConflictIndex(
  changes: readonly ScheduledChange[],
  rules: ConflictRules = NO_CONFLICT_RULES,
): ConflictIndex {
  const groups = rules.redundancyGroups.map((group) => ({
    name: group.name,
    matches: picomatch(group.devices),
  }));
  const groupNames = (change: ScheduledChange): string[] =>
    groups.filter(({ matches }) => change.devices.some((device) => matches(device))).map(({ name }) => name);
  const byKey = new Map<string, ScheduledChange[]>();
  const add = (key: string, change: ScheduledChange) => {
    const list = byKey.get(key);
    if (list) list.push(change);
    else byKey.set(key, [change]);
  };
  const keysOf = (change: ScheduledChange): string[] => [
    ...change.devices.map((device) => `device:${device}`),
    ...change.stacks.map((stack) => `stack:${stack}`),
    ...groupNames(change).map((name) => `group:${name}`),
  ];
  for (const change of changes) {
    for (const key of keysOf(change)) add(key, change);
    for (const site of change.sites) if (rules.maxConcurrentChanges.has(site)) add(`site:${site}`, change);
  }
  return {
    busyFor(change) {
      const busy: BusyInterval[] = [];
      const seen = new Set<ScheduledChange>();
      for (const key of keysOf(change)) {
        for (const other of byKey.get(key) ?? []) {
          if (other.id === change.id || seen.has(other)) continue;
          seen.add(other);
          busy.push({ startMs: other.startMs, endMs: other.occupiedEndMs });
        }
      }
      for (const site of change.sites) {
        const limit = rules.maxConcurrentChanges.get(site);
        if (limit === undefined) continue;
        const others = (byKey.get(`site:${site}`) ?? []).filter((other) => other.id !== change.id);
        busy.push(...saturated(others, limit));
      }
      return mergeIntervals(busy);
    },
  };
}

/** Where at least `limit` of `changes` run at once. */
function saturated(changes: readonly ScheduledChange[], limit: number): BusyInterval[] {
  const events: [number, number][] = [];
  for (const change of changes) events.push([change.startMs, 1], [change.occupiedEndMs, -1]);
  // why: at one instant ends come before starts: intervals are half-open.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const busy: BusyInterval[] = [];
  let running = 0;
  let since = 0;
  for (const [at, step] of events) {
    const before = running;
    running += step;
    if (before < limit && running >= limit) since = at;
    else if (before >= limit && running < limit && at > since) busy.push({ startMs: since, endMs: at });
  }
  return busy;
}

/** Sorted by start, overlapping or touching intervals joined. */
export function mergeIntervals(intervals: readonly BusyInterval[]): BusyInterval[] {
  const sorted = [...intervals].sort((a, b) => a.startMs - b.startMs);
  const merged: BusyInterval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last && interval.startMs <= last.endMs) last.endMs = Math.max(last.endMs, interval.endMs);
    else merged.push({ ...interval });
  }
  return merged;
}

/**
 * The first `count` slots of `lengthMs` at or after `fromMs` that overlap no busy interval (merged,
 * sorted): used when there is no window policy to search with.
 */
export function freeSlots(
  busy: readonly BusyInterval[],
  fromMs: number,
  lengthMs: number,
  count = 1,
): BusyInterval[] {
  const slots: BusyInterval[] = [];
  let candidate = fromMs;
  let index = 0;
  while (slots.length < count) {
    while (index < busy.length && busy[index]!.endMs <= candidate) index++;
    const next = busy[index];
    if (!next || next.startMs >= candidate + lengthMs) {
      slots.push({ startMs: candidate, endMs: candidate + lengthMs });
      // why: the next slot is the next distinct run of free time, not the same run a minute later.
      if (!next) break;
      candidate = next.endMs;
      continue;
    }
    candidate = next.endMs;
  }
  return slots;
}
