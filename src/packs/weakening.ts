/**
 * What an override takes away from the definition it replaces, in words: a lower count, a
 * narrower scope or match, a lower severity, a shorter lead time. Pure. An empty list means the
 * override is as strict or stricter as far as netchange can tell.
 * why: a changed CEL condition or schedule cannot be proved no weaker, so it is reported too; the
 * repository then says so explicitly with a waiver.
 */
import { parseCalendarDuration } from '../core/time.js';

type Entry = Record<string, unknown>;

const SEVERITY_RANK: Record<string, number> = { note: 0, warning: 1, error: 2 };
const RISK_RANK: Record<string, number> = { low: 0, medium: 1, high: 2 };
const SCOPE_KEYS = ['sites', 'devices', 'domains', 'tags', 'types', 'risks'] as const;
const MATCH_KEYS = ['types', 'risks', 'domains'] as const;

/** The ways `after` is weaker than `before` for one definition of `section`. */
export function describeWeakening(section: string, before: unknown, after: unknown): string[] {
  const was = asEntry(before);
  const now = asEntry(after);
  switch (section) {
    case 'windows':
      return windowWeakening(was, now);
    case 'rules':
      return customRuleWeakening(was, now);
    case 'risk.rules':
      return riskRuleWeakening(was, now);
    case 'approvals':
      return [
        ...narrowing(asEntry(was.when), asEntry(now.when), MATCH_KEYS, 'when'),
        ...requirementWeakening(asList(was.require), asList(now.require)),
      ];
    case 'redundancyGroups': {
      const removed = stringList(was.devices).filter((device) => !stringList(now.devices).includes(device));
      return removed.length > 0 ? [`removes ${removed.join(', ')} from the group`] : [];
    }
    case 'sites':
      return limitWeakening(was.maxConcurrentChanges, now.maxConcurrentChanges, 'maxConcurrentChanges');
    case 'changeTypes':
      return changeTypeWeakening(was, now);
    case 'policyChanges':
      return requirementWeakening(asList(was.approvals), asList(now.approvals));
    case 'separationOfDuties':
      return before === true && after !== true ? ['turns separation of duties off'] : [];
    case 'crossTeam':
      return crossTeamWeakening(before, after);
    case 'reviews':
      return [
        ...durationWeakening(was.every, now.every, 'every', 'longer'),
        ...stringList(was.paths)
          .filter((entry) => !stringList(now.paths).includes(entry))
          .map((entry) => `stops reviewing ${entry}`),
      ];
    default:
      // why: teams, RACI, autonomy, owners and holds are the organisation's own facts, not rules a pack sets.
      return [];
  }
}

/** The sections whose definitions are judged for weakening (the rest are the organisation's facts). */
export const JUDGED_SECTIONS = new Set([
  'windows',
  'rules',
  'risk.rules',
  'approvals',
  'redundancyGroups',
  'sites',
  'changeTypes',
  'policyChanges',
  'separationOfDuties',
  'crossTeam',
  'reviews',
]);

function windowWeakening(was: Entry, now: Entry): string[] {
  const changes: string[] = [];
  if (was.effect === 'deny' && now.effect === 'allow')
    changes.push('turns a deny window into an allow window');
  changes.push(...narrowing(asEntry(was.scope), asEntry(now.scope), SCOPE_KEYS, 'scope'));
  if (!same(was.schedule, now.schedule)) changes.push('changes the schedule');
  if (!same(was.timezone, now.timezone)) changes.push('changes the time zone');
  const wasOverride = asList(asEntry(was.override).approvals);
  const nowOverride = asList(asEntry(now.override).approvals);
  if (was.effect === 'deny' && was.override === undefined && now.override !== undefined) {
    changes.push('lets approvals override it');
  } else if (was.override !== undefined) {
    changes.push(...requirementWeakening(wasOverride, nowOverride, 'override '));
  }
  return changes;
}

function customRuleWeakening(was: Entry, now: Entry): string[] {
  const changes: string[] = [];
  const before = SEVERITY_RANK[String(was.severity ?? 'error')] ?? 2;
  const after = SEVERITY_RANK[String(now.severity ?? 'error')] ?? 2;
  if (after < before) {
    changes.push(`lowers severity from ${String(was.severity ?? 'error')} to ${String(now.severity)}`);
  }
  changes.push(...conditionWeakening(was.when, now.when));
  if (!same(was.assert, now.assert)) changes.push('changes the assertion');
  return changes;
}

function riskRuleWeakening(was: Entry, now: Entry): string[] {
  const changes: string[] = [];
  const before = RISK_RANK[String(was.atLeast)] ?? 0;
  const after = RISK_RANK[String(now.atLeast)] ?? 0;
  if (after < before) changes.push(`lowers atLeast from ${String(was.atLeast)} to ${String(now.atLeast)}`);
  changes.push(...conditionWeakening(was.when, now.when));
  return changes;
}

