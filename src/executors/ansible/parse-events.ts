/**
 * Turns the netchange_events callback's JSON lines into per-host, per-task results with unified
 * diffs, and the devices' running configurations modules returned, redacted as data. Pure.
 */
import path from 'node:path';
import { structuredPatch } from 'diff';
import type { Redactor } from '../../redact/index.js';
import type { InventoryHostFacts } from '../context.js';
import { withoutTemporaryPaths } from '../plan-hash.js';
import type { DeviceConfiguration } from '../step-result.js';
import type {
  AnsibleHostResult,
  AnsibleItemResult,
  AnsibleRun,
  AnsibleTaskResult,
  AnsibleTaskStatus,
  FileDiff,
} from './types.js';

interface RawEvent {
  event?: string;
  status?: string;
  host?: string;
  play?: string;
  task?: string;
  ignored?: boolean;
  hidden?: boolean;
  result?: Record<string, unknown>;
  hosts?: Record<string, Record<string, number>>;
  /** Decrypted vault values (the `secrets` event): learned, never kept. */
  values?: unknown[];
  /** A check run's inventory host variables (the `secrets` event): learned, never kept. */
  inventory?: unknown;
  /** One part of a long secret value, `[id, index, count, text]` (the `secrets` event). */
  part?: unknown;
  /** Variables a set_fact or include_vars task set (the `secrets` event): secret-looking names learned. */
  facts?: unknown;
}

/** Most parts a long secret value comes in (300 characters each): 30 MB. */
const MAX_SECRET_PARTS = 100_000;

/**
 * Learns the values of `secrets` events: decrypted vault values and what no_log tasks returned,
 * long ones joined from their parts (a part whose value is incomplete is learned on its own), and
 * values under secret-looking names among the variables set_fact and include_vars set.
 */
function learnSecretEvents(events: readonly RawEvent[], redactor: Redactor): void {
  const values: string[] = [];
  const parts = new Map<string, { count: number; texts: string[] }>();
  for (const event of events) {
    if (Array.isArray(event.values)) {
      values.push(...event.values.filter((value): value is string => typeof value === 'string'));
    }
    if (isRecord(event.facts)) redactor.learnSecretKeys(event.facts);
    const part = secretPart(event.part);
    if (!part) continue;
    const joined = parts.get(part.id) ?? { count: part.count, texts: [] };
    if (joined.count === part.count) joined.texts[part.index] = part.text;
    parts.set(part.id, joined);
  }
  for (const { count, texts } of parts.values()) {
    const present = texts.filter((text) => text !== undefined);
    values.push(...(present.length === count ? [texts.join('')] : present));
  }
  redactor.addSecretValues(values);
}

function secretPart(value: unknown): { id: string; index: number; count: number; text: string } | undefined {
  if (!Array.isArray(value) || value.length !== 4) return undefined;
  const [id, index, count, text] = value as unknown[];
  const isWhole = (number: unknown): number is number => Number.isSafeInteger(number);
  if (typeof id !== 'string' || typeof text !== 'string' || !isWhole(index) || !isWhole(count))
    return undefined;
  return index >= 0 && index < count && count <= MAX_SECRET_PARTS ? { id, index, count, text } : undefined;
}

/**
 * The module result key a module returns a device's running configuration under, around a real run:
 * `netchange_backup: {before, after}` (strings). Any module may return it; examples/lab-network's
 * frr_config does. Apply saves it as the device's backup; a module without it has no backups.
 */
export const BACKUP_RESULT_KEY = 'netchange_backup';

/** What an Ansible run printed, parsed: per-host results and the devices' running configurations. */
export interface ParsedAnsibleOutput {
  run: AnsibleRun;
  /** Per host, in name order, from the modules that returned `netchange_backup`; redacted. */
  configurations: DeviceConfiguration[];
}

/**
 * Turns the callback's JSON lines into per-host results. Pure: redaction happens here, on the data,
 * before any diff is rendered. Lines that are not events (a crash mid-line) are ignored.
 */
export function parseAnsibleEvents(
  stdout: string,
  redactor: Redactor,
  repoRoot: string,
  contextLines = 3,
): AnsibleRun {
  return parseAnsibleOutput(stdout, redactor, repoRoot, contextLines).run;
}

/** Like parseAnsibleEvents, and also returns the running configurations modules reported per host. */
export function parseAnsibleOutput(
  stdout: string,
  redactor: Redactor,
  repoRoot: string,
  contextLines = 3,
): ParsedAnsibleOutput {
  const events = readEvents(stdout, redactor);
  return { run: toRun(events, repoRoot, contextLines), configurations: deviceConfigurations(events) };
}

