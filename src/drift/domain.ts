/**
 * The RACI domain of a drifted target, and the teams of that domain, for the drift issue: who must
 * look at a change nobody proposed. A device's domain is, in order:
 *  1. its inventory variable `netchange_domain` (host or group vars), when set;
 *  2. else the one inventory group it belongs to that is named like a RACI domain;
 *  3. else the RACI domain whose `paths` cover the playbook that holds its intended state: the one
 *     whose run found the drift (the last matching domain, as CODEOWNERS picks the last matching line).
 * A Terraform stack's domain is the domain whose `paths` cover its directory.
 * See docs/drift.md ("Drift issues on GitHub").
 */
import path from 'node:path';
import picomatch from 'picomatch';
import type { RaciAssignment } from '../core/schema-types.generated.js';
import type { InventoryHostFacts } from '../executors/context.js';
import { runProcess } from '../executors/run-process.js';
import type { DriftConfig, DriftKind } from './model.js';

/** The inventory variable that names a device's RACI domain. */
export const DOMAIN_VARIABLE = 'netchange_domain';

/** The four RACI roles of a domain, as team names of the change-control policy. */
export interface RaciTeams {
  responsible: string;
  accountable: string;
  consulted: string[];
  informed: string[];
}

/** How a target's domain was found, as the issue says it. */
export type DomainSource = 'variable' | 'group' | 'path';

/** A target's domain and its teams. */
export interface DriftOwners {
  domain: string;
  foundBy: DomainSource;
  /** What exactly decided it: `netchange_domain: routing`, `group core`, `playbooks/** (playbooks/frr.yaml)`. */
  detail: string;
  teams: RaciTeams;
}

/** A target's owners, or why they are not known (shown in the issue, so someone can fix it). */
export type DomainAnswer = { ok: true; owners: DriftOwners } | { ok: false; reason: string };

/** What the inventory and the drift configuration say about one target. */
export interface TargetFacts {
  /** The host's `netchange_domain` value as the inventory gives it (any type), when defined. */
  variable?: unknown;
  /** Groups the host belongs to, transitively. */
  groups: string[];
  /** Repository-relative files that hold its intended state: the playbook, or the stack directory. */
  paths: string[];
}

