import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../core/findings.js';
import type { AnsibleStep, ChangeProposal, Locate, Step } from '../core/model.js';
import { type StepPath, stepsOf } from '../core/steps.js';
import { resolveInsideRepository } from '../documents/read-file.js';
import type { StepReference } from '../executors/executor.js';
import { executorOf, stepKind } from '../executors/registry.js';
import type { HostQuery } from './host-resolution.js';

type PathCheck = { ok: true; absolutePath: string } | { ok: false; message: string; hint: string };

/**
 * Checks repository paths once per run: 5,000 proposals naming the same playbook cost one
 * realpath and one stat, not 5,000. `isData` says which repository-relative files netchange reads
 * as data (proposals, policy files, Markdown): a step may not name one, because a pull request can
 * change data without a code review, so a playbook or inventory written into one would run unreviewed.
 * `tracked`: the paths git tracks (the index), when the root is a git repository; a step may name
 * only those.
 */
export function createPathChecker(
  root: string,
  isData: (relative: string) => boolean = () => false,
  tracked?: TrackedPaths,
): (relative: string, kind: 'file' | 'directory') => PathCheck {
  const checked = new Map<string, PathCheck>();
  return (relative, kind) => {
    const key = `${kind}:${relative}`;
    let result = checked.get(key);
    if (!result) {
      result = checkPath(root, relative, kind, isData, tracked);
      checked.set(key, result);
    }
    return result;
  };
}

/** Whether git tracks a repository-relative file, or any file under a directory. */
export interface TrackedPaths {
  has(relative: string, kind: 'file' | 'directory'): boolean;
}

/**
 * The tracked paths of an index listing (repository-relative path → blob).
 * why: the folders are collected on the first directory asked about, not for every run.
 */
export function trackedPathsOf(index: ReadonlyMap<string, unknown>): TrackedPaths {
  let folders: Set<string> | undefined;
  const foldersOfIndex = (): Set<string> => {
    if (folders) return folders;
    folders = new Set();
    for (const file of index.keys()) {
      for (let slash = file.lastIndexOf('/'); slash > 0; slash = file.lastIndexOf('/', slash - 1)) {
        const folder = file.slice(0, slash);
        if (folders.has(folder)) break;
        folders.add(folder);
      }
    }
    return folders;
  };
  return {
    has: (relative, kind) => (kind === 'file' ? index.has(relative) : foldersOfIndex().has(relative)),
  };
}

function checkPath(
  root: string,
  relative: string,
  kind: 'file' | 'directory',
  isData: (relative: string) => boolean,
  tracked: TrackedPaths | undefined,
): PathCheck {
  const resolved = resolveInsideRepository(root, relative, { file: '' });
  if (!resolved.ok)
    return { ok: false, message: resolved.finding.message, hint: resolved.finding.hint ?? '' };
  const stats = statSync(resolved.absolutePath);
  if (kind === 'directory' ? !stats.isDirectory() : !stats.isFile()) {
    return {
      ok: false,
      message: `'${relative}' is a ${stats.isDirectory() ? 'directory' : 'file'}, not a ${kind}`,
      hint: kind === 'directory' ? 'Name the Terraform root module directory.' : 'Name the file itself.',
    };
  }
  // why: both the name given and the file a symlink leads to: either may be the data file.
  const names = [resolved.absolutePath, realpathSync(resolved.absolutePath)].map((absolute, index) =>
    path
      .relative(index === 0 ? root : realpathSync(root), absolute)
      .split(path.sep)
      .join('/'),
  );
  // why: only what the repository holds may reach a tool. A file git does not track was not
  // reviewed, and on a runner it can be one a job wrote: a vault password file, say, which a step
  // naming it as an inventory or a Terraform var file would quote in the tool's errors or host list.
  // The file read is the one a symlink leads to, so that is the one git must track.
  const real = names[1] ?? names[0] ?? relative;
  if (tracked && !tracked.has(real, kind)) {
    const what = kind === 'directory' ? 'holds no file tracked by git' : 'is not tracked by git';
    return {
      ok: false,
      message: `'${relative}'${real === names[0] ? '' : ` (a symlink to '${real}')`} ${what}`,
      hint: 'netchange runs only what the repository holds: add it to git (git add) and commit it with the proposal, so reviewers see what runs.',
    };
  }
  if (kind === 'file' && names.some(isData)) {
    return {
      ok: false,
      message: `'${relative}' is data netchange reads (a file in the changes folder, a policy file, CODEOWNERS or Markdown), not a file a step may run`,
      hint: 'Name a playbook, inventory or var file of its own. A pull request may change data without a code review, so a step that ran it would run unreviewed code.',
    };
  }
  return resolved;
}

/**
 * A step as it runs. Verification and rollback steps often name only a playbook; they run against
 * the same inventory and limit, with the same extra variables, as the proposal's first Ansible
 * execution step (their own values win). Plan, apply and host resolution all use this one rule.
 */
