/**
 * Resolves, for validate, the inventories proposals use and the hosts each Ansible step reaches,
 * with Ansible's own pattern rules (see ansible-helper.ts). Everything asked for in one run goes to
 * one Python process, started at the first question the on-disk cache cannot answer, so it imports
 * Ansible while the remaining proposals are still being parsed.
 *
 * The cache lives where the caller says (validate: `<git dir>/netchange/hosts/`, never the work tree,
 * which a pull request writes), keyed by content: an inventory by its text, a step by its inventory's
 * text, its playbook's text and its limit (and every playbook the playbook imports must still hash
 * the same). It holds host names, groups and sites only, never inventory variables.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadProcessRunner } from '../executors/run-process.js';
import {
  HELPER_SOURCE,
  type HelperRequest,
  type ReadFile,
  type RunningHelper,
  startAnsibleHelper,
} from './ansible-helper.js';
import { type InventoryOutcome, inventoryFromHosts, isHostRecords } from './inventory.js';
import { findDuplicateKey } from './inventory-keys.js';
import { findOversizedRange, MAX_RANGE_HOSTS } from './inventory-ranges.js';

/** One Ansible step's host question: absolute paths, and the limit as the step passes it. */
export interface HostQuery {
  inventory: string;
  playbook: string;
  limit?: string;
}

/** The hosts a step reaches, or why they could not be resolved. */
export type StepOutcome =
  | { ok: true; hosts: string[] }
  | {
      ok: false;
      message: string;
      hint: string;
      /** The step's inventory could not be read; its own finding says why. */
      inventoryFailed?: boolean;
    };

export interface HostResolution {
  inventory(absolutePath: string): InventoryOutcome | undefined;
  step(query: HostQuery): StepOutcome | undefined;
}

export interface HostResolver {
  /** Announces inventories and steps to resolve; the first the cache cannot answer starts Python. */
  want(inventories: readonly string[], queries: readonly HostQuery[]): void;
  /**
   * While Python is being started: settles once it runs. A caller announcing in a long synchronous
   * loop awaits it once, so Python imports Ansible while the loop goes on.
   */
  starting(): Promise<unknown> | undefined;
  /** Resolves everything announced: from the cache, and the rest with one helper run. */
  resolve(): Promise<HostResolution>;
}

export interface HostResolverOptions {
  /** Repository root (imported playbooks must stay inside it; cached file paths are relative to it). */
  root: string;
  /** The ansible-inventory command; the helper runs with its Python. */
  inventoryCommand: string;
  /**
   * Where cache files go; none: no disk cache. Never a folder a pull request can write into (the work
   * tree): an entry there would be believed.
   */
  cacheDirectory?: string;
}

// why: a new helper (or cache format) must never read entries an older one wrote.
const CACHE_VERSION = createHash('sha256').update('netchange-hosts-v1\0').update(HELPER_SOURCE).digest('hex');

/** A step's identity within a run. */
export function hostQueryKey(query: HostQuery): string {
  // why: called for every step of every proposal; NUL cannot occur in a path or a limit.
  return `${query.inventory}\0${query.playbook}\0${query.limit ?? ''}`;
}

