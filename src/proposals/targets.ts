/**
 * Targets are what the steps touch: every host an Ansible step reaches (resolved with Ansible's own
 * pattern rules, see host-resolution.ts) must be declared in `targets.devices` (names or globs) or
 * through its site in `targets.sites`. That is what windows, risk rules and locks see.
 */
import path from 'node:path';
import picomatch from 'picomatch';
import type { Finding } from '../core/findings.js';
import type { ChangeProposal, Locate } from '../core/model.js';
import type { StepPath } from '../core/steps.js';
import type { HostResolution } from './host-resolution.js';
import type { Inventory } from './inventory.js';
import type { ReferenceResult } from './references.js';

export interface TargetResult {
  /** Inventory problems, target devices missing from the inventory, undeclared or no hosts. */
  findings: Finding[];
  /** Groups of the target devices and of every host the steps reach, sorted and unique. */
  inventoryGroups: string[];
  /** Every host the Ansible steps reach, sorted and unique. */
  resolvedHosts: string[];
  /** The sites of those hosts (their `site` inventory variable), sorted and unique. */
  resolvedSites: string[];
}

// why: a finding names the hosts, but a limit of `all` on a big inventory would make it a wall of text.
const HOSTS_SHOWN = 10;

/** Checks a proposal's targets against its inventories and the hosts its steps reach. */
export function checkTargets(
  root: string,
  file: string,
  proposal: ChangeProposal,
  locate: Locate,
  references: ReferenceResult,
  resolution: HostResolution,
): TargetResult {
  const findings: Finding[] = [];
  const at = (where: StepPath) => ({ file, ...locate(where) });
  const shown = (absolute: string) => path.relative(root, absolute).split(path.sep).join('/');

  const readable = new Map<string, Inventory>();
  const reported = new Set<string>();
  const inventoryOf = (absolute: string, where: StepPath): Inventory | undefined => {
    const outcome = resolution.inventory(absolute);
    if (outcome?.ok) {
      readable.set(absolute, outcome.inventory);
      return outcome.inventory;
    }
    if (outcome && !reported.has(absolute)) {
      reported.add(absolute);
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: outcome.message,
        hint: outcome.hint,
        ...at(where),
      });
    }
    return undefined;
  };

  const devices = proposal.targets.devices ?? [];
  const sites = new Set(proposal.targets.sites ?? []);
  const literalDevices = new Set(devices.filter((device) => !isGlob(device)));
  const globs = devices.filter((device) => !literalDevices.has(device));
  const globMatch = globs.length > 0 ? picomatch(globs) : undefined;
  const groups = new Set<string>();

  const executionInventories = [...references.inventories].map(([absolute, where]) =>
    inventoryOf(absolute, where),
  );
  let missingDevices = false;
  if (executionInventories.length > 0 && executionInventories.every((inventory) => inventory)) {
    missingDevices = checkDevices(executionInventories as Inventory[], [...references.inventories.keys()]);
  }

  const resolvedHosts = new Set<string>();
  const resolvedSites = new Set<string>();
  for (const step of references.hostSteps) {
    const inventory = inventoryOf(step.query.inventory, step.inventoryAt);
    const outcome = resolution.step(step.query);
    if (!inventory || !outcome || (!outcome.ok && outcome.inventoryFailed)) continue;
    if (!outcome.ok) {
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: `${step.label}: ${outcome.message}`,
        hint: outcome.hint,
        ...at(step.playbookAt),
      });
      continue;
    }
    const reach = describeReach(step.limit, step.limitInherited, step.inventory);
    if (outcome.hosts.length === 0) {
      // why: a step limited to a device missing from the inventory reaches nothing; the missing
      // device is the finding that says what to fix.
      if (missingDevices) continue;
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: `${step.label} reaches no host (${reach}), so it would change nothing`,
        hint: `Check the limit and the plays' hosts against the inventory (ansible-inventory -i ${step.inventory} --graph).`,
        ...at(step.hostsAt),
      });
      continue;
    }
    const undeclared: string[] = [];
    for (const host of outcome.hosts) {
      resolvedHosts.add(host);
      for (const group of inventory.hostGroups.get(host) ?? []) groups.add(group);
      const site = inventory.hostSites.get(host);
      if (site) resolvedSites.add(site);
      const declared =
        literalDevices.has(host) || globMatch?.(host) || (site !== undefined && sites.has(site));
      if (!declared) undeclared.push(host);
    }
    if (undeclared.length > 0) {
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: `${step.label} reaches ${undeclared.length === 1 ? 'a host' : 'hosts'} not declared in targets: ${listHosts(undeclared)}`,
        // why: how the step reaches them (its limit, the inventory) is the particular, not the message.
        detail: `The step reaches them through its ${reach}.`,
        hint: `Declare ${undeclared.length === 1 ? 'it' : 'them'} in targets.devices (names or globs such as sw-plant-a-*) or ${undeclared.length === 1 ? 'its' : 'their'} site in targets.sites (a host's site is its 'site' inventory variable), or narrow the step's limit.`,
        ...at(step.hostsAt),
      });
    }
  }
  return {
    findings,
    inventoryGroups: [...groups].sort(),
    resolvedHosts: [...resolvedHosts].sort(),
    resolvedSites: [...resolvedSites].sort(),
  };

  /** Checks every target device is in the inventories; true when one is not. */
  function checkDevices(inventories: Inventory[], paths: string[]): boolean {
    const hostGroups = inventories.length === 1 ? inventories[0]!.hostGroups : mergeHostGroups(inventories);
    let missing = false;
    devices.forEach((device, index) => {
      const matched = literalDevices.has(device)
        ? hostGroups.has(device)
          ? [device]
          : []
        : matchHosts(device, [...hostGroups.keys()]);
      for (const host of matched) for (const group of hostGroups.get(host) ?? []) groups.add(group);
      if (matched.length > 0) return;
      missing = true;
      const inventoryNames = paths.map((absolute) => `'${shown(absolute)}'`).join(', ');
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: literalDevices.has(device)
          ? `device '${device}' is not in the inventory ${inventoryNames}`
          : `device pattern '${device}' matches no host in the inventory ${inventoryNames}`,
        hint: nearHosts(device, [...hostGroups.keys()]),
        ...at(['targets', 'devices', index]),
      });
    });
    return missing;
  }
}