export function inheritStepDefaults(step: Step, proposal: ChangeProposal): Step {
  if (!step.ansible) return step;
  const first = proposal.execution.find((candidate) => candidate.ansible)?.ansible;
  if (!first || first === step.ansible) return step;
  const inventory = step.ansible.inventory ?? first.inventory;
  const limit = step.ansible.limit ?? first.limit;
  const extraVars =
    first.extraVars || step.ansible.extraVars ? { ...first.extraVars, ...step.ansible.extraVars } : undefined;
  return {
    ...(step.name ? { name: step.name } : {}),
    ansible: {
      ...step.ansible,
      ...(inventory ? { inventory } : {}),
      ...(limit ? { limit } : {}),
      ...(extraVars ? { extraVars } : {}),
    },
  };
}

/** An Ansible step whose hosts are to be resolved: where it is, and what it runs against. */
export interface HostStep {
  /** How a person names the step: `execution step 1`, `verification step 2`, `rollback step`. */
  label: string;
  /** Its `playbook` in the document: findings about reading the playbook point there. */
  playbookAt: StepPath;
  /** Where findings about the hosts it reaches point: its own `limit`, else its `playbook`. */
  hostsAt: StepPath;
  /** Where findings about its inventory point: its own `inventory`, else its `playbook`. */
  inventoryAt: StepPath;
  /** The limit it runs with (its own or inherited). */
  limit?: string;
  /** True when the limit comes from the first execution step. */
  limitInherited: boolean;
  /** Repository-relative inventory it runs against. */
  inventory: string;
  query: HostQuery;
}

export interface ReferenceResult {
  findings: Finding[];
  /** Absolute paths of the inventories the execution steps name, with where each is named. */
  inventories: Map<string, StepPath>;
  /** Every Ansible step (execution, verification, rollback) whose playbook and inventory exist. */
  hostSteps: HostStep[];
}

/**
 * Checks that everything a proposal names exists inside the repository: playbooks, inventories,
 * Terraform directories and var files; and lists the Ansible steps whose hosts must be resolved.
 */
export function checkReferences(
  root: string,
  file: string,
  proposal: ChangeProposal,
  locate: Locate,
  checkPathOnce: ReturnType<typeof createPathChecker> = createPathChecker(root),
): ReferenceResult {
  const findings: Finding[] = [];
  const inventories = new Map<string, StepPath>();
  const hostSteps: HostStep[] = [];

  const expect = (relative: string, at: StepPath, kind: 'file' | 'directory'): string | undefined => {
    const checked = checkPathOnce(relative, kind);
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
    const at = [...step.path, stepKind(step)];
    const found = new Map<string, string | undefined>();
    const check = (references: readonly StepReference[]): void => {
      for (const reference of references) {
        const absolute = expect(reference.path, [...at, ...reference.at], reference.type);
        found.set(reference.role, absolute);
        if (absolute && reference.inside) check(reference.inside);
      }
    };
    check(executorOf(step).references(step));
    // why: which hosts a step reaches is an Ansible inventory question; targets are checked against it.
    if (step.ansible) {
      const inventory = found.get('inventory');
      if (inventory && step.path[0] === 'execution' && !inventories.has(inventory))
        inventories.set(inventory, [...at, 'inventory']);
      const hostStep = describeHostStep(step.path, step.ansible, found.get('playbook'), inventory);
      if (hostStep) hostSteps.push(hostStep);
    }
  }
  return { findings, inventories, hostSteps };

  function describeHostStep(
    stepPath: StepPath,
    own: AnsibleStep,
    playbook: string | undefined,
    ownInventory: string | undefined,
  ): HostStep | undefined {
    const at = [...stepPath, 'ansible'];
    const label = stepLabel(stepPath);
    const asRun =
      stepPath[0] === 'execution' ? own : (inheritStepDefaults({ ansible: own }, proposal).ansible ?? own);
    if (!asRun.inventory) {
      findings.push({
        ruleId: 'reference',
        severity: 'error',
        message: `${label} names no inventory, so the hosts it reaches cannot be checked against targets`,
        hint: "Name the inventory on the step (inventory: inventory/hosts.yaml); verification and rollback steps inherit the first execution step's.",
        file,
        ...locate([...at, 'playbook']),
      });
      return undefined;
    }
    // why: an inherited inventory was checked (and reported) on the execution step that names it.
    const inventory =
      ownInventory ?? (own.inventory ? undefined : absoluteIfFound(checkPathOnce(asRun.inventory, 'file')));
    if (!playbook || !inventory) return undefined;
    return {
      label,
      playbookAt: [...at, 'playbook'],
      hostsAt: [...at, own.limit ? 'limit' : 'playbook'],
      inventoryAt: [...at, own.inventory ? 'inventory' : 'playbook'],
      ...(asRun.limit ? { limit: asRun.limit } : {}),
      limitInherited: !own.limit && asRun.limit !== undefined,
      inventory: asRun.inventory,
      query: { inventory, playbook, ...(asRun.limit ? { limit: asRun.limit } : {}) },
    };
  }
}

function absoluteIfFound(checked: PathCheck): string | undefined {
  return checked.ok ? checked.absolutePath : undefined;
}

function stepLabel(stepPath: StepPath): string {
  const [phase, index] = stepPath;
  return typeof index === 'number' ? `${phase} step ${index + 1}` : `${phase} step`;
}
