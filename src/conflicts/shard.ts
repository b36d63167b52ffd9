/**
 * Shards: `--shard K/N` splits the selected proposals across N runners, the same way on every runner
 * without talking to the others.
 *
 * The rule (docs/scale.md): proposals whose devices fall in one redundancy group form one unit, and
 * so do groups joined by a proposal that touches both; every other proposal is a unit of its own.
 * A unit's key is its smallest group name, or the proposal's repository-relative file; its shard is
 * FNV-1a (32-bit) of the key's UTF-8 bytes, modulo N, plus one.
 * why: a redundancy group kept in one shard keeps its waves local: that runner applies the group's
 * members one after another, in the order of their start, then id. Two runners never change two
 * members of one group at once, and no runner waits for another.
 */
import picomatch from 'picomatch';
import { usageError } from '../core/errors.js';
import type { ChangeSubject } from '../core/model.js';
import { type ConflictRules, NO_CONFLICT_RULES, scheduledChangeOf } from './find.js';

/** One runner's part: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** GitHub Actions runs at most 256 jobs of one matrix. */
export const MAX_SHARDS = 256;

/**
 * Parses `K/N` (1 ≤ K ≤ N ≤ 256) in decimal digits; anything else is a usage error (exit 2).
 * why: any number of digits is read, so `1000/1000` is told that N is too large rather than that it
 * is not K/N; leading zeros (`01/08`, as a matrix may format them) read as the same numbers.
 */
export function parseShard(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const hint = `Write --shard K/N with 1 ≤ K ≤ N ≤ ${MAX_SHARDS}, e.g. --shard 2/8.`;
  if (!match) throw usageError(`--shard ${value} is not K/N (two whole numbers, like 2/8)`, hint);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS)
    throw usageError(`--shard ${value}: N must be between 1 and ${MAX_SHARDS}`, hint);
  if (index < 1 || index > count)
    throw usageError(`--shard ${value}: K must be between 1 and N (${count})`, hint);
  return { index, count };
}

/** FNV-1a, 32-bit, over the UTF-8 bytes: small, stable across Node versions and platforms. */
export function stableHash(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard key of every subject's file: its redundancy unit's smallest group name, or the file. */
export function shardKeys(
  subjects: readonly ChangeSubject[],
  rules: ConflictRules = NO_CONFLICT_RULES,
): Map<string, string> {
  const matchers = rules.redundancyGroups.map((group) => ({
    name: group.name,
    matches: picomatch(group.devices),
  }));
  // why: union-find over group names, so a proposal in two groups joins them into one unit.
  const parent = new Map<string, string>();
  const root = (name: string): string => {
    let current = name;
    while (parent.get(current) !== current) current = parent.get(current) ?? current;
    parent.set(name, current);
    return current;
  };
  const join = (left: string, right: string): void => {
    // why: the smaller name becomes the root, so a unit's key is its smallest group name.
    const [low, high] = [root(left), root(right)].sort() as [string, string];
    if (low !== high) parent.set(high, low);
  };
  const groupsOf = new Map<string, string[]>();
  for (const subject of subjects) {
    const devices = scheduledChangeOf(subject).devices;
    const names = matchers
      .filter(({ matches }) => devices.some((device) => matches(device)))
      .map(({ name }) => name);
    for (const name of names) if (!parent.has(name)) parent.set(name, name);
    for (const name of names.slice(1)) join(names[0] as string, name);
    groupsOf.set(subject.file, names);
  }
  const keys = new Map<string, string>();
  for (const subject of subjects) {
    const names = groupsOf.get(subject.file) ?? [];
    keys.set(subject.file, names.length > 0 ? `group:${root(names[0] as string)}` : subject.file);
  }
  return keys;
}

/** The subjects shard `shard` takes, in their given order. */
export function selectShard<Subject extends ChangeSubject>(
  subjects: readonly Subject[],
  shard: Shard,
  rules: ConflictRules = NO_CONFLICT_RULES,
): Subject[] {
  const keys = shardKeys(subjects, rules);
  return subjects.filter(
    (subject) => (stableHash(keys.get(subject.file) ?? subject.file) % shard.count) + 1 === shard.index,
  );
}

/**
 * The waves of one shard: a redundancy unit's members go one per wave, ordered by start, then id;
 * proposals of different units share waves. Wave `n` starts only after wave `n - 1` finished.
 */
export function orderWaves<Subject extends ChangeSubject>(
  subjects: readonly Subject[],
  rules: ConflictRules = NO_CONFLICT_RULES,
): Subject[][] {
  const keys = shardKeys(subjects, rules);
  const ordered = [...subjects].sort(
    (a, b) =>
      a.startMs - b.startMs || a.proposal.id.localeCompare(b.proposal.id) || a.file.localeCompare(b.file),
  );
  const waves: Subject[][] = [];
  const used = new Map<string, number>();
  for (const subject of ordered) {
    const key = keys.get(subject.file) ?? subject.file;
    const wave = used.get(key) ?? 0;
    used.set(key, wave + 1);
    const members = waves[wave] ?? [];
    members.push(subject);
    waves[wave] = members;
  }
  return waves;
}