/**
 * Learns what the run's `secrets` events report: decrypted vault values, and in a check run every
 * inventory host's variables (values under secret-looking names). Returns the reported inventory
 * (host → variables), so its secrets are known without `ansible-inventory --list`; undefined when
 * the run reported none.
 */
export function learnReportedSecrets(
  stdout: string,
  redactor: Redactor,
): Readonly<Record<string, unknown>> | undefined {
  let inventory: Record<string, unknown> | undefined;
  const events: RawEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"event": "secrets"')) continue;
    let event: RawEvent;
    try {
      event = JSON.parse(line) as RawEvent;
    } catch {
      continue;
    }
    events.push(event);
    if (isRecord(event.inventory)) {
      redactor.learnSecretKeys(event.inventory);
      inventory = event.inventory;
    }
  }
  learnSecretEvents(events, redactor);
  return inventory;
}

/**
 * Each reported inventory host's groups (Ansible's `group_names`: transitive, without `all`) and
 * the values of `variables` it has; nothing else of its variables is kept. Pure.
 */
export function inventoryFactsOf(
  inventory: Readonly<Record<string, unknown>>,
  variables: readonly string[],
): Map<string, InventoryHostFacts> {
  const hosts = new Map<string, InventoryHostFacts>();
  for (const [host, reported] of Object.entries(inventory)) {
    const values = isRecord(reported) ? reported : {};
    const groupNames = Array.isArray(values.group_names) ? values.group_names : [];
    const groups = groupNames
      .filter((group): group is string => typeof group === 'string' && group !== 'ungrouped')
      .sort();
    const kept: Record<string, unknown> = {};
    for (const name of variables) if (Object.hasOwn(values, name)) kept[name] = values[name];
    hosts.set(host, { groups, variables: kept });
  }
  return hosts;
}

/** The callback's events, redacted as data; vault values are learned first and dropped. */
function readEvents(stdout: string, redactor: Redactor): RawEvent[] {
  const raw: RawEvent[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
        raw.push(parsed as RawEvent);
    } catch {
      // a line cut short by a crash
    }
  }
  // why: vault values first, then one redactValue call over every event, so a secret learned from
  // one task's masked key is also removed from every other task's message and diff.
  learnSecretEvents(
    raw.filter((event) => event.event === 'secrets'),
    redactor,
  );
  return redactor.redactValue(raw.filter((event) => event.event !== 'secrets'));
}

function toRun(events: readonly RawEvent[], repoRoot: string, contextLines: number): AnsibleRun {
  const hosts = new Map<string, AnsibleHostResult>();
  const hostEntry = (name: string): AnsibleHostResult => {
    let entry = hosts.get(name);
    if (!entry) {
      entry = { host: name, ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0, tasks: [] };
      hosts.set(name, entry);
    }
    return entry;
  };
  let completed = false;
  for (const event of events) {
    if (event.event === 'result' && typeof event.host === 'string') {
      hostEntry(event.host).tasks.push(toTaskResult(event, repoRoot, contextLines));
    } else if (event.event === 'stats' && event.hosts) {
      completed = true;
      for (const [name, counts] of Object.entries(event.hosts)) {
        Object.assign(hostEntry(name), {
          ok: counts.ok ?? 0,
          changed: counts.changed ?? 0,
          failed: counts.failed ?? 0,
          unreachable: counts.unreachable ?? 0,
          skipped: counts.skipped ?? 0,
        });
      }
    }
  }
  if (!completed) {
    // why: without a recap (a crash), count from the results seen so far.
    for (const host of hosts.values()) {
      for (const task of host.tasks) {
        if (task.status === 'failed' && task.ignored) continue;
        host[task.status === 'changed' ? 'changed' : task.status] += 1;
      }
    }
  }
  return { hosts: [...hosts.values()].sort((a, b) => a.host.localeCompare(b.host)), completed };
}

function toTaskResult(event: RawEvent, repoRoot: string, contextLines: number): AnsibleTaskResult {
  const status = asStatus(event.status);
  const result = event.result ?? {};
  const hidden = event.hidden === true || result.hidden === true;
  const task: AnsibleTaskResult = {
    play: event.play ?? '',
    task: event.task ?? '',
    status,
    hidden,
    diffs: [],
  };
  if (event.ignored) task.ignored = true;
  if (hidden) return task;
  const message = messageOf(result);
  if (message) task.message = message;
  task.diffs = toDiffs(
    result.diff,
    repoRoot,
    contextLines,
    typeof result.target === 'string' ? result.target : undefined,
  );
  if (Array.isArray(result.results)) {
    task.items = result.results.map((item) => toItemResult(item, repoRoot, contextLines));
  }
  return task;
}