/** Decides a target's domain from its facts. Pure. */
export function decideDomain(facts: TargetFacts, raci: ReadonlyMap<string, RaciAssignment>): DomainAnswer {
  const known = [...raci.keys()];
  const owned = (domain: string, foundBy: DomainSource, detail: string): DomainAnswer => {
    const entry = raci.get(domain) as RaciAssignment;
    return { ok: true, owners: { domain, foundBy, detail, teams: teamsOf(entry) } };
  };
  if (facts.variable !== undefined) {
    // why: an explicit variable that is wrong is reported, not silently replaced by a guess.
    if (typeof facts.variable !== 'string' || /\{\{|\{%/.test(facts.variable))
      return {
        ok: false,
        reason: `${DOMAIN_VARIABLE} is not a plain domain name; set it to one of: ${known.join(', ')}`,
      };
    if (!raci.has(facts.variable))
      return {
        ok: false,
        reason: `${DOMAIN_VARIABLE} '${facts.variable}' is not a RACI domain of the change-control policy (domains: ${known.join(', ')})`,
      };
    return owned(facts.variable, 'variable', `${DOMAIN_VARIABLE}: ${facts.variable}`);
  }
  const groups = facts.groups.filter((group) => raci.has(group));
  if (groups.length > 1)
    return {
      ok: false,
      reason: `the device is in groups named like several RACI domains (${groups.join(', ')}); set ${DOMAIN_VARIABLE} to choose`,
    };
  if (groups.length === 1) {
    const group = groups[0] as string;
    return owned(group, 'group', `inventory group ${group}`);
  }
  let last: { domain: string; pattern: string; file: string } | undefined;
  for (const [domain, entry] of raci) {
    for (const pattern of entry.paths ?? []) {
      const file = facts.paths.find((candidate) => matchesOwnedPath(pattern, candidate));
      if (file) last = { domain, pattern, file };
    }
  }
  if (last) return owned(last.domain, 'path', `paths ${last.pattern} (${last.file})`);
  return {
    ok: false,
    reason: `no RACI domain: set the inventory variable ${DOMAIN_VARIABLE}, put the device in a group named like a domain, or list its playbook under a domain's paths (domains: ${known.join(', ') || 'none'})`,
  };
}

/** A RACI entry's four roles, with the optional ones as empty lists. */
export function teamsOf(entry: RaciAssignment): RaciTeams {
  return {
    responsible: entry.responsible,
    accountable: entry.accountable,
    consulted: [...(entry.consulted ?? [])],
    informed: [...(entry.informed ?? [])],
  };
}

/** True when a CODEOWNERS-style pattern of a RACI domain's `paths` covers a repository path. */
export function matchesOwnedPath(pattern: string, file: string): boolean {
  // why: CODEOWNERS semantics: a leading `/` anchors at the root, a trailing `/` means everything
  // below, and a pattern without `/` matches a name at any depth.
  let glob = pattern.startsWith('/') ? pattern.slice(1) : pattern;
  if (glob.endsWith('/')) glob = `${glob}**`;
  const anchored = pattern.slice(0, -1).includes('/');
  const matcher = picomatch(glob, { dot: true, ...(anchored ? {} : { basename: true }) });
  return matcher(file) || matcher(`${file}/`) || matcher(`${file}/x`);
}

export interface ResolveDriftOwnersRequest {
  /** Repository root (the default branch's tree the drift was checked against). */
  root: string;
  /**
   * The targets to place (a drift report's targets), each with the source its drift came from when
   * known (`DetectedTarget.source`).
   */
  targets: readonly { target: string; kind: DriftKind; source?: { playbook?: string; inventory?: string } }[];
  /** netchange.yaml's `drift`: which inventory and playbook hold each device's intended state. */
  config: Pick<DriftConfig, 'ansible' | 'terraform'>;
  /** The change-control policy's RACI, by domain. */
  raci: ReadonlyMap<string, RaciAssignment>;
  /** The ansible-inventory command (netchange.yaml executors.ansibleInventory). */
  inventoryCommand: string;
  /** Environment for ansible-inventory (vault password settings apply as for the play). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  killGraceMs?: number;
  /**
   * What the drift check's own runs reported of each `config.ansible` source's inventory, by
   * `inventoryKey`: a source found here is not listed again (a second Python process, ~0.5 s).
   */
  reported?: ReadonlyMap<string, ReadonlyMap<string, InventoryHostFacts>>;
}

/** The key of a drift source's inventory in `ResolveDriftOwnersRequest.reported`. */
export function inventoryKey(source: { inventory: string; playbook: string }): string {
  return `${source.inventory}\0${source.playbook}`;
}

/**
 * Finds each target's domain and teams. Reads each inventory of `config.ansible` from what the
 * drift check reported of it (`reported`), else lists it once with `ansible-inventory --list`; no
 * variable is templated either way. A listing that fails leaves its hosts with the reason. Only the
 * domain variable and group names are read, never other values.
 */
export async function resolveDriftOwners(
  request: ResolveDriftOwnersRequest,
): Promise<Map<string, DomainAnswer>> {
  const listings = new Map<string, Promise<InventoryListing>>();
  const listingOf = (inventory: string, playbook: string): Promise<InventoryListing> => {
    const key = inventoryKey({ inventory, playbook });
    let listing = listings.get(key);
    if (!listing) {
      const reported = request.reported?.get(key);
      listing = reported
        ? Promise.resolve({ ok: true, hosts: hostsOfReport(reported) })
        : listInventory(request, inventory, playbook);
      listings.set(key, listing);
    }
    return listing;
  };
  const answers = new Map<string, DomainAnswer>();
  for (const { target, kind, source: checkedBy } of request.targets) {
    if (kind === 'terraform') {
      const directory = request.config.terraform.find(
        (stack) => target === stack.dir || target.startsWith(`${stack.dir}@`),
      )?.dir;
      answers.set(target, decideDomain({ groups: [], paths: [directory ?? target] }, request.raci));
      continue;
    }
    let answer: DomainAnswer | undefined;
    for (const source of sourcesOf(request.config.ansible, checkedBy)) {
      const listing = await listingOf(source.inventory, source.playbook);
      if (!listing.ok) {
        answer ??= { ok: false, reason: listing.reason };
        continue;
      }
      const host = listing.hosts.get(target);
      if (!host) continue;
      answer = decideDomain({ ...host, paths: [source.playbook] }, request.raci);
      break;
    }
    answers.set(
      target,
      answer ?? {
        ok: false,
        reason: `${target} is in none of the inventories of netchange.yaml's drift.ansible`,
      },
    );
  }
  return answers;
}

/**
 * The drift sources that may place a device: the one its drift came from, when it names one of
 * `sources`; else all of them, in order. Pure.
 */
export function sourcesOf<Source extends { playbook: string; inventory: string }>(
  sources: readonly Source[],
  checkedBy: { playbook?: string; inventory?: string } | undefined,
): readonly Source[] {
  // why: several sources often share one inventory; the first that lists the host would give a
  // firewall the switching playbook's domain, and a revert proposal a domain its playbook is not in.
  const own = sources.filter(
    (source) =>
      source.playbook === checkedBy?.playbook &&
      (checkedBy.inventory === undefined || source.inventory === checkedBy.inventory),
  );
  return own.length > 0 ? own : sources;
}

type InventoryListing =
  | { ok: true; hosts: Map<string, { variable?: unknown; groups: string[] }> }
  | { ok: false; reason: string };

async function listInventory(
  request: ResolveDriftOwnersRequest,
  inventory: string,
  playbook: string,
): Promise<InventoryListing> {
  const result = await runProcess({
    command: request.inventoryCommand,
    // why: --playbook-dir, so host_vars/group_vars beside the playbook count as they do for the play.
    args: [
      '--list',
      '-i',
      path.resolve(request.root, inventory),
      '--playbook-dir',
      path.dirname(path.resolve(request.root, playbook)),
    ],
    cwd: request.root,
    env: { ...request.env, ANSIBLE_NOCOLOR: '1' },
    timeoutMs: request.timeoutMs ?? 120_000,
    killGraceMs: request.killGraceMs ?? 5_000,
  });
  if (result.exitCode !== 0) {
    const why = result.spawnError ?? (result.timedOut ? 'it timed out' : lastLine(result.stderr));
    return { ok: false, reason: `${request.inventoryCommand} could not list ${inventory}: ${why}` };
  }
  try {
    return { ok: true, hosts: hostsOfListing(JSON.parse(result.stdout) as unknown) };
  } catch {
    return { ok: false, reason: `${request.inventoryCommand} printed no JSON for ${inventory}` };
  }
}

/** Host → its domain variable and transitive groups, from what a check run reported. Pure. */
function hostsOfReport(
  reported: ReadonlyMap<string, InventoryHostFacts>,
): Map<string, { variable?: unknown; groups: string[] }> {
  const hosts = new Map<string, { variable?: unknown; groups: string[] }>();
  for (const [name, facts] of reported) {
    const variable = facts.variables[DOMAIN_VARIABLE];
    hosts.set(name, { ...(variable !== undefined ? { variable } : {}), groups: facts.groups });
  }
  return hosts;
}

/** Host → its domain variable and transitive groups, from `ansible-inventory --list` JSON. Pure. */
export function hostsOfListing(listing: unknown): Map<string, { variable?: unknown; groups: string[] }> {
  const root = isRecord(listing) ? listing : {};
  const meta = isRecord(root._meta) ? root._meta : {};
  const hostVariables = isRecord(meta.hostvars) ? meta.hostvars : {};
  const groups = new Map<string, { hosts: string[]; children: string[] }>();
  for (const [name, value] of Object.entries(root)) {
    if (name === '_meta' || !isRecord(value)) continue;
    groups.set(name, { hosts: strings(value.hosts), children: strings(value.children) });
  }
  const membership = new Map<string, Set<string>>();
  const visit = (group: string, into: string, seen: Set<string>): void => {
    if (seen.has(group)) return;
    seen.add(group);
    const entry = groups.get(group);
    if (!entry) return;
    for (const host of entry.hosts) {
      const set = membership.get(host) ?? new Set<string>();
      set.add(into);
      membership.set(host, set);
    }
    for (const child of entry.children) visit(child, into, seen);
  };
  for (const group of groups.keys()) visit(group, group, new Set());
  const hosts = new Map<string, { variable?: unknown; groups: string[] }>();
  const names = new Set([...membership.keys(), ...Object.keys(hostVariables)]);
  for (const name of names) {
    const variables = hostVariables[name];
    const variable = isRecord(variables) ? variables[DOMAIN_VARIABLE] : undefined;
    const memberOf = [...(membership.get(name) ?? [])]
      .filter((group) => group !== 'all' && group !== 'ungrouped')
      .sort();
    hosts.set(name, { ...(variable !== undefined ? { variable } : {}), groups: memberOf });
  }
  return hosts;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.at(-1) ?? 'it failed without a message';
}
