import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { configError, NetchangeError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import { hasErrors } from '../core/findings.js';
import type { NetchangeConfig } from '../core/model.js';
import type { GitRepository } from '../core/ports.js';
import { parseYaml, type YamlDocument } from '../documents/parse-yaml.js';
import { DEFAULT_MAX_FILE_BYTES, isInside, readRepositoryTextFile } from '../documents/read-file.js';
import { validateDocument } from '../documents/schemas.js';
import type { DriftConfig } from '../drift/model.js';
import { executorCommands } from '../executors/registry.js';
import { defaultPacksRoot, type PolicyKind } from '../packs/locate.js';
import { type ResolvedPolicy, resolvePolicyExtends } from '../packs/resolve.js';
import { openGitRepository } from '../proposals/git-repository.js';

export const CONFIG_FILE = 'netchange.yaml';

/** Where the policies and proposals are when netchange.yaml does not say. */
export const DEFAULT_PATHS = {
  changes: 'changes',
  windows: 'policies/windows.yaml',
  changeControl: 'policies/change-control.yaml',
} as const;

/** The netchange.yaml keys that name the proposals and the policies: they must exist when set. */
const REQUIRED_PATH_KEYS = ['changes', 'windows', 'changeControl'] as const;

/** The netchange.yaml keys that name what netchange writes: inside the repository, existing or not. */
const WRITTEN_PATH_KEYS = ['runs', 'freezes'] as const;

/**
 * netchange.yaml's `github`, with the clone it was read from (whose remotes vouch for `apiUrl` and
 * `repository`) and where each key is written.
 */
export function githubSettings(workspace: Workspace): ResolvedConfig['github'] &
  Pick<ResolvedConfig, 'secrets' | 'notify'> & {
    clone: string;
    locate: (key: 'repository' | 'apiUrl') => { line: number; column: number };
  } {
  const document = workspace.configDocument;
  return {
    ...workspace.config.github,
    // why: the GitHub session's redactor learns the secrets the configuration names from these.
    secrets: workspace.config.secrets,
    notify: workspace.config.notify,
    clone: workspace.root,
    locate: (key) => document?.positionOf(['github', key]) ?? { line: 1, column: 1 },
  };
}

/** netchange.yaml with every default filled in. */
export interface ResolvedConfig {
  paths: {
    changes: string;
    windows: string;
    changeControl: string;
    runs: string;
    /** The local freezes file (netchange freeze without --github). */
    freezes: string;
  };
  defaults: { timezone?: string };
  limits: { maxFileBytes: number };
  executors: Required<Omit<NonNullable<NetchangeConfig['executors']>, never>>;
  secrets: { env: string[] };
  github: NonNullable<NetchangeConfig['github']>;
  /** Where `netchange drift` finds the intended state. */
  drift: DriftConfig;
  /** Which environment variable holds each chat's webhook URL (`netchange notify`). */
  notify: NonNullable<NetchangeConfig['notify']>;
}

/** Everything a command needs about the repository it runs on. */
export interface Workspace {
  /** Absolute path of the repository root (the git top level, or --repo when it is not a git repository). */
  root: string;
  /** The directory the user ran netchange from (explicit paths are relative to it). */
  cwd: string;
  config: ResolvedConfig;
  /** The git repository, when `root` is one. */
  git?: GitRepository;
  /** policies/windows.yaml parsed (not yet compiled), when it exists. */
  windowPolicyDocument?: YamlDocument;
  /** netchange.yaml parsed, when it exists (for the positions of configuration findings). */
  configDocument?: YamlDocument;
  /** policies/change-control.yaml parsed (not yet compiled), when it exists. */
  changeControlDocument?: YamlDocument;
  /**
   * The `extends` chains of the policy files that have one. The documents above are then the
   * effective (merged) policies, whose positions point into the file each value came from.
   */
  inheritance?: { windows?: ResolvedPolicy; changeControl?: ResolvedPolicy };
  /** The policy packs folder `extends` entries resolve in. */
  packsRoot?: string;
}

export interface OpenWorkspaceOptions {
  /** --repo: the repository directory; default: the git top level around `cwd`. */
  repo?: string;
  cwd: string;
  /** Where the policy packs are (default: NETCHANGE_PACKS_DIR, else the installation's policies/). */
  packsRoot?: string;
  /** Refuse (exit 2) when the directory is not inside a git work tree, before reading anything. */
  requireGit?: boolean;
}

/**
 * Proposals are discovered through git; outside a repository there is nothing to check, and
 * "0 proposals, passed" would be a silent pass.
 */
export function notInsideGitRepository(directory: string): NetchangeError {
  return usageError(
    `${directory} is not inside a git repository`,
    'Run netchange in your network repository, pass --repo DIR, or create one with netchange init.',
  );
}

/**
 * Finds the repository, reads netchange.yaml and parses the policy files. A broken config or policy
 * file is a configuration error (exit 2) carrying its findings with lines.
 */
export async function openWorkspace(options: OpenWorkspaceOptions): Promise<Workspace> {
  const start = path.resolve(options.cwd, options.repo ?? '.');
  if (!existsSync(start))
    throw usageError(`--repo ${options.repo} does not exist`, 'Name the network repository directory.');
  const git = await openGitRepository(start, options.repo !== undefined, (topLevel) =>
    nearestConfigRoot(start, topLevel),
  );
  if (!git && options.requireGit) throw notInsideGitRepository(start);
  const root = git?.root ?? start;
  const { config, document } = await loadConfig(root);
  checkConfiguredPaths(root, config, document);
  const workspace: Workspace = {
    root,
    cwd: options.cwd,
    config,
    ...(git ? { git } : {}),
    ...(document ? { configDocument: document } : {}),
  };
  const windows = await loadPolicyDocument(root, config.paths.windows, config.limits.maxFileBytes);
  const changeControl = await loadPolicyDocument(
    root,
    config.paths.changeControl,
    config.limits.maxFileBytes,
  );
  const extendsOptions = {
    root,
    packsRoot: options.packsRoot ?? defaultPacksRoot(),
    maxBytes: config.limits.maxFileBytes,
  };
  workspace.packsRoot = extendsOptions.packsRoot;
  const inheritance: NonNullable<Workspace['inheritance']> = {};
  if (windows) {
    const resolved = await resolvePolicyExtends(windows, 'WindowPolicy', extendsOptions);
    workspace.windowPolicyDocument = resolved?.document ?? windows;
    if (resolved) inheritance.windows = resolved;
  }
  if (changeControl) {
    const resolved = await resolvePolicyExtends(changeControl, 'ChangeControlPolicy', extendsOptions);
    workspace.changeControlDocument = resolved?.document ?? changeControl;
    if (resolved) inheritance.changeControl = resolved;
  }
  if (inheritance.windows || inheritance.changeControl) workspace.inheritance = inheritance;
  return workspace;
}

/** The resolved chain of one policy kind, when its file has `extends`. */
export function inheritanceOf(workspace: Workspace, kind: PolicyKind): ResolvedPolicy | undefined {
  return kind === 'WindowPolicy' ? workspace.inheritance?.windows : workspace.inheritance?.changeControl;
}

async function loadConfig(root: string): Promise<{ config: ResolvedConfig; document?: YamlDocument }> {
  const file = path.join(root, CONFIG_FILE);
  let config: NetchangeConfig | undefined;
  let document: YamlDocument | undefined;
  if (existsSync(file)) {
    document = readYamlDocument(root, CONFIG_FILE, DEFAULT_MAX_FILE_BYTES);
    const findings = document.findings.length > 0 ? document.findings : validateDocument(document, 'Config');
    if (hasErrors(findings)) {
      throw configError(`${CONFIG_FILE} is invalid`, {
        findings,
        hint: 'Fix the keys above; every key is optional.',
      });
    }
    config = document.value as NetchangeConfig;
    const zone = config.defaults?.timezone;
    if (zone !== undefined) await checkDefaultTimeZone(zone, document);
    if (config.executors?.stepTimeout !== undefined || config.executors?.killGrace !== undefined)
      await checkExecutorDurations(config.executors, document);
  }
  return { config: resolveConfig(config), ...(document ? { document } : {}) };
}

/**
 * `defaults.timezone` must be an IANA zone: every proposal without its own zone is read in it, so a
 * wrong one is the configuration's error (exit 2), not each proposal's.
 */
async function checkDefaultTimeZone(zone: string, document: YamlDocument): Promise<void> {
  // why: loaded only when the key is set; the zone rules pull in Temporal.
  const { isValidTimeZone } = await import('../core/time.js');
  if (isValidTimeZone(zone)) return;
  throw configError(`${CONFIG_FILE} is invalid`, {
    findings: [
      {
        ruleId: 'schema',
        severity: 'error',
        message: `defaults.timezone '${zone}' is not an IANA time zone`,
        hint: "Name a place's zone, such as America/Chicago or Europe/Berlin (not a UTC offset).",
        file: CONFIG_FILE,
        ...document.positionOf(['defaults', 'timezone']),
      },
    ],
    hint: 'Fix the key above; every key is optional.',
  });
}

/**
 * The longest `executors.stepTimeout` and `executors.killGrace` netchange.yaml may set. why: the file
 * comes with the pull request, and each step holds the runner (self-hosted, inside the management
 * network) until it ends: a branch must not keep it for days. Six hours is also how long a GitHub
 * Actions job runs before GitHub cancels it (timeout-minutes' default).
 */
const DURATION_LIMITS = [
  { key: 'stepTimeout', limit: 'PT6H', hint: 'Split a step that needs longer into several steps.' },
  { key: 'killGrace', limit: 'PT5M', hint: 'A tool that needs longer to stop after SIGTERM is stuck.' },
] as const;

/** Both executor durations read as ISO 8601 durations within their limits, or exit 2 at the key. */
async function checkExecutorDurations(
  executors: NonNullable<NetchangeConfig['executors']>,
  document: YamlDocument,
): Promise<void> {
  // why: loaded only when a key is set; calendar durations pull in Temporal.
  const { durationMs } = await import('../executors/duration.js');
  const findings: Finding[] = [];
  for (const { key, limit, hint } of DURATION_LIMITS) {
    const value = executors[key];
    if (value === undefined) continue;
    const at = { file: CONFIG_FILE, ...document.positionOf(['executors', key]) };
    let length: number;
    try {
      length = durationMs(value, `executors.${key}`);
    } catch (error) {
      // why: durationMs's own refusal (message and hint), given the key's position.
      if (!(error instanceof NetchangeError)) throw error;
      findings.push({ ruleId: 'schema', severity: 'error', message: error.message, hint: error.hint, ...at });
      continue;
    }
    if (length > durationMs(limit, key)) {
      findings.push({
        ruleId: 'schema',
        severity: 'error',
        message: `executors.${key} '${value}' is longer than ${limit}`,
        hint: `netchange.yaml comes with the pull request, and a step holds the runner until it ends. ${hint}`,
        ...at,
      });
    }
  }
  if (findings.length > 0)
    throw configError(`${CONFIG_FILE} is invalid`, {
      findings,
      hint: 'Fix the keys above; every key is optional.',
    });
}

/** netchange.yaml's values with every default filled in. */
export function resolveConfig(config: NetchangeConfig | undefined): ResolvedConfig {
  return {
    paths: {
      changes: config?.paths?.changes ?? DEFAULT_PATHS.changes,
      windows: config?.paths?.windows ?? DEFAULT_PATHS.windows,
      changeControl: config?.paths?.changeControl ?? DEFAULT_PATHS.changeControl,
      runs: config?.paths?.runs ?? '.netchange/runs',
      freezes: config?.paths?.freezes ?? '.netchange/freezes.yaml',
    },
    defaults: { ...(config?.defaults?.timezone ? { timezone: config.defaults.timezone } : {}) },
    limits: { maxFileBytes: config?.limits?.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES },
    executors: {
      concurrency: config?.executors?.concurrency ?? os.availableParallelism(),
      stepTimeout: config?.executors?.stepTimeout ?? 'PT30M',
      killGrace: config?.executors?.killGrace ?? 'PT10S',
      ...executorCommands(config?.executors),
    },
    secrets: { env: config?.secrets?.env ?? [] },
    github: config?.github ?? {},
    drift: {
      ansible: config?.drift?.ansible ?? [],
      terraform: config?.drift?.terraform ?? [],
      branch: config?.drift?.branch ?? 'main',
      policy: config?.drift?.policy ?? 'policies/drift.yaml',
      state: config?.drift?.state ?? [],
    },
    notify: config?.notify ?? {},
  };
}

/**
 * A policy path set in netchange.yaml must name a file (or folder) inside the repository; a path
 * netchange writes to (`runs`, `freezes`) must be inside it.
 * why: a path to nothing would silently turn a policy off — every proposal would pass ungated. An
 * unset key keeps its default, which may be absent (a repository may have no window policy). And a
 * pull request's netchange.yaml must not choose where on the runner its plan writes.
 */
function checkConfiguredPaths(
  root: string,
  config: ResolvedConfig,
  document: YamlDocument | undefined,
): void {
  const source = (document?.value as NetchangeConfig | undefined)?.paths;
  if (!document || !source) return;
  const findings: Finding[] = [];
  const inside = (relative: string) =>
    !path.isAbsolute(relative) && isInside(root, path.resolve(root, relative));
  const refuse = (key: keyof ResolvedConfig['paths'], message: string, hint: string) =>
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: `paths.${key} names ${config.paths[key]}, ${message}`,
      hint,
      file: CONFIG_FILE,
      ...document.positionOf(['paths', key]),
    });
  for (const key of REQUIRED_PATH_KEYS) {
    if (source[key] === undefined) continue;
    const relative = config.paths[key];
    const isInRepository = inside(relative);
    if (isInRepository && existsSync(path.resolve(root, relative))) continue;
    refuse(
      key,
      isInRepository ? 'which does not exist' : 'which is outside the repository',
      `Fix the path, or remove paths.${key} to use the default (${DEFAULT_PATHS[key]}); a missing policy must not turn the gate off.`,
    );
  }
  for (const key of WRITTEN_PATH_KEYS) {
    if (source[key] === undefined || inside(config.paths[key])) continue;
    refuse(
      key,
      'which is outside the repository',
      key === 'runs'
        ? 'Name a folder inside the repository (default .netchange/runs); to keep a run elsewhere, pass --out-dir on the command line.'
        : 'Name a file inside the repository (default .netchange/freezes.yaml).',
    );
  }
  if (findings.length > 0) {
    throw configError(`${CONFIG_FILE} names paths outside the repository or that do not exist`, {
      findings,
      hint: 'Every path set under paths: must be inside the repository, and a policy path must exist.',
    });
  }
}

