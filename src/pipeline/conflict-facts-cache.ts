/**
 * The conflicts stage compares a partial run (PATH, --since) with every other proposal of the
 * repository, and needs of each only its scheduled change (id, interval, devices, sites, stacks).
 * Parsing and resolving 5,000 unchanged files for that took seconds; this cache keeps the scheduled
 * change of each proposal, keyed by the git blob of the file, in `<git dir>/netchange/`.
 *
 * why the git directory: a pull request can commit files into the work tree (a planted
 * `.netchange/cache/` entry could hide a conflict), never into `.git/`. A fresh CI checkout has no
 * cache and computes everything, as without one.
 *
 * An entry counts only while everything else it was computed from is unchanged: the whole file is
 * keyed by netchange's version, the configuration and the blob of every other tracked or untracked
 * file (policies, inventories, playbooks), so any change outside the proposals empties it. A missing,
 * stale or unreadable cache is a miss: the proposal is loaded as it always was.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { canonicalJson } from '../core/canonical-json.js';
import type { ChangeType, ScheduledChange } from '../core/model.js';
import type { WorkTreeState } from '../core/ports.js';
import { cacheFilePath, isRecord, readCacheJson, writeCacheJson } from './cache-file.js';
import { readId } from './load-proposals.js';
import { folderPrefix, isYamlFile, type Workspace } from './workspace.js';

/** The scheduled changes of proposal files, remembered between runs. */
export interface ConflictFactsCache {
  /**
   * The index's blob of every tracked file, from the listing the cache is keyed by (what
   * `git ls-files -s` gives), so the run need not list the index again.
   */
  readonly indexBlobs: ReadonlyMap<string, string>;
  /**
   * The remembered outcome of each of `files` whose content did not change: its scheduled change,
   * or null when the file has none (it does not parse or its schedule does not resolve).
   */
  lookup(files: readonly string[]): Promise<Map<string, ScheduledChange | null>>;
  /** The scanned id (`readId`) of each of `files` whose content did not change. */
  idsOf(files: readonly string[]): Promise<Map<string, string | undefined>>;
  /**
   * Remembers the outcome of `loaded` (file → scheduled change or null) and writes the cache,
   * keeping earlier entries of files still in `present`. Never throws. `scannedIds` gives the
   * scanned id of files already read; the others are read again for it.
   */
  save(
    loaded: ReadonlyMap<string, ScheduledChange | null>,
    present: readonly string[],
    scannedIds?: ReadonlyMap<string, string | undefined>,
  ): Promise<void>;
}

/** The facts of one file, without what the file's path and the repository already say. */
type Facts = Omit<ScheduledChange, 'file' | 'source'>;

interface Entry {
  blob: string;
  /** The id as the uniqueness check's cheap scan reads it (null: none), so a partial run need not read the file. */
  id: string | null;
  facts: Facts | null;
}

/**
 * An entry as read from the file: its facts row is decoded (and checked) when a run looks it up.
 * why: a --since run of 5,000 proposals decodes each row once, into the scheduled change it returns,
 * instead of into facts first and a copy with the file's path after.
 */
interface StoredEntry {
  blob: string;
  id: string | null;
  row: unknown;
}

interface Stored {
  strings: readonly string[];
  entries: Record<string, StoredEntry>;
}

/**
 * The file: each entry a row, `[blob, id, facts]`, facts a row too (see `encodeFacts`), and the
 * strings that repeat across proposals (types, domains, teams, zones, devices, sites, stacks) kept
 * once in `strings` and named by index. why: half the size of keyed objects, and parsed in a third
 * of the time, which is most of what a `--since` run spends on the cache.
 */
interface CacheFile {
  environment: string;
  strings: string[];
  entries: Record<string, [blob: string, id: string | null, facts: FactsRow | null]>;
}

type FactsRow = [
  id: string,
  title: string,
  type: number,
  domain: number,
  team: number,
  github: number,
  startMs: number,
  endMs: number,
  occupiedEndMs: number,
  timezone: number,
  devices: number[],
  sites: number[],
  stacks: number[],
];

// why: a new layout of the file (or of ScheduledChange) must never read what an older one wrote.
const FORMAT = 'netchange-conflict-facts-v2';
const FILE_NAME = 'conflict-facts.json';

/**
 * Opens the cache of the workspace's repository; undefined without git, or when the work tree
 * cannot be keyed (a changed file too large to hash), so the run computes everything.
 */