export function createHostResolver(options: HostResolverOptions): HostResolver {
  const contents = new Map<string, Buffer | undefined>();
  const digests = new Map<string, string | undefined>();
  const inventoryLookups = new Set<string>();
  const stepLookups = new Set<string>();
  const inventories = new Map<string, InventoryOutcome>();
  const steps = new Map<string, StepOutcome>();
  const missingInventories = new Set<string>();
  const missingSteps = new Map<string, HostQuery>();
  let helper: Promise<RunningHelper> | undefined;
  // why: true once the start has run (the process runner loaded, Python spawned or failed to);
  // until then the caller's loop has a start to await (starting()).
  let started = false;

  // why: every lookup is synchronous (small files, read once): validate parses proposals in one
  // synchronous loop, and a lookup waiting for the event loop would start Python only after it.
  const content = (absolute: string): Buffer | undefined => {
    if (!contents.has(absolute)) {
      let bytes: Buffer | undefined;
      try {
        bytes = readFileSync(absolute);
      } catch {
        bytes = undefined;
      }
      contents.set(absolute, bytes);
    }
    return contents.get(absolute);
  };
  const hashOf = (relative: string): string | undefined => {
    if (!digests.has(relative)) {
      const bytes = content(path.join(options.root, relative));
      digests.set(relative, bytes ? createHash('sha256').update(bytes).digest('hex') : undefined);
    }
    return digests.get(relative);
  };
  const cacheKey = (...parts: (string | Buffer)[]) => {
    const hash = createHash('sha256').update(CACHE_VERSION).update(options.inventoryCommand);
    for (const part of parts) hash.update(`\0${part.length}\0`).update(part);
    return hash.digest('hex');
  };
  const readCache = (name: string): unknown => {
    if (!options.cacheDirectory) return undefined;
    try {
      return JSON.parse(readFileSync(path.join(options.cacheDirectory, name), 'utf8'));
    } catch {
      return undefined;
    }
  };
  const miss = () => {
    if (helper) return;
    // why: the process runner loads on the first child process; the helper then starts at once.
    helper = loadProcessRunner().then(() => {
      started = true;
      return startAnsibleHelper(options.inventoryCommand, options.root);
    });
    // why: a failed start is reported where it is awaited (the loop, or resolve), never as unhandled.
    helper.catch(() => undefined);
  };

  const lookupInventory = (absolute: string): void => {
    let mode = 0;
    try {
      mode = statSync(absolute).mode;
    } catch {
      // missing: the helper reports it as Ansible would
    }
    // why: Ansible runs an executable inventory as a script. Validate must not run code from a pull
    // request, and reading the file as YAML/INI instead would not be what plan and apply see.
    if ((mode & 0o111) !== 0) {
      inventories.set(absolute, {
        ok: false,
        message: `inventory '${path.relative(options.root, absolute)}' is an executable script; netchange does not run it to validate`,
        hint: 'Use a static YAML or INI inventory (git update-index --chmod=-x, chmod -x) and keep generated inventories out of change proposals.',
      });
      return;
    }
    const bytes = content(absolute);
    // why: a step names an inventory file (references refuses a folder).
    const text = bytes?.toString('utf8');
    const range = text !== undefined ? findOversizedRange(text) : undefined;
    if (range) {
      inventories.set(absolute, {
        ok: false,
        message: `inventory '${path.relative(options.root, absolute)}' line ${range.line}: '${range.pattern}' expands to ${range.hosts.toLocaleString('en-US')} hosts, more than the ${MAX_RANGE_HOSTS.toLocaleString('en-US')} netchange resolves`,
        hint: 'Narrow the range to the devices that exist; Ansible would make one host of each value.',
      });
      return;
    }
    const duplicate = text !== undefined ? findDuplicateKey(absolute, text) : undefined;
    if (duplicate) {
      inventories.set(absolute, {
        ok: false,
        message: `inventory '${path.relative(options.root, absolute)}' line ${duplicate.line}: duplicate key '${duplicate.key}'`,
        hint: 'Keep one of the two; Ansible would silently use the last one, so the file would not say what runs.',
      });
      return;
    }
    const cached = bytes ? readCache(`inventory-v2-${cacheKey(bytes)}.json`) : undefined;
    if (isHostRecords(cached)) {
      inventories.set(absolute, { ok: true, inventory: inventoryFromHosts(cached) });
      return;
    }
    missingInventories.add(absolute);
    miss();
  };
  const wantInventory = (absolute: string): void => {
    if (inventoryLookups.has(absolute)) return;
    inventoryLookups.add(absolute);
    lookupInventory(absolute);
  };

  const lookupStep = (key: string, query: HostQuery): void => {
    wantInventory(query.inventory);
    const inventory = inventories.get(query.inventory);
    if (inventory && !inventory.ok) {
      steps.set(key, { ok: false, message: inventory.message, hint: inventory.hint, inventoryFailed: true });
      return;
    }
    const inventoryBytes = content(query.inventory);
    const playbookBytes = content(query.playbook);
    if (inventoryBytes && playbookBytes) {
      const cached = readCache(`hosts-${cacheKey(inventoryBytes, playbookBytes, query.limit ?? '')}.json`);
      if (isStepRecord(cached) && filesUnchanged(cached.files)) {
        steps.set(key, { ok: true, hosts: cached.hosts });
        return;
      }
    }
    missingSteps.set(key, query);
    miss();
  };
  const filesUnchanged = (files: ReadFile[]) => files.every((file) => hashOf(file.path) === file.sha256);

  const writeCache = async (writes: { name: string; value: unknown }[]): Promise<void> => {
    const directory = options.cacheDirectory;
    if (!directory || writes.length === 0) return;
    try {
      await mkdir(directory, { recursive: true, mode: 0o700 });
      await Promise.all(
        writes.map(({ name, value }) =>
          writeFile(path.join(directory, name), JSON.stringify(value), { mode: 0o600 }),
        ),
      );
    } catch {
      // why: the cache only saves time; a read-only checkout still validates.
    }
  };

  return {
    starting() {
      return started ? undefined : helper;
    },
    want(inventoryPaths, queries) {
      for (const absolute of inventoryPaths) wantInventory(absolute);
      for (const query of queries) {
        const key = hostQueryKey(query);
        if (stepLookups.has(key)) continue;
        stepLookups.add(key);
        lookupStep(key, query);
      }
    },
    async resolve() {
      if (helper && (missingInventories.size > 0 || missingSteps.size > 0)) {
        const request: HelperRequest = {
          root: options.root,
          inventories: [...missingInventories],
          steps: [...missingSteps].map(([key, query]) => ({ key, ...query })),
        };
        const response = await (await helper).answer(request);
        const writes: { name: string; value: unknown }[] = [];
        for (const absolute of missingInventories) {
          const answer = response.inventories[absolute];
          if (!answer) continue;
          if (!answer.ok) {
            inventories.set(absolute, answer);
            continue;
          }
          inventories.set(absolute, { ok: true, inventory: inventoryFromHosts(answer.hosts) });
          const bytes = content(absolute);
          if (bytes) writes.push({ name: `inventory-v2-${cacheKey(bytes)}.json`, value: answer.hosts });
        }
        for (const [key, query] of missingSteps) {
          const answer = response.steps[key];
          if (!answer) continue;
          if (!answer.ok) {
            steps.set(key, answer);
            continue;
          }
          steps.set(key, { ok: true, hosts: answer.hosts });
          const inventoryBytes = content(query.inventory);
          const playbookBytes = content(query.playbook);
          if (inventoryBytes && playbookBytes) {
            writes.push({
              name: `hosts-${cacheKey(inventoryBytes, playbookBytes, query.limit ?? '')}.json`,
              value: { hosts: answer.hosts, files: answer.files },
            });
          }
        }
        await writeCache(writes);
      }
      return {
        inventory: (absolute) => inventories.get(absolute),
        step: (query) => steps.get(hostQueryKey(query)),
      };
    },
  };
}

function isStepRecord(value: unknown): value is { hosts: string[]; files: ReadFile[] } {
  if (value === null || typeof value !== 'object') return false;
  const record = value as { hosts?: unknown; files?: unknown };
  return (
    Array.isArray(record.hosts) &&
    record.hosts.every((host) => typeof host === 'string') &&
    Array.isArray(record.files) &&
    record.files.every(
      (file: unknown) =>
        file !== null &&
        typeof file === 'object' &&
        typeof (file as ReadFile).path === 'string' &&
        typeof (file as ReadFile).sha256 === 'string' &&
        !path.isAbsolute((file as ReadFile).path) &&
        !(file as ReadFile).path.startsWith('..'),
    )
  );
}