async function loadPolicyDocument(
  root: string,
  relative: string,
  maxBytes: number,
): Promise<YamlDocument | undefined> {
  if (!existsSync(path.join(root, relative))) return undefined;
  const document = readYamlDocument(root, relative, maxBytes);
  if (hasErrors(document.findings)) {
    throw configError(`${relative} is not valid YAML`, { findings: document.findings });
  }
  return document;
}

/**
 * The network repository's root when no --repo names it: the nearest folder from `start` up to the
 * work tree's top level that holds netchange.yaml, else the top level. why: `netchange init network`
 * inside a larger work tree, then `cd network && netchange validate`, works on what init wrote, as
 * git finds its own top level from any folder below it.
 */
function nearestConfigRoot(start: string, topLevel: string): string {
  for (let folder = start; isInside(topLevel, folder); folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, CONFIG_FILE))) return folder;
    if (folder === topLevel) break;
  }
  return topLevel;
}

/** Reads and parses one repository file; read problems become the document's findings. */
export function readYamlDocument(root: string, relative: string, maxBytes: number): YamlDocument {
  const read = readRepositoryTextFile(root, relative, maxBytes);
  if (!read.ok) {
    const origin = () => ({ line: read.finding.line ?? 1, column: read.finding.column ?? 1 });
    return {
      file: relative,
      source: '',
      value: undefined,
      findings: [read.finding],
      positionOf: origin,
      keyPositionOf: origin,
      positionAt: origin,
    };
  }
  return parseYaml(relative, read.text);
}