export async function openConflictFactsCache(
  workspace: Workspace,
  version: string,
): Promise<ConflictFactsCache | undefined> {
  const git = workspace.git;
  if (!git) return undefined;
  const [state, file] = await Promise.all([
    git.workTreeState().catch((): WorkTreeState | undefined => undefined),
    cacheFilePath(workspace, FILE_NAME),
  ]);
  if (!state || !file) return undefined;
  const isProposal = proposalMatcher(workspace);
  const environment = await environmentKey(workspace, version, state, isProposal);
  if (!environment) return undefined;
  // why: read on first need; a complete run only writes, and 5,000 entries are 1 MB of JSON to parse.
  let stored: Promise<Stored> | undefined;
  const storedEntries = () => {
    stored ??= readCacheFile(file, environment);
    return stored;
  };
  const blobOf = (proposal: string) => (state.changed.has(proposal) ? undefined : state.blobs.get(proposal));
  const current = (entries: Record<string, StoredEntry>, proposal: string): StoredEntry | undefined => {
    const entry = entries[proposal];
    const blob = blobOf(proposal);
    return entry && blob && entry.blob === blob ? entry : undefined;
  };

  return {
    indexBlobs: state.blobs,
    async lookup(files) {
      const { strings, entries } = await storedEntries();
      const found = new Map<string, ScheduledChange | null>();
      for (const proposal of files) {
        const entry = current(entries, proposal);
        if (!entry) continue;
        if (entry.row === null) {
          found.set(proposal, null);
          continue;
        }
        // why: a damaged row is a miss (the file is loaded again), never a wrong fact.
        const change = decodeChange(entry.row, strings, proposal);
        if (change) found.set(proposal, change);
      }
      return found;
    },
    async idsOf(files) {
      const { entries } = await storedEntries();
      const found = new Map<string, string | undefined>();
      for (const proposal of files) {
        const entry = current(entries, proposal);
        if (entry) found.set(proposal, entry.id ?? undefined);
      }
      return found;
    },
    async save(loaded, present, scannedIds) {
      const entries: Record<string, Entry> = Object.create(null);
      // why: when every present file was just loaded, nothing earlier is kept: no need to read it.
      if (present.some((proposal) => !loaded.has(proposal))) {
        const kept = new Set(present);
        const { strings, entries: earlier } = await storedEntries();
        for (const [proposal, entry] of Object.entries(earlier)) {
          if (!kept.has(proposal)) continue;
          const change = entry.row === null ? null : decodeChange(entry.row, strings, proposal);
          if (change !== undefined) {
            entries[proposal] = { blob: entry.blob, id: entry.id, facts: change && factsOf(change) };
          }
        }
      }
      for (const [proposal, change] of loaded) {
        const blob = blobOf(proposal);
        // why: a file whose working copy is not a blob has no key; it is loaded again next time.
        const id = !blob
          ? undefined
          : scannedIds?.has(proposal)
            ? scannedIds.get(proposal)
            : readId(path.join(workspace.root, proposal));
        if (blob) entries[proposal] = { blob, id: id ?? null, facts: change ? factsOf(change) : null };
        else delete entries[proposal];
      }
      await writeCacheJson(file, encodeCacheFile(environment, entries));
    },
  };
}

function proposalMatcher(workspace: Workspace): (file: string) => boolean {
  const prefix = folderPrefix(workspace.config.paths.changes);
  return (file) => file.startsWith(prefix) && isYamlFile(file);
}

/**
 * What every entry depends on besides its own file: netchange and Node (time-zone data), the
 * configuration and the packs folder, and every other file of the work tree, by blob or by content.
 * Undefined when a changed file is too large to hash.
 */
async function environmentKey(
  workspace: Workspace,
  version: string,
  state: WorkTreeState,
  isProposal: (file: string) => boolean,
): Promise<string | undefined> {
  const hash = createHash('sha256')
    .update(`${FORMAT}\0${version}\0${process.version}\0${workspace.packsRoot ?? ''}\0`)
    .update(canonicalJson(workspace.config));
  for (const [file, blob] of [...state.blobs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!isProposal(file) && !state.changed.has(file)) hash.update(`\0${file}\0${blob}`);
  }
  const isOwnOutput = ownOutputMatcher(workspace, state);
  for (const file of [...state.changed].sort()) {
    if (isProposal(file) || isOwnOutput(file)) continue;
    const content = await readSmallFile(
      path.join(workspace.root, file),
      workspace.config.limits.maxFileBytes,
    );
    if (content === 'too large') return undefined;
    const digest = content ? createHash('sha256').update(content).digest('hex') : 'missing';
    hash.update(`\0${file}\0changed\0${digest}`);
  }
  return hash.digest('hex');
}

/**
 * Untracked files netchange itself writes under `paths.runs` (run artifacts) when the repository
 * does not ignore them.
 * why: they change on every run; keying on them would empty the cache each time.
 */
function ownOutputMatcher(workspace: Workspace, state: WorkTreeState): (file: string) => boolean {
  const prefix = folderPrefix(workspace.config.paths.runs);
  return (file) => !state.blobs.has(file) && file.startsWith(prefix);
}

