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