function conditionWeakening(before: unknown, after: unknown): string[] {
  if (same(before, after)) return [];
  if (before === undefined) return ['adds a condition (when), so it applies to fewer changes'];
  return ['changes the condition (when), which netchange cannot prove is no narrower'];
}

/**
 * A scope or match that applies to fewer changes: a key the inherited one did not limit, or values
 * it listed that are gone. Removing a key or adding values only widens it.
 */
function narrowing(before: Entry, after: Entry, keys: readonly string[], prefix: string): string[] {
  const changes: string[] = [];
  for (const key of keys) {
    const now = after[key];
    if (now === undefined) continue;
    const was = before[key];
    if (was === undefined) {
      changes.push(`narrows ${prefix}.${key} to ${stringList(now).join(', ')}`);
      continue;
    }
    const gone = stringList(was).filter((value) => !stringList(now).includes(value));
    if (gone.length > 0) changes.push(`drops ${gone.join(', ')} from ${prefix}.${key}`);
  }
  return changes;
}

/** Requirements (`{team|role, count}`) that are gone or need fewer approvals. */
function requirementWeakening(before: Entry[], after: Entry[], prefix = ''): string[] {
  const changes: string[] = [];
  const keyOf = (entry: Entry) =>
    entry.team !== undefined ? `team ${String(entry.team)}` : `role ${String(entry.role)}`;
  for (const was of before) {
    const key = keyOf(was);
    const now = after.find((candidate) => keyOf(candidate) === key);
    const wasCount = Number(was.count ?? 1);
    if (!now) changes.push(`no longer requires ${prefix}approval from ${key}`);
    else if (Number(now.count ?? 1) < wasCount) {
      changes.push(`lowers the ${prefix}approvals from ${key} from ${wasCount} to ${Number(now.count ?? 1)}`);
    }
  }
  return changes;
}

function changeTypeWeakening(was: Entry, now: Entry): string[] {
  const changes: string[] = [];
  const added = stringList(now.templates).filter((template) => !stringList(was.templates).includes(template));
  if (added.length > 0) changes.push(`adds standard templates ${added.join(', ')}`);
  if ((RISK_RANK[String(now.maxRisk ?? 'low')] ?? 0) > (RISK_RANK[String(was.maxRisk ?? 'low')] ?? 0)) {
    changes.push(`raises maxRisk from ${String(was.maxRisk ?? 'low')} to ${String(now.maxRisk)}`);
  }
  changes.push(...durationWeakening(was.leadTime, now.leadTime, 'leadTime', 'shorter'));
  if (was.bypassWindows !== true && now.bypassWindows === true)
    changes.push('lets emergencies bypass windows');
  // why: requireIncident defaults to true, so only an explicit false takes it away.
  if (was.requireIncident !== false && now.requireIncident === false)
    changes.push('no longer requires an incident');
  changes.push(
    ...durationWeakening(was.retrospectiveWithin, now.retrospectiveWithin, 'retrospectiveWithin', 'longer'),
  );
  return changes;
}

/** A lead time that got shorter, or a review period that got longer (or went away). */
function durationWeakening(
  before: unknown,
  after: unknown,
  key: string,
  weaker: 'shorter' | 'longer',
): string[] {
  if (typeof before !== 'string' || same(before, after)) return [];
  if (after === undefined) return [`removes ${key} (${before})`];
  const was = approximateMs(before);
  const now = approximateMs(String(after));
  if (was === undefined || now === undefined) return [];
  const isWeaker = weaker === 'shorter' ? now < was : now > was;
  return isWeaker ? [`makes ${key} ${weaker} (${before} → ${String(after)})`] : [];
}

/** A calendar duration in milliseconds, counting a day as 24 hours (enough to compare two). */
function approximateMs(text: string): number | undefined {
  const duration = parseCalendarDuration(text);
  if (!duration) return undefined;
  const days = duration.years * 365 + duration.months * 30 + duration.weeks * 7 + duration.days;
  return ((days * 24 + duration.hours) * 60 + duration.minutes) * 60_000 + duration.seconds * 1000;
}

function limitWeakening(before: unknown, after: unknown, key: string): string[] {
  if (typeof before !== 'number') return [];
  if (after === undefined) return [`removes ${key} (${before})`];
  return typeof after === 'number' && after > before ? [`raises ${key} from ${before} to ${after}`] : [];
}

function crossTeamWeakening(before: unknown, after: unknown): string[] {
  const sides = (value: unknown): { partner: boolean; internal: boolean } => {
    if (value === true) return { partner: true, internal: true };
    const entry = asEntry(value);
    return { partner: entry.partnerChanges === true, internal: entry.internalChanges === true };
  };
  const was = sides(before);
  const now = sides(after);
  const changes: string[] = [];
  if (was.partner && !now.partner) changes.push('drops the internal approval of partner changes');
  if (was.internal && !now.internal) changes.push('drops the partner approval of internal changes');
  return changes;
}

function asEntry(value: unknown): Entry {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Entry) : {};
}

function asList(value: unknown): Entry[] {
  return Array.isArray(value) ? value.map(asEntry) : [];
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
