import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../core/findings.js';
import type { AnsibleStep, ChangeProposal, Locate, TerraformStep } from '../core/model.js';
import { resolveInsideRepository } from '../documents/read-file.js';
import type { InventoryResolver } from './inventory.js';

type StepPath = (string | number)[];

interface NamedStep {
  path: StepPath;
  ansible?: AnsibleStep;
  terraform?: TerraformStep;
}

/** Every automation step of a proposal with its path in the document: execution, verification, rollback. */
export function stepsOf(proposal: ChangeProposal): NamedStep[] {
  const steps: NamedStep[] = [];
  for (const [index, step] of proposal.execution.entries())
    steps.push({ path: ['execution', index], ...step });
  for (const [index, step] of (proposal.verification ?? []).entries()) {
    steps.push({ path: ['verification', index], ...step });
  }
  if (proposal.rollback?.ansible) steps.push({ path: ['rollback'], ansible: proposal.rollback.ansible });
  if (proposal.rollback?.terraform)
    steps.push({ path: ['rollback'], terraform: proposal.rollback.terraform });
  return steps;
}

type PathCheck = { ok: true; absolutePath: string } | { ok: false; message: string; hint: string };

/**
 * Checks repository paths once per run: 5,000 proposals naming the same playbook cost one
 * realpath and one stat, not 5,000.
 */
export function createPathChecker(
  root: string,
): (relative: string, kind: 'file' | 'directory') => Promise<PathCheck> {
  const checked = new Map<string, Promise<PathCheck>>();
  return (relative, kind) => {
    const key = `${kind}:${relative}`;
    let pending = checked.get(key);
    if (!pending) {
      pending = checkPath(root, relative, kind);
      checked.set(key, pending);
    }
    return pending;
  };
}

async function checkPath(root: string, relative: string, kind: 'file' | 'directory'): Promise<PathCheck> {
  const resolved = await resolveInsideRepository(root, relative, { file: '' });
  if (!resolved.ok)
    return { ok: false, message: resolved.finding.message, hint: resolved.finding.hint ?? '' };
  const stats = await stat(resolved.absolutePath);
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
    return {
      ok: false,
      message: `'${relative}' is a ${stats.isDirectory() ? 'directory' : 'file'}, not a ${kind}`,
      hint: kind === 'directory' ? 'Name the Terraform root module directory.' : 'Name the file itself.',
    };
  }
  return resolved;
}

export interface ReferenceResult {
  findings: Finding[];
  /** Groups of the targeted devices in the proposal's inventories, sorted and unique. */
  inventoryGroups: string[];
}

/**
 * Checks that everything a proposal names exists inside the repository: playbooks, inventories,
 * Terraform directories and var files, and every target device in the inventories it uses.
 */
export async function checkReferences(
  root: string,
  file: string,
  proposal: ChangeProposal,
  locate: Locate,
  resolveInventory: InventoryResolver,
  checkPathOnce: ReturnType<typeof createPathChecker> = createPathChecker(root),
): Promise<ReferenceResult> {
  const findings: Finding[] = [];
  const inventories = new Map<string, StepPath>();

  const expect = async (
    relative: string,
    at: StepPath,
    kind: 'file' | 'directory',
  ): Promise<string | undefined> => {
    const checked = await checkPathOnce(relative, kind);
    if (checked.ok) return checked.absolutePath;
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: checked.message,
      hint: checked.hint,
      file,
      ...locate(at),
    });
    return undefined;
  };

  for (const step of stepsOf(proposal)) {
    if (step.ansible) {
      const at = [...step.path, 'ansible'];
      await expect(step.ansible.playbook, [...at, 'playbook'], 'file');
      if (step.ansible.inventory) {
        const absolute = await expect(step.ansible.inventory, [...at, 'inventory'], 'file');
        if (absolute && step.path[0] === 'execution') inventories.set(absolute, [...at, 'inventory']);
      }
    }
    if (step.terraform) {
      const at = [...step.path, 'terraform'];
      const directory = await expect(step.terraform.dir, [...at, 'dir'], 'directory');
      if (directory) {
        for (const [index, varFile] of (step.terraform.varFiles ?? []).entries()) {
          await expect(path.posix.join(step.terraform.dir, varFile), [...at, 'varFiles', index], 'file');
        }
      }
    }
  }

  const devices = proposal.targets.devices ?? [];
  if (inventories.size === 0) return { findings, inventoryGroups: [] };
  const hostGroups = new Map<string, string[]>();
  for (const absolute of inventories.keys()) {
    const inventory = await resolveInventory(absolute);
    for (const [host, groups] of inventory.hostGroups)
      hostGroups.set(host, [...(hostGroups.get(host) ?? []), ...groups]);
  }
  const groups = new Set<string>();
  devices.forEach((device, index) => {
    const found = hostGroups.get(device);
    if (found) {
      for (const group of found) groups.add(group);
      return;
    }
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: `device '${device}' is not in the inventory ${[...inventories.keys()].map((p) => `'${path.relative(root, p)}'`).join(', ')}`,
      hint: nearHosts(device, [...hostGroups.keys()]),
      file,
      ...locate(['targets', 'devices', index]),
    });
  });
  return { findings, inventoryGroups: [...groups].sort() };
}

function nearHosts(device: string, hosts: string[]): string {
  const prefix = device.slice(0, Math.max(3, device.length - 3));
  const similar = hosts.filter((host) => host.startsWith(prefix)).slice(0, 5);
  return similar.length > 0
    ? `Known hosts with a similar name: ${similar.join(', ')}.`
    : 'Add the device to the inventory, or fix its name.';
}
