import { readFileSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { type Finding, hasErrors } from '../core/findings.js';
import type {
  ChangeProposal,
  ChangeSubject,
  Locate,
  NetchangeConfig,
  WithdrawnProposal,
} from '../core/model.js';
import { parseYaml, type YamlDocument } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';
import { defaultPacksRoot } from '../packs/locate.js';
import { resolvePolicyExtends } from '../packs/resolve.js';
import { createHostResolver, type HostResolution, type HostResolver } from '../proposals/host-resolution.js';
import { lintExtraVars } from '../proposals/lint.js';
import {
  checkReferences,
  createPathChecker,
  type ReferenceResult,
  trackedPathsOf,
} from '../proposals/references.js';
import { resolveSchedule } from '../proposals/schedule.js';
import { checkTargets } from '../proposals/targets.js';
import { checkToolArguments } from '../proposals/tool-arguments.js';
import { cacheFilePath } from './cache-file.js';
import {
  CONFIG_FILE,
  DEFAULT_PATHS,
  folderPrefix,
  isYamlFile,
  listProposalFiles,
  looksLikeProposalFile,
  type ResolvedConfig,
  readYamlDocument,
  resolveConfig,
  resolvePathArguments,
  scanChangesFolder,
  type Workspace,
} from './workspace.js';

/** One proposal file after loading: its findings so far and, when it is usable, its subject. */
export interface LoadedProposal {
  file: string;
  /** The id, when the file is readable enough to have one. */
  id?: string;
  /** The id as `readId` scans it from the text (what a partial run compares other files by). */
  scannedId?: string;
  /** Position lookup into the file, once it parsed. */
  locate?: Locate;
  /** The proposal, when it passed the schema. */
  proposal?: ChangeProposal;
  /** Set when the schedule resolved: windows and change control can evaluate it. */
  subject?: ChangeSubject;
  /** yaml, schema, reference and lint findings. */
  findings: Finding[];
}

export interface LoadOptions {
  /** Explicit PATH arguments (relative to the workspace's cwd). */
  paths?: readonly string[];
  /** --since REF: only proposals added, modified or renamed between REF and HEAD. */
  since?: string;
  /**
   * Repository-relative proposal files to load as context for a partial run (the conflicts stage
   * compares the run with them); their ids are not checked for uniqueness again.
   */
  files?: readonly string[];
  /**
   * For a partial run, the ids of other proposal files as `readId` would scan them, when known
   * without reading the files (the conflict-facts cache); files it does not answer for are read.
   */
  knownIds?: (files: readonly string[]) => Promise<ReadonlyMap<string, string | undefined>>;
  /**
   * The index's blob of every tracked file, when the caller lists it anyway; undefined when its
   * listing failed, and the index is asked here. It also says which files a step may name.
   */
  indexBlobs?: Promise<ReadonlyMap<string, string> | undefined>;
}

export interface LoadResult {
  proposals: LoadedProposal[];
  /** Proposals deleted between --since and HEAD. */
  withdrawn: WithdrawnProposal[];
  /** Policy files changed between --since and HEAD (a change to the rules is itself a change). */
  changedPolicies: string[];
  /**
   * The change-control policy of the --since commit, when policies changed: the policy in force, which
   * decides who approves a change to it (never the pull request's own version).
   */
  policyInForce?: YamlDocument;
  /** Every file changed between --since and HEAD (renames give both paths). */
  changedFiles?: string[];
  /** The base commit of --since, resolved. */
  baseCommit?: string;
  /** Every host of the inventories the loaded proposals use (for policy lint). */
  inventoryHosts: string[];
  /** The sites (`site` host variable) of the hosts in those inventories, sorted. */
  inventorySites: string[];
  /** True when every proposal of the repository was loaded (no PATH, no --since). */
  complete: boolean;
  /** Files in the selection's part of the changes folder that look meant as proposals but are not read (`x.YAML`, `x.json`). */
  unreadFiles: string[];
}

const ID_LINE = /^id:\s*["']?([^"'\s#]+)/m;
/** The host resolution cache's folder in `<git dir>/netchange/`. */
const HOST_CACHE = 'hosts';

/**
 * Discovers, reads, parses and checks proposals: schema, schedule, references, lint and unique ids.
 * Never throws for bad proposals (they carry findings); throws for bad arguments (exit 2).
 */
export async function loadProposals(workspace: Workspace, options: LoadOptions = {}): Promise<LoadResult> {
  const [selection, cacheDirectory] = await Promise.all([
    selectProposalFiles(workspace, options),
    // why: in the git directory, never the work tree: a pull request can commit a cache entry into
    // the work tree that says its step reaches only declared hosts, never one into .git/.
    cacheFilePath(workspace, HOST_CACHE),
  ]);
  const resolver = createHostResolver({
    root: workspace.root,
    inventoryCommand: workspace.config.executors.ansibleInventory,
    ...(cacheDirectory ? { cacheDirectory } : {}),
  });
  const dataFiles = policyDataFiles([workspace.config]);
  const changesPrefix = folderPrefix(workspace.config.paths.changes);
  const index = await indexOf(workspace, options.indexBlobs);
  // why: the changes folder whole, not only the files that parse as proposals: a file can read as a
  // proposal to netchange and as an INI inventory or a play to Ansible.
  const checkPath = createPathChecker(
    workspace.root,
    (file) => dataFiles.has(file) || file.endsWith('.md') || file.startsWith(changesPrefix),
    // why: a repository whose index is empty (git init, nothing added yet) tracks nothing, as one
    // outside git does: nothing is refused for it. A checkout on a runner always has an index.
    index && index.size > 0 ? trackedPathsOf(index) : undefined,
  );
  // why: synchronous, file after file: small local files are read faster this way than through the
  // thread pool. The one await is for Python, at the first inventory the cache cannot answer: it then
  // imports Ansible while the rest are parsed, instead of starting after the loop (a quarter of a
  // second idle for 5,000 files).
  const parsed: PendingProposal[] = [];
  for (const file of selection.files) {
    parsed.push(loadProposal(workspace, file, resolver, checkPath));
    const starting = resolver.starting();
    if (starting) await starting;
  }
  // why: one Ansible run for every inventory and step of the selection, after all were announced.
  const resolution = await resolver.resolve();
  const inventories = new Set<string>();
  const proposals = parsed.map((pending) => {
    resolveTargets(workspace, pending, resolution);
    for (const absolute of pending.references?.inventories.keys() ?? []) inventories.add(absolute);
    for (const step of pending.references?.hostSteps ?? []) inventories.add(step.query.inventory);
    return pending.loaded;
  });
  const inventoryHosts = new Set<string>();
  const inventorySites = new Set<string>();
  for (const absolute of inventories) {
    const outcome = resolution.inventory(absolute);
    if (!outcome?.ok) continue;
    for (const host of outcome.inventory.hostGroups.keys()) inventoryHosts.add(host);
    for (const site of outcome.inventory.hostSites.values()) inventorySites.add(site);
  }
  for (const loaded of proposals) {
    const blob = index?.get(loaded.file);
    if (blob && loaded.subject) loaded.subject.blob = blob;
  }
  if (!options.files) await checkUniqueIds(workspace, proposals, selection.partial, options.knownIds);
  return {
    proposals,
    withdrawn: selection.withdrawn,
    changedPolicies: selection.changedPolicies,
    ...(selection.policyInForce ? { policyInForce: selection.policyInForce } : {}),
    ...(selection.changedFiles ? { changedFiles: selection.changedFiles } : {}),
    inventoryHosts: [...inventoryHosts].sort(),
    inventorySites: [...inventorySites].sort(),
    complete: !selection.partial,
    unreadFiles: selection.unread,
    ...(selection.baseCommit ? { baseCommit: selection.baseCommit } : {}),
  };
}

/**
 * The index's blob of every tracked file: the caller's listing when it made one, else one asked
 * here; undefined outside a git repository (nothing is tracked there, and nothing is refused for it).
 */
async function indexOf(
  workspace: Workspace,
  listed: LoadOptions['indexBlobs'],
): Promise<ReadonlyMap<string, string> | undefined> {
  const known = await listed?.catch(() => undefined);
  if (known) return known;
  if (!workspace.git) return undefined;
  return (await workspace.git.workTreeState()).blobs;
}

/** The usable proposals as subjects, and every finding (for commands that only need subjects). */
export async function loadChangeSubjects(
  workspace: Workspace,
  options: LoadOptions = {},
): Promise<{ subjects: ChangeSubject[]; findings: Finding[]; proposals: LoadedProposal[] }> {
  const { proposals } = await loadProposals(workspace, options);
  return {
    subjects: proposals.flatMap((loaded) => (loaded.subject ? [loaded.subject] : [])),
    findings: proposals.flatMap((loaded) => loaded.findings),
    proposals,
  };
}

interface Selection {
  files: string[];
  withdrawn: WithdrawnProposal[];
  changedPolicies: string[];
  policyInForce?: YamlDocument;
  changedFiles?: string[];
  /** True when only some proposals are loaded: ids must then be compared with the rest. */
  partial: boolean;
  baseCommit?: string;
  /** See LoadResult.unreadFiles. */
  unread: string[];
}

async function selectProposalFiles(workspace: Workspace, options: LoadOptions): Promise<Selection> {
  if (options.files) {
    return { files: [...options.files], withdrawn: [], changedPolicies: [], partial: true, unread: [] };
  }
  if (options.paths && options.paths.length > 0 && options.since) {
    throw usageError(
      'give PATH arguments or --since, not both',
      'Use --since in CI, paths when checking files by hand.',
    );
  }
  if (options.paths && options.paths.length > 0) {
    return {
      files: await resolvePathArguments(workspace, options.paths),
      withdrawn: [],
      changedPolicies: [],
      partial: true,
      unread: [],
    };
  }
  if (!options.since) {
    const { proposals, unread } = await scanChangesFolder(workspace);
    return { files: proposals, withdrawn: [], changedPolicies: [], partial: false, unread };
  }
  if (!workspace.git) {
    throw usageError(
      `--since needs a git repository; ${workspace.root} is not one`,
      'Run inside the network repository clone.',
    );
  }
  const baseCommit = await workspace.git.resolveRef(options.since);
  // why: two git processes at once; neither needs the other's answer.
  const [changed, baseConfig] = await Promise.all([
    workspace.git.changedFiles(baseCommit),
    configAt(workspace, baseCommit),
  ]);
  const changesPrefix = folderPrefix(workspace.config.paths.changes);
  const isProposal = (file: string) => file.startsWith(changesPrefix) && isYamlFile(file);
  const matchesPolicy = policyFileMatcher([workspace.config, baseConfig]);
  // why: a shared base a policy extends from outside policies/ holds rules as much as the policy does.
  const extended = new Set(
    [workspace.inheritance?.windows, workspace.inheritance?.changeControl].flatMap(
      (resolved) => resolved?.localFiles ?? [],
    ),
  );
  const isPolicy = (file: string) => matchesPolicy(file) || extended.has(file);
  const files: string[] = [];
  const withdrawn: WithdrawnProposal[] = [];
  const changedPolicies: string[] = [];
  const changedFiles: string[] = [];
  const unread: string[] = [];
  const withdraw = async (file: string) => {
    const previous = await workspace.git?.fileAt(baseCommit, file);
    const id = previous?.match(ID_LINE)?.[1];
    withdrawn.push({ file, ...(id ? { id } : {}) });
  };
  for (const entry of changed) {
    // why: a rename moves the rules as much as an edit does; the old path counts as well as the new.
    const paths = entry.previousPath ? [entry.previousPath, entry.path] : [entry.path];
    changedFiles.push(...paths);
    changedPolicies.push(...paths.filter(isPolicy));
    if (
      entry.status !== 'deleted' &&
      entry.path.startsWith(changesPrefix) &&
      looksLikeProposalFile(path.posix.basename(entry.path))
    ) {
      unread.push(entry.path);
    }
    // why: a proposal moved out of the changes folder (or out of the root) is withdrawn as much as a
    // deleted one.
    const movedAway =
      entry.status === 'renamed' && entry.previousPath !== undefined && isProposal(entry.previousPath);
    if (movedAway && !isProposal(entry.path)) await withdraw(entry.previousPath as string);
    if (!isProposal(entry.path)) continue;
    if (entry.status === 'deleted') await withdraw(entry.path);
    else files.push(entry.path);
  }
  return {
    files: files.sort(),
    withdrawn,
    changedPolicies: [...new Set(changedPolicies)].sort(),
    changedFiles: [...new Set(changedFiles)].sort(),
    ...(changedPolicies.length > 0 ? await policyInForceAt(workspace, baseCommit, baseConfig) : {}),
    partial: true,
    baseCommit,
    unread: unread.sort(),
  };
}

/** CODEOWNERS decides who must review; GitHub reads it from any of these places. */
const CODEOWNERS_FILES = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];

/**
 * The files that hold the rules: netchange.yaml, CODEOWNERS, and the policy files named by each
 * configuration given (base and head) or by default. They are data: netchange reads them, never runs them.
 */
export function policyDataFiles(configs: readonly ResolvedConfig[]): Set<string> {
  return new Set<string>([
    CONFIG_FILE,
    ...CODEOWNERS_FILES,
    DEFAULT_PATHS.windows,
    DEFAULT_PATHS.changeControl,
    ...configs.flatMap((config) => [
      normalise(config.paths.windows),
      normalise(config.paths.changeControl),
      // why: drift ignore rules hide differences from both teams; changing them is a policy change.
      normalise(config.drift.policy),
    ]),
  ]);
}

/**
 * A change to netchange.yaml, CODEOWNERS, anything under policies/, or a policy file named by the
 * base's or the head's netchange.yaml (or by default) is a policy change.
 * why: both configurations count, so a pull request cannot move the policy out of sight by editing
 * the path that names it.
 */
export function policyFileMatcher(configs: readonly ResolvedConfig[]): (file: string) => boolean {
  const files = policyDataFiles(configs);
  return (file) => files.has(file) || file.startsWith('policies/') || WORK_TREE_CODEOWNERS.test(file);
}

/**
 * A CODEOWNERS past the root, as a changed path names it (`../.github/CODEOWNERS`). why: in a
 * monorepo GitHub reads CODEOWNERS only at the top of the repository, above netchange's root; one in
 * a folder between counts too, which costs a policy review at most.
 */
const WORK_TREE_CODEOWNERS = /^(\.\.\/)+(\.github\/|docs\/)?CODEOWNERS$/;

function normalise(relative: string): string {
  return path.posix.normalize(relative.split(path.sep).join('/')).replace(/^\.\//, '');
}

/** netchange.yaml as it was at `ref` (defaults when absent or unreadable there). */
export async function configAt(workspace: Workspace, ref: string): Promise<ResolvedConfig> {
  const text = await workspace.git?.fileAt(ref, CONFIG_FILE);
  if (text === undefined) return resolveConfig(undefined);
  const document = parseYaml(CONFIG_FILE, text);
  const valid = document.findings.length === 0 && !hasErrors(validateDocument(document, 'Config'));
  return resolveConfig(valid ? (document.value as NetchangeConfig) : undefined);
}

/**
 * Whether approvals on an older commit count for a pull request (`github.staleApprovals`): only when
 * both its own netchange.yaml and the one in force at `base` (candidates tried in order, the first
 * that resolves) say so. why: the setting judges the pull request that changes it, so the pull
 * request alone cannot turn it on; a base that cannot be read counts as not saying so.
 */
export async function staleApprovalsAllowed(
  workspace: Workspace,
  base: () => Promise<readonly string[]>,
): Promise<boolean> {
  if (workspace.config.github.staleApprovals !== true || !workspace.git) return false;
  try {
    for (const candidate of await base()) {
      const commit = await workspace.git.resolveRef(candidate).catch(() => undefined);
      if (commit) return (await configAt(workspace, commit)).github.staleApprovals === true;
    }
  } catch {
    // the base is unknown: as if it did not allow them
  }
  return false;
}

/**
 * The change-control policy in force at `ref` (the pull request's base), where that commit's
 * netchange.yaml puts it; undefined when the base has none.
 */
export async function loadPolicyInForce(
  workspace: Workspace,
  ref: string,
): Promise<YamlDocument | undefined> {
  return (await policyInForceAt(workspace, ref, await configAt(workspace, ref))).policyInForce;
}

async function policyInForceAt(
  workspace: Workspace,
  ref: string,
  config: ResolvedConfig,
): Promise<{ policyInForce?: YamlDocument }> {
  const file = normalise(config.paths.changeControl);
  const git = workspace.git;
  const text = await git?.fileAt(ref, file);
  if (text === undefined || !git) return {};
  const document = parseYaml(file, text);
  try {
    // why: the base's policy judges a policy change as it was in force, its extends included.
    const resolved = await resolvePolicyExtends(document, 'ChangeControlPolicy', {
      root: workspace.root,
      packsRoot: workspace.packsRoot ?? defaultPacksRoot(),
      maxBytes: workspace.config.limits.maxFileBytes,
      readAt: (relative) => git.fileAt(ref, relative),
    });
    return { policyInForce: resolved?.document ?? document };
  } catch {
    // why: a base whose chain no longer resolves is a broken policy in force; the stage says so.
    return { policyInForce: document };
  }
}

/** A proposal after its own checks, waiting for the run's host resolution. */
interface PendingProposal {
  loaded: LoadedProposal;
  references?: ReferenceResult;
  schedule?: ReturnType<typeof resolveSchedule>['schedule'];
}

function loadProposal(
  workspace: Workspace,
  file: string,
  resolver: HostResolver,
  checkPath: ReturnType<typeof createPathChecker>,
): PendingProposal {
  const document = readYamlDocument(workspace.root, file, workspace.config.limits.maxFileBytes);
  const loaded: LoadedProposal = { file, findings: [...document.findings], locate: document.positionOf };
  const scannedId = document.source.match(ID_LINE)?.[1];
  if (scannedId) loaded.scannedId = scannedId;
  const rawId = (document.value as { id?: unknown } | undefined)?.id;
  if (typeof rawId === 'string') loaded.id = rawId;
  if (document.findings.length > 0) return { loaded };

  const schemaFindings = validateDocument(document, 'ChangeProposal');
  loaded.findings.push(...schemaFindings);
  if (hasErrors(schemaFindings)) return { loaded };

  const proposal = document.value as ChangeProposal;
  loaded.proposal = proposal;
  const locate = document.positionOf;
  const schedule = resolveSchedule(proposal, locate, file, workspace.config.defaults.timezone);
  const references = checkReferences(workspace.root, file, proposal, locate, checkPath);
  resolver.want(
    [...references.inventories.keys()],
    references.hostSteps.map((step) => step.query),
  );
  loaded.findings.push(
    ...schedule.findings,
    ...references.findings,
    ...lintExtraVars(document),
    ...checkToolArguments(document, proposal),
  );
  return { loaded, references, ...(schedule.schedule ? { schedule: schedule.schedule } : {}) };
}

/** Adds the target findings (undeclared hosts, inventory problems) and builds the subject. */
function resolveTargets(workspace: Workspace, pending: PendingProposal, resolution: HostResolution): void {
  const { loaded, references, schedule } = pending;
  if (!references || !loaded.proposal || !loaded.locate) return;
  const targets = checkTargets(
    workspace.root,
    loaded.file,
    loaded.proposal,
    loaded.locate,
    references,
    resolution,
  );
  loaded.findings.push(...targets.findings);
  if (schedule) {
    loaded.subject = {
      file: loaded.file,
      proposal: loaded.proposal,
      locate: loaded.locate,
      ...schedule,
      inventoryGroups: targets.inventoryGroups,
      resolvedHosts: targets.resolvedHosts,
      resolvedSites: targets.resolvedSites,
    };
  }
}

/**
 * Duplicate ids are errors naming both files. With a partial selection (--since, paths), the other
 * proposals' ids are read with a cheap scan instead of a full parse.
 */
async function checkUniqueIds(
  workspace: Workspace,
  proposals: LoadedProposal[],
  partial: boolean,
  knownIds: LoadOptions['knownIds'],
): Promise<void> {
  const owners = new Map<string, string[]>();
  const note = (id: string, file: string) => owners.set(id, [...(owners.get(id) ?? []), file]);
  for (const loaded of proposals) if (loaded.id) note(loaded.id, loaded.file);
  if (partial) {
    const selected = new Set(proposals.map((loaded) => loaded.file));
    const others = (await listProposalFiles(workspace)).filter((file) => !selected.has(file));
    const known = await knownIds?.(others);
    for (const file of others) {
      const id = known?.has(file) ? known.get(file) : readId(path.join(workspace.root, file));
      if (id && owners.has(id)) note(id, file);
    }
  }
  for (const loaded of proposals) {
    if (!loaded.id || !loaded.proposal) continue;
    const files = owners.get(loaded.id) ?? [];
    const others = files.filter((file) => file !== loaded.file);
    if (others.length === 0) continue;
    loaded.findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: `id '${loaded.id}' is also used by ${others.join(', ')}`,
      hint: 'Give every proposal its own id; approvals and evidence records are keyed by it.',
      file: loaded.file,
      ...loaded.locate?.(['id']),
    });
  }
}

/** The id of a proposal file by a cheap scan of its text; undefined when unreadable. */
export function readId(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, 'utf8').match(ID_LINE)?.[1];
  } catch {
    return undefined;
  }
}
