import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { NetchangeError } from '../core/errors.js';

/** Hosts of one Ansible inventory and the groups each belongs to (transitively). */
export interface Inventory {
  /** Host name → sorted group names (without `all` and `ungrouped`). */
  hostGroups: Map<string, string[]>;
}

export type InventoryResolver = (absolutePath: string) => Promise<Inventory>;

/**
 * Resolves inventories with the real `ansible-inventory --list`, once per file per run: the same
 * inventory named by 5,000 proposals costs one process. With a cache directory, the result is also
 * kept on disk keyed by the inventory's content, so a later run (`--since` in a pre-commit hook)
 * does not pay Python's start-up again for an unchanged inventory.
 */
export function createInventoryResolver(
  command = 'ansible-inventory',
  cacheDirectory?: string,
): InventoryResolver {
  const cache = new Map<string, Promise<Inventory>>();
  return (absolutePath) => {
    let pending = cache.get(absolutePath);
    if (!pending) {
      pending = cacheDirectory
        ? listInventoryCached(command, absolutePath, cacheDirectory)
        : listInventory(command, absolutePath);
      cache.set(absolutePath, pending);
    }
    return pending;
  };
}

async function listInventoryCached(
  command: string,
  absolutePath: string,
  cacheDirectory: string,
): Promise<Inventory> {
  const content = await readFile(absolutePath);
  // why: keyed by content (and command), never by path or mtime, so an edited inventory is never served stale.
  const key = createHash('sha256').update(command).update('\0').update(content).digest('hex');
  const cached = path.join(cacheDirectory, `inventory-${key}.json`);
  try {
    return parseInventoryList(JSON.parse(await readFile(cached, 'utf8')) as Record<string, unknown>);
  } catch {
    const list = await runInventoryList(command, absolutePath);
    await mkdir(cacheDirectory, { recursive: true, mode: 0o700 })
      .then(() => writeFile(cached, JSON.stringify(list), { mode: 0o600 }))
      .catch(() => undefined);
    return parseInventoryList(list);
  }
}

async function listInventory(command: string, absolutePath: string): Promise<Inventory> {
  return parseInventoryList(await runInventoryList(command, absolutePath));
}

async function runInventoryList(command: string, absolutePath: string): Promise<Record<string, unknown>> {
  let stdout: string;
  try {
    const result = await execa(command, ['-i', absolutePath, '--list'], {
      // why: without this, a broken inventory only warns and yields an empty host list.
      env: { ANSIBLE_INVENTORY_UNPARSED_FAILED: 'true', ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED: 'true' },
      timeout: 120_000,
    });
    stdout = result.stdout;
  } catch (error) {
    const missing = (error as { code?: string }).code === 'ENOENT';
    throw new NetchangeError(
      'E_EXECUTOR',
      missing ? `${command} is not installed` : `${command} could not read ${absolutePath}`,
      {
        hint: missing
          ? 'Install ansible-core (Debian: apt-get install ansible-core) or set executors.ansibleInventory in netchange.yaml.'
          : lastLines((error as { stderr?: string }).stderr ?? ''),
        cause: error,
      },
    );
  }
  return JSON.parse(stdout) as Record<string, unknown>;
}

interface InventoryGroup {
  hosts?: string[];
  children?: string[];
}

/** Turns `ansible-inventory --list` output into host → groups, following group children. */
export function parseInventoryList(list: Record<string, unknown>): Inventory {
  const groups = new Map<string, InventoryGroup>();
  for (const [name, value] of Object.entries(list)) {
    if (name !== '_meta' && value && typeof value === 'object') groups.set(name, value as InventoryGroup);
  }
  const parents = new Map<string, string[]>();
  for (const [name, group] of groups) {
    for (const child of group.children ?? []) parents.set(child, [...(parents.get(child) ?? []), name]);
  }
  const hostGroups = new Map<string, string[]>();
  for (const [name, group] of groups) {
    for (const host of group.hosts ?? []) {
      const collected = new Set(hostGroups.get(host) ?? []);
      const pending = [name];
      while (pending.length > 0) {
        const current = pending.pop()!;
        if (collected.has(current)) continue;
        collected.add(current);
        pending.push(...(parents.get(current) ?? []));
      }
      hostGroups.set(host, [...collected]);
    }
  }
  const meta = (list._meta as { hostvars?: Record<string, unknown> } | undefined)?.hostvars ?? {};
  for (const host of Object.keys(meta)) if (!hostGroups.has(host)) hostGroups.set(host, []);
  for (const [host, names] of hostGroups) {
    hostGroups.set(host, names.filter((group) => group !== 'all' && group !== 'ungrouped').sort());
  }
  return { hostGroups };
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' ');
}
