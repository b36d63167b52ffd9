/**
 * Manual freezes: "nothing changes at plant-a until 18:00, INC-0042". Plain data, and the pure
 * question of whether one holds a change. Where freezes are stored: local-file.ts and github.ts.
 */
import type { ChangeSubject } from '../core/model.js';

/** The change types a freeze or an alert can hold. */
export type HoldableType = 'standard' | 'normal' | 'emergency';

export interface Freeze {
  /** `FRZ-3` in the local file, `#42` for a GitHub issue. */
  id: string;
  /** Sites it freezes (any change at one of them is held). */
  sites: string[];
  /** Devices it freezes. */
  devices: string[];
  /** When it ends by itself (RFC 3339 UTC). */
  until: string;
  /** Why: an incident, a plant event. */
  reason: string;
  /** Who froze. */
  by: string;
  /** When it was put in place (RFC 3339 UTC). */
  createdAt: string;
  /** The change types it holds; absent: every type, emergencies included. */
  types?: HoldableType[];
  /** Who lifted it, when it was lifted by hand. */
  liftedBy?: string;
  /** When it was lifted (RFC 3339 UTC). */
  liftedAt?: string;
  /** Where a person reads it (the URL). */
  url?: string;
}

/** Whether the freeze holds `subject` at `at`: in force (not lifted, not expired) and in scope. */
export function freezeHolds(freeze: Freeze, subject: ChangeSubject, at: Date): boolean {
  if (freeze.liftedAt !== undefined) return false;
  if (Date.parse(freeze.until) <= at.getTime()) return false;
  if (freeze.types && !freeze.types.includes(subject.proposal.type)) return false;
  const { sites, devices } = targetsOf(subject);
  return (
    freeze.sites.some((site) => sites.includes(site)) ||
    freeze.devices.some((device) => devices.includes(device))
  );
}

/** The sites and devices a change touches: declared, and reached by its steps. */
export function targetsOf(subject: ChangeSubject): { sites: string[]; devices: string[] } {
  const targets = subject.proposal.targets;
  return {
    sites: [...new Set([...(targets.sites ?? []), ...(subject.resolvedSites ?? [])])],
    devices: [...new Set([...(targets.devices ?? []), ...(subject.resolvedHosts ?? [])])],
  };
}

/** "plant-a, sw-plant-a-01": what a freeze covers, for messages. */
export function describeFreezeScope(freeze: Freeze): string {
  return [...freeze.sites, ...freeze.devices].join(', ');
}

/** How an instant is written, for messages. why: a dated example would read as stale in a year. */
const INSTANT_FORM = 'an RFC 3339 instant (YYYY-MM-DDThh:mm:ssZ)';

/** A freeze read from untrusted data, or what keeps the data from being one. */
export type FreezeReading = { freeze: Freeze } | { problem: string };

/** Reads a freeze from untrusted data (a file, an issue body); undefined when it is not one. */
export function toFreeze(value: unknown, id?: string): Freeze | undefined {
  const reading = readFreeze(value, id);
  return 'freeze' in reading ? reading.freeze : undefined;
}

/**
 * Reads a freeze from untrusted data, saying what is wrong when it is not one (a phrase that follows
 * "the block …", e.g. "names no site or device"), so a hand-written freeze that holds nothing is
 * reported rather than skipped.
 */
export function readFreeze(value: unknown, id?: string): FreezeReading {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return { problem: 'is not a JSON object' };
  const raw = value as Record<string, unknown>;
  const strings = (list: unknown) =>
    Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  const text = (field: unknown) => (typeof field === 'string' ? field : undefined);
  const freezeId = id ?? text(raw.id);
  const until = text(raw.until);
  if (!freezeId) return { problem: 'has no id' };
  if (until === undefined) return { problem: `has no "until" (when the freeze ends, ${INSTANT_FORM})` };
  if (Number.isNaN(Date.parse(until)))
    return { problem: `has "until": ${JSON.stringify(until)}, which is not ${INSTANT_FORM}` };
  const types = strings(raw.types).filter((type): type is HoldableType =>
    ['standard', 'normal', 'emergency'].includes(type),
  );
  const sites = strings(raw.sites);
  const devices = strings(raw.devices);
  if (sites.length + devices.length === 0)
    return { problem: 'names no site or device ("sites": [...] or "devices": [...])' };
  return {
    freeze: {
      id: freezeId,
      sites,
      devices,
      until,
      reason: text(raw.reason) ?? '',
      by: text(raw.by) ?? 'unknown',
      createdAt: text(raw.createdAt) ?? '',
      ...(types.length > 0 ? { types } : {}),
      ...(text(raw.liftedBy) ? { liftedBy: text(raw.liftedBy) as string } : {}),
      ...(text(raw.liftedAt) ? { liftedAt: text(raw.liftedAt) as string } : {}),
    },
  };
}