async function readSmallFile(absolute: string, maxBytes: number): Promise<Buffer | 'too large' | undefined> {
  try {
    const info = await stat(absolute);
    // why: a directory (an untracked nested repository) has no content of its own to key.
    if (!info.isFile()) return Buffer.from(`not a file ${info.mode}`);
    if (info.size > maxBytes) return 'too large';
    return await readFile(absolute);
  } catch {
    return undefined;
  }
}

function factsOf(change: ScheduledChange): Facts {
  const { file: _file, source: _source, ...facts } = change;
  return facts;
}

/** The entries of the cache file when it is readable and was written for `environment`; else none. */
async function readCacheFile(file: string, environment: string): Promise<Stored> {
  // why: no prototype, so no file path can ever name an inherited member.
  const entries: Record<string, StoredEntry> = Object.create(null);
  const value = await readCacheJson(file);
  if (
    !isRecord(value) ||
    value.environment !== environment ||
    !isRecord(value.entries) ||
    !Array.isArray(value.strings) ||
    !value.strings.every(isString)
  )
    return { strings: [], entries };
  for (const [proposal, row] of Object.entries(value.entries)) {
    if (!Array.isArray(row) || row.length !== 3) continue;
    const [blob, id, facts] = row as unknown[];
    if (isString(blob) && (id === null || isString(id))) entries[proposal] = { blob, id, row: facts };
  }
  return { strings: value.strings, entries };
}

function encodeCacheFile(environment: string, entries: Record<string, Entry>): CacheFile {
  const strings: string[] = [];
  const indexes = new Map<string, number>();
  const indexOf = (text: string): number => {
    let index = indexes.get(text);
    if (index === undefined) {
      index = strings.push(text) - 1;
      indexes.set(text, index);
    }
    return index;
  };
  const rows: CacheFile['entries'] = Object.create(null);
  for (const [proposal, entry] of Object.entries(entries)) {
    rows[proposal] = [entry.blob, entry.id, entry.facts ? encodeFacts(entry.facts, indexOf) : null];
  }
  return { environment, strings, entries: rows };
}

function encodeFacts(facts: Facts, indexOf: (text: string) => number): FactsRow {
  return [
    facts.id,
    facts.title,
    indexOf(facts.type),
    indexOf(facts.domain),
    indexOf(facts.requester.team),
    indexOf(facts.requester.github),
    facts.startMs,
    facts.endMs,
    facts.occupiedEndMs,
    indexOf(facts.timezone),
    facts.devices.map(indexOf),
    facts.sites.map(indexOf),
    facts.stacks.map(indexOf),
  ];
}

/**
 * The scheduled change of `file` from its facts row, every field checked; undefined when the row
 * is damaged.
 */
function decodeChange(row: unknown, strings: readonly string[], file: string): ScheduledChange | undefined {
  if (!Array.isArray(row) || row.length !== 13) return undefined;
  const [
    id,
    title,
    type,
    domain,
    team,
    github,
    startMs,
    endMs,
    occupiedEndMs,
    timezone,
    devices,
    sites,
    stacks,
  ] = row as unknown[];
  const text = (index: unknown): string | undefined =>
    Number.isInteger(index) ? strings[index as number] : undefined;
  const texts = (indexes: unknown): string[] | undefined => {
    if (!Array.isArray(indexes)) return undefined;
    const found = indexes.map(text);
    return found.every(isString) ? (found as string[]) : undefined;
  };
  const change = {
    id,
    file,
    title,
    type: text(type),
    domain: text(domain),
    requester: { team: text(team), github: text(github) },
    startMs,
    endMs,
    occupiedEndMs,
    timezone: text(timezone),
    devices: texts(devices),
    sites: texts(sites),
    stacks: texts(stacks),
    source: { kind: 'repository' as const },
  };
  return isFacts(change) ? change : undefined;
}

const CHANGE_TYPES = new Set<unknown>(['standard', 'normal', 'emergency'] satisfies ChangeType[]);
const isString = (value: unknown): value is string => typeof value === 'string';
const isTime = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value);

/** Every field the conflicts stage reads, with its type. */
function isFacts<
  Checked extends {
    id: unknown;
    title: unknown;
    type: unknown;
    domain: unknown;
    requester: { team: unknown; github: unknown };
    startMs: unknown;
    endMs: unknown;
    occupiedEndMs: unknown;
    timezone: unknown;
    devices: unknown;
    sites: unknown;
    stacks: unknown;
  },
>(value: Checked): value is Checked & Facts {
  return (
    isString(value.id) &&
    isString(value.title) &&
    CHANGE_TYPES.has(value.type) &&
    isString(value.domain) &&
    isString(value.requester.team) &&
    isString(value.requester.github) &&
    isTime(value.startMs) &&
    isTime(value.endMs) &&
    isTime(value.occupiedEndMs) &&
    isString(value.timezone) &&
    value.devices !== undefined &&
    value.sites !== undefined &&
    value.stacks !== undefined
  );
}