/**
 * The commit of a pull request's base branch: the remote-tracking branch a CI checkout fetched
 * (`origin/main`), else a local branch of that name; undefined when neither is there.
 */
export async function resolveBaseBranch(
  workspace: Workspace,
  branch: string | undefined,
): Promise<string | undefined> {
  for (const candidate of branch ? [`origin/${branch}`, branch] : []) {
    const found = await workspace.git?.resolveRef(candidate).catch(() => undefined);
    if (found) return found;
  }
  return undefined;
}

/** Repository-relative POSIX form of an absolute path. */
export function toRepositoryPath(workspace: Workspace, absolute: string): string {
  return path.relative(workspace.root, absolute).split(path.sep).join('/');
}

/** Every proposal file under the changes folder, sorted, repository-relative. */
export async function listProposalFiles(workspace: Workspace): Promise<string[]> {
  return (await scanChangesFolder(workspace)).proposals;
}

/**
 * The changes folder's proposal files, and the files in it that look meant as proposals but are never
 * read (`x.YAML`, `x.json`), both sorted and repository-relative.
 */
export async function scanChangesFolder(
  workspace: Workspace,
): Promise<{ proposals: string[]; unread: string[] }> {
  const directory = path.join(workspace.root, workspace.config.paths.changes);
  if (!existsSync(directory)) return { proposals: [], unread: [] };
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  // why: one path.relative per folder, not per file: a changes folder holds thousands of files.
  const folders = new Map<string, string>();
  const folderOf = (absolute: string): string => {
    let relative = folders.get(absolute);
    if (relative === undefined) {
      relative = toRepositoryPath(workspace, absolute);
      folders.set(absolute, relative);
    }
    return relative;
  };
  const proposals: string[] = [];
  const unread: string[] = [];
  for (const entry of entries) {
    const proposal = isYamlFile(entry.name);
    const named = proposal || looksLikeProposalFile(entry.name);
    // why: a folder named like a proposal (foo.yaml/) is never read as one; it is listed with a
    // trailing slash so that its warning says it is a folder.
    if (entry.isDirectory() && named) {
      const folder = folderOf(entry.parentPath);
      unread.push(`${folder === '' ? entry.name : `${folder}/${entry.name}`}/`);
      continue;
    }
    // why: symlinks too, so that one out of the repository is refused aloud, not skipped in silence.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    if (!named) continue;
    const folder = folderOf(entry.parentPath);
    (proposal ? proposals : unread).push(folder === '' ? entry.name : `${folder}/${entry.name}`);
  }
  return { proposals: proposals.sort(), unread: unread.sort() };
}