function toItemResult(item: unknown, repoRoot: string, contextLines: number): AnsibleItemResult {
  const result = isRecord(item) ? item : {};
  const hidden = result.hidden === true;
  const status: AnsibleTaskStatus = result.failed
    ? 'failed'
    : result.unreachable
      ? 'unreachable'
      : result.skipped
        ? 'skipped'
        : result.changed
          ? 'changed'
          : 'ok';
  if (hidden) return { label: '(hidden)', status, hidden, diffs: [] };
  const entry: AnsibleItemResult = {
    label: typeof result.label === 'string' ? result.label : '',
    status,
    hidden,
    diffs: toDiffs(result.diff, repoRoot, contextLines),
  };
  const message = messageOf(result);
  if (message) entry.message = message;
  return entry;
}

function messageOf(result: Record<string, unknown>): string | undefined {
  if (typeof result.msg === 'string' && result.msg !== '') return result.msg;
  if (typeof result.stderr === 'string' && result.stderr !== '' && result.failed) return result.stderr;
  return undefined;
}

function asStatus(value: string | undefined): AnsibleTaskStatus {
  return value === 'changed' || value === 'failed' || value === 'unreachable' || value === 'skipped'
    ? value
    : 'ok';
}

/**
 * A task's diffs. `target` is the file the task changes (its dest or path argument), reported by the
 * callback for the task itself, not for loop items.
 */
function toDiffs(value: unknown, repoRoot: string, contextLines: number, target?: string): FileDiff[] {
  const entries = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const diffs: FileDiff[] = [];
  for (const entry of entries) {
    if (!isRecord(entry)) continue;
    // why: the file that changes, not where the new content comes from: for template and
    // `copy content:` the after header is Ansible's temp file, named anew on every run, which would
    // change the plan digest between two plans of the same commit.
    const header =
      typeof entry.before_header === 'string'
        ? entry.before_header
        : (target ?? (typeof entry.after_header === 'string' ? entry.after_header : undefined));
    const filePath = typeof header === 'string' ? displayPath(header, repoRoot) : undefined;
    const diff: FileDiff = filePath ? { path: filePath } : {};
    if (typeof entry.prepared === 'string') diff.prepared = entry.prepared;
    if ('before' in entry || 'after' in entry) {
      const unified = unifiedDiff(
        asText(entry.before),
        asText(entry.after),
        filePath ?? 'content',
        contextLines,
      );
      if (unified) diff.unified = unified;
    }
    if (diff.unified || diff.prepared) diffs.push(diff);
  }
  return diffs;
}

/**
 * Each host's running configuration before and after the run, from the `netchange_backup` its
 * tasks (or loop items) returned, in order: the first `before` seen (the device before the step
 * touched it) and the last task's `after` (absent when that task could not read it again).
 * Results of no_log tasks are never read.
 */
function deviceConfigurations(events: readonly RawEvent[]): DeviceConfiguration[] {
  const devices = new Map<string, DeviceConfiguration>();
  for (const event of events) {
    if (event.event !== 'result' || typeof event.host !== 'string' || event.hidden === true) continue;
    const result = event.result ?? {};
    const items = Array.isArray(result.results) ? result.results.filter(isRecord) : [];
    for (const source of [result, ...items]) {
      const backup = source[BACKUP_RESULT_KEY];
      if (source.hidden === true || !isRecord(backup)) continue;
      const before = typeof backup.before === 'string' ? backup.before : undefined;
      const after = typeof backup.after === 'string' ? backup.after : undefined;
      if (before === undefined && after === undefined) continue;
      const merged: DeviceConfiguration = { device: event.host };
      const first = devices.get(event.host)?.before ?? before;
      if (first !== undefined) merged.before = first;
      if (after !== undefined) merged.after = after;
      devices.set(event.host, merged);
    }
  }
  return [...devices.values()].sort((a, b) => a.device.localeCompare(b.device));
}

/** Renders before → after as a unified diff (`--- a/… +++ b/…`), or undefined when equal. */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string | undefined {
  if (before === after) return undefined;
  const patch = structuredPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context });
  const lines = [`--- a/${name}`, `+++ b/${name}`];
  for (const hunk of patch.hunks) {
    lines.push(`@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  return `${lines.join('\n')}\n`;
}

/** Ansible's headers are absolute paths, often with `..`; show them relative to the repository. */
function displayPath(header: string, repoRoot: string): string {
  const cleaned = withoutTemporaryPaths(header.replace(/\s+\((content|file attributes)\)$/, ''));
  if (!path.isAbsolute(cleaned)) return cleaned;
  const normalised = path.normalize(cleaned);
  const relative = path.relative(repoRoot, normalised);
  return relative.startsWith('..') || path.isAbsolute(relative)
    ? normalised
    : relative.split(path.sep).join('/');
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return `${JSON.stringify(value, null, 2)}\n`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
