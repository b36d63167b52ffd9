import { readFileSync } from 'node:fs';
import path from 'node:path';
import pLimit from 'p-limit';
import { usageError } from '../core/errors.js';
import { type Finding, hasErrors } from '../core/findings.js';
import type { ChangeProposal, ChangeSubject, Locate, WithdrawnProposal } from '../core/model.js';
import { validateDocument } from '../documents/schemas.js';
import { createInventoryResolver, type InventoryResolver } from '../proposals/inventory.js';
import { lintExtraVars } from '../proposals/lint.js';
import { checkReferences, createPathChecker } from '../proposals/references.js';
import { resolveSchedule } from '../proposals/schedule.js';
import { checkToolArguments } from '../proposals/tool-arguments.js';
import {
  isYamlFile,
  listProposalFiles,
  readYamlDocument,
  resolvePathArguments,
  type Workspace,
} from './workspace.js';

/** One proposal file after loading: its findings so far and, when it is usable, its subject. */
export interface LoadedProposal {
  file: string;
  /** The id, when the file is readable enough to have one. */
  id?: string;
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
}

export interface LoadResult {
  proposals: LoadedProposal[];
  /** Proposals deleted between --since and HEAD. */
  withdrawn: WithdrawnProposal[];
  /** Policy files changed between --since and HEAD (a change to the rules is itself a change). */
  changedPolicies: string[];
  /** The base commit of --since, resolved. */
  baseCommit?: string;
  /** Every host of the inventories the loaded proposals use (for policy lint). */
  inventoryHosts: string[];
  /** True when every proposal of the repository was loaded (no PATH, no --since). */
  complete: boolean;
}

const ID_LINE = /^id:\s*["']?([^"'\s#]+)/m;

// why: enough parallel reads to hide file-system latency without opening thousands of descriptors.
const READ_CONCURRENCY = 64;

/**
 * Discovers, reads, parses and checks proposals: schema, schedule, references, lint and unique ids.
 * Never throws for bad proposals (they carry findings); throws for bad arguments (exit 2).
 */
export async function loadProposals(workspace: Workspace, options: LoadOptions = {}): Promise<LoadResult> {
  const selection = await selectProposalFiles(workspace, options);
  const inventoryHosts = new Set<string>();
  const resolveAnyInventory = createInventoryResolver(
    workspace.config.executors.ansibleInventory,
    path.join(workspace.root, workspace.config.paths.cache),
  );
  const resolveInventory: InventoryResolver = async (absolutePath) => {
    const inventory = await resolveAnyInventory(absolutePath);
    for (const host of inventory.hostGroups.keys()) inventoryHosts.add(host);
    return inventory;
  };
  const checkPath = createPathChecker(workspace.root);
  const limit = pLimit(READ_CONCURRENCY);
  const blobs = workspace.git
    ? workspace.git.blobShas(selection.files)
    : Promise.resolve(new Map<string, string>());
  const proposals = await Promise.all(
    selection.files.map((file) => limit(() => loadProposal(workspace, file, resolveInventory, checkPath))),
  );
  const blobShas = await blobs;
  for (const loaded of proposals) {
    const blob = blobShas.get(loaded.file);
    if (blob && loaded.subject) loaded.subject.blob = blob;
  }
  await checkUniqueIds(workspace, proposals, selection.partial);
  return {
    proposals,
    withdrawn: selection.withdrawn,
    changedPolicies: selection.changedPolicies,
    inventoryHosts: [...inventoryHosts].sort(),
    complete: !selection.partial,
    ...(selection.baseCommit ? { baseCommit: selection.baseCommit } : {}),
  };
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
  /** True when only some proposals are loaded: ids must then be compared with the rest. */
  partial: boolean;
  baseCommit?: string;
}

async function selectProposalFiles(workspace: Workspace, options: LoadOptions): Promise<Selection> {
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
    };
  }
  if (!options.since) {
    return { files: await listProposalFiles(workspace), withdrawn: [], changedPolicies: [], partial: false };
  }
  if (!workspace.git) {
    throw usageError(
      `--since needs a git repository; ${workspace.root} is not one`,
      'Run inside the network repository clone.',
    );
  }
  const baseCommit = await workspace.git.resolveRef(options.since);
  const changed = await workspace.git.changedFiles(baseCommit);
  const changesPrefix = `${workspace.config.paths.changes.replace(/\/$/, '')}/`;
  const isProposal = (file: string) => file.startsWith(changesPrefix) && isYamlFile(file);
  const policyFiles = new Set([workspace.config.paths.windows, workspace.config.paths.changeControl]);
  const files: string[] = [];
  const withdrawn: WithdrawnProposal[] = [];
  const changedPolicies: string[] = [];
  for (const entry of changed) {
    if (policyFiles.has(entry.path) || entry.path.startsWith('policies/')) changedPolicies.push(entry.path);
    if (!isProposal(entry.path)) continue;
    if (entry.status === 'deleted') {
      const previous = await workspace.git.fileAt(baseCommit, entry.path);
      const id = previous?.match(ID_LINE)?.[1];
      withdrawn.push({ file: entry.path, ...(id ? { id } : {}) });
    } else {
      files.push(entry.path);
    }
  }
  return {
    files: files.sort(),
    withdrawn,
    changedPolicies: [...new Set(changedPolicies)].sort(),
    partial: true,
    baseCommit,
  };
}