/**
 * `folder` as the prefix its files' repository paths start with (`changes/`), however netchange.yaml
 * writes it (`./changes`, `changes/`). why: one spelling for every rule that asks whether a file is
 * in a folder, so the rules cannot disagree about the same file.
 */
export function folderPrefix(folder: string): string {
  return `${path.posix.normalize(folder.split(path.sep).join('/')).replace(/^\.\//, '').replace(/\/$/, '')}/`;
}

export function isYamlFile(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

/** A file name that reads as a proposal to a person but that netchange does not read: `X.YAML`, `x.json`. */
export function looksLikeProposalFile(name: string): boolean {
  return !isYamlFile(name) && /\.(ya?ml|json)$/i.test(name);
}

/**
 * The warning for a file under the changes folder that is never read as a proposal, or for a folder
 * named like one (`changes/foo.yaml/`, listed with its trailing slash by scanChangesFolder).
 */
export function unreadProposalFinding(file: string): Finding {
  if (file.endsWith('/')) {
    const folder = file.slice(0, -1);
    return {
      ruleId: 'reference',
      severity: 'warning',
      message:
        'a folder named like a proposal file: it is not read as a proposal (only *.yaml files inside it are)',
      hint: `A proposal is one file; write it as ${folder}, or rename the folder: git mv ${folder} ${folder.replace(/\.[^./]+$/, '')}`,
      file: folder,
    };
  }
  const renamed = file.replace(/\.[^./]+$/, '.yaml');
  return {
    ruleId: 'reference',
    severity: 'warning',
    message: 'not read as a proposal: netchange reads only *.yaml and *.yml files',
    hint: file.toLowerCase().endsWith('.json')
      ? `Proposals are YAML; JSON is YAML too, so rename it: git mv ${file} ${renamed}`
      : `Extensions are case-sensitive; rename it: git mv ${file} ${renamed}`,
    file,
  };
}

/**
 * Resolves PATH arguments (relative to where the user ran netchange) to repository files.
 * A directory stands for the YAML files under it. Missing paths are usage errors.
 */
export async function resolvePathArguments(
  workspace: Workspace,
  paths: readonly string[],
): Promise<string[]> {
  const files = new Set<string>();
  for (const argument of paths) {
    const absolute = path.resolve(workspace.cwd, argument);
    const relative = toRepositoryPath(workspace, absolute);
    if (relative.startsWith('..') || path.isAbsolute(relative)) {
      throw usageError(
        `${argument} is outside the repository ${workspace.root}`,
        'Name proposal files inside the repository, or use --repo.',
      );
    }
    let stats: Awaited<ReturnType<typeof stat>>;
    try {
      stats = await stat(absolute);
    } catch {
      throw usageError(
        `${argument} does not exist`,
        `Proposals live under ${workspace.config.paths.changes}/.`,
      );
    }
    if (stats.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      const found = entries.filter((entry) => entry.isFile() && isYamlFile(entry.name));
      // why: a folder named on purpose that holds no proposal is a mistake, never a clean pass.
      if (found.length === 0) {
        throw usageError(
          `${argument} holds no proposal file (*.yaml or *.yml)`,
          `Name a folder or file of proposals; they live under ${workspace.config.paths.changes}/.`,
        );
      }
      for (const entry of found)
        files.add(toRepositoryPath(workspace, path.join(entry.parentPath, entry.name)));
    } else {
      files.add(relative);
    }
  }
  return [...files].sort();
}