// why: picomatch.scan is the authority on what is a glob, but costs a parse; most names have none of these.
const GLOB_CHARACTERS = /[*?[\]{}()!+@]/;

function isGlob(device: string): boolean {
  return GLOB_CHARACTERS.test(device) && picomatch.scan(device).isGlob;
}

function mergeHostGroups(inventories: Inventory[]): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const inventory of inventories) {
    for (const [host, found] of inventory.hostGroups)
      merged.set(host, [...(merged.get(host) ?? []), ...found]);
  }
  return merged;
}

function matchHosts(pattern: string, hosts: string[]): string[] {
  const matches = picomatch(pattern);
  return hosts.filter((host) => matches(host));
}

function describeReach(limit: string | undefined, inherited: boolean, inventory: string): string {
  if (limit === undefined) return `no limit: every host the playbook's plays name in ${inventory}`;
  return `limit '${limit}'${inherited ? ' inherited from the first execution step' : ''} within the playbook's hosts in ${inventory}`;
}

function listHosts(hosts: string[]): string {
  const shown = hosts.slice(0, HOSTS_SHOWN).join(', ');
  return hosts.length > HOSTS_SHOWN ? `${shown} and ${hosts.length - HOSTS_SHOWN} more` : shown;
}

function nearHosts(device: string, hosts: string[]): string {
  const prefix = device.slice(0, Math.max(3, device.length - 3));
  const similar = hosts.filter((host) => host.startsWith(prefix)).slice(0, 5);
  return similar.length > 0
    ? `Known hosts with a similar name: ${similar.join(', ')}.`
    : 'Add the device to the inventory, or fix its name.';
}