async function loadProposal(
  workspace: Workspace,
  file: string,
  resolveInventory: InventoryResolver,
  checkPath: ReturnType<typeof createPathChecker>,
): Promise<LoadedProposal> {
  const document = await readYamlDocument(workspace.root, file, workspace.config.limits.maxFileBytes);
  const loaded: LoadedProposal = { file, findings: [...document.findings], locate: document.positionOf };
  const rawId = (document.value as { id?: unknown } | undefined)?.id;
  if (typeof rawId === 'string') loaded.id = rawId;
  if (document.findings.length > 0) return loaded;

  const schemaFindings = validateDocument(document, 'ChangeProposal');
  loaded.findings.push(...schemaFindings);
  if (hasErrors(schemaFindings)) return loaded;

  const proposal = document.value as ChangeProposal;
  loaded.proposal = proposal;
  const locate = document.positionOf;
  const schedule = resolveSchedule(proposal, locate, file, workspace.config.defaults.timezone);
  const references = await checkReferences(
    workspace.root,
    file,
    proposal,
    locate,
    resolveInventory,
    checkPath,
  );
  loaded.findings.push(
    ...schedule.findings,
    ...references.findings,
    ...lintExtraVars(document),
    ...checkToolArguments(document, proposal),
  );
  if (schedule.schedule) {
    loaded.subject = {
      file,
      proposal,
      locate,
      ...schedule.schedule,
      inventoryGroups: references.inventoryGroups,
    };
  }
  return loaded;
}

/**
 * Duplicate ids are errors naming both files. With a partial selection (--since, paths), the other
 * proposals' ids are read with a cheap scan instead of a full parse.
 */
async function checkUniqueIds(
  workspace: Workspace,
  proposals: LoadedProposal[],
  partial: boolean,
): Promise<void> {
  const owners = new Map<string, string[]>();
  const note = (id: string, file: string) => owners.set(id, [...(owners.get(id) ?? []), file]);
  for (const loaded of proposals) if (loaded.id) note(loaded.id, loaded.file);
  if (partial) {
    const selected = new Set(proposals.map((loaded) => loaded.file));
    const others = (await listProposalFiles(workspace)).filter((file) => !selected.has(file));
    for (const file of others) {
      const id = readId(path.join(workspace.root, file));
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
function readId(absolutePath: string): string | undefined {
  try {
    return readFileSync(absolutePath, 'utf8').match(ID_LINE)?.[1];
  } catch {
    return undefined;
  }
}
