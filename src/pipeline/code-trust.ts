/**
 * Code in a pull request runs only after it is trusted. A pull request can change what `plan` runs
 * (playbooks, roles, templates, plugins, ansible.cfg, a vault password script, inventories,
 * Terraform code, the programs netchange.yaml names); until a member of a `codeReviewers` team of
 * the policy in force approves the head commit, plan runs nothing of it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { hasErrors } from '../core/findings.js';
import type { Approval } from '../core/model.js';
import { validateDocument } from '../documents/schemas.js';
import { executorCommands } from '../executors/registry.js';
import { trustedMembers } from '../gate/stages/change-control/trusted-members.js';
import { secretEnvNamesOf } from '../redact/index.js';
import { configAt, loadPolicyInForce, policyDataFiles } from './load-proposals.js';
import {
  CONFIG_FILE,
  folderPrefix,
  isYamlFile,
  type ResolvedConfig,
  readYamlDocument,
  type Workspace,
} from './workspace.js';

/** What plan may run of a pull request. */
export interface CodeTrust {
  /** The base commit the pull request is compared with. */
  baseCommit: string;
  /** Changed files that can change what runs (everything but proposals, the policy files both configurations name, and plain `*.md`). */
  files: string[];
  /** Teams trusted with code by the policy in force. */
  reviewers: string[];
  /** Code reviewers who approved the head commit. */
  approvedBy: string[];
  /** True when no executable content changed, or a code reviewer approved the head commit. */
  trusted: boolean;
  /** Set when nobody can approve the code (the base has no usable change-control policy). */
  problem?: string;
  /**
   * The environment variables the base's netchange.yaml names as secrets. why: plan redacts them as
   * well as the pull request's own list, which could drop one to have its value shown in the diffs.
   */
  baseSecretEnv: string[];
}

export interface CodeTrustOptions {
  /** The pull request's base (`--since REF`, or the pull request's base branch). */
  base: string;
  approvals: readonly Approval[];
  /** The head commit being planned; approvals of another commit do not count. */
  commit?: string;
  /** GitHub team members resolved with the workspace's policy. */
  members?: Map<string, string[]>;
}

/**
 * Data, not code: proposal files under every one of `changesFolders` (the base's and the pull
 * request's), the policy files, netchange.yaml and CODEOWNERS (gated as policy changes), and Markdown
 * that holds no template syntax, each a file under the root. A symbolic link or a submodule
 * (`notFiles`) is code whatever its name: what it leads to is not in the diff. So is a change
 * outside the root (`../shared/…`), where a step can still reach. Everything else
 * a pull request changes may be loaded by some step (a role, a template, group_vars, a plugin,
 * ansible.cfg), so it is code. `isProposal` says whether a YAML file under the changes folder is
 * one: a playbook, a task list or a vars file put there (or a changes folder moved onto the
 * playbooks) is code like any other. `isTemplateFree` says whether a Markdown file is plain text
 * to Jinja: a trusted playbook may render a `.md` file as a template, and Jinja in it would then run.
 */
export function executableChanges(
  changed: readonly string[],
  options: {
    changesFolders: readonly string[];
    /** Changed paths that are symbolic links or submodules at HEAD. */
    notFiles?: ReadonlySet<string>;
    policyFiles: ReadonlySet<string>;
    isProposal: (file: string) => boolean;
    isTemplateFree: (file: string) => boolean;
  },
): string[] {
  const prefixes = options.changesFolders.map(folderPrefix);
  const isData = (file: string) =>
    !options.notFiles?.has(file) &&
    !file.startsWith('../') &&
    ((isYamlFile(file) && prefixes.every((prefix) => file.startsWith(prefix)) && options.isProposal(file)) ||
      options.policyFiles.has(file) ||
      (file.endsWith('.md') && options.isTemplateFree(file)));
  return [...new Set(changed.filter((file) => !isData(file)))].sort();
}

/**
 * Whether two configurations differ in what shapes a run: the programs of the executors
 * (`executors.ansiblePlaybook`, `ansibleInventory`, `terraform`), which a pull request could point at
 * another program, or the folder plan writes its run into (`paths.runs`), which it could point into
 * a folder Ansible reads as variables (`inventory/group_vars/all`), so a later step would load what
 * an earlier one wrote. Either changes what runs as much as an edited playbook.
 */
function runShapeDiffers(head: ResolvedConfig, base: ResolvedConfig): boolean {
  const shape = (config: ResolvedConfig) =>
    JSON.stringify([executorCommands(config.executors), path.posix.normalize(config.paths.runs)]);
  return shape(head) !== shape(base);
}

/**
 * The work tree's file for a path the diff says HEAD has; undefined when there is none by that name.
 * why: git names a file whose name is not UTF-8 with U+FFFD in its place here, which reads as
 * missing, or as another file that is named so: such a file is code, not data.
 */
function headPath(workspace: Workspace, file: string): string | undefined {
  const absolute = path.join(workspace.root, file);
  return file.includes('\uFFFD') || !existsSync(absolute) ? undefined : absolute;
}

/**
 * Whether the work tree's `file` is a change proposal by its schema (a file the pull request deleted
 * or renamed away, `removed`, runs nothing, so it counts as one). why the schema: a proposal is a mapping of known keys, so it
 * cannot also be a playbook or a task list, nor a vars file that sets Ansible's own variables.
 */
function isProposalFile(workspace: Workspace, file: string, removed: ReadonlySet<string>): boolean {
  if (removed.has(file)) return true;
  if (!headPath(workspace, file)) return false;
  const document = readYamlDocument(workspace.root, file, workspace.config.limits.maxFileBytes);
  return document.findings.length === 0 && !hasErrors(validateDocument(document, 'ChangeProposal'));
}

/**
 * Whether the work tree's `file` holds nothing Jinja would run: no `{{`, no `{%`, and no `#jinja2:`
 * header (which can choose other delimiters). A file the pull request deleted runs nothing; one
 * larger than the YAML limit is not read, and counts as code.
 */
function isTemplateFree(workspace: Workspace, file: string, removed: ReadonlySet<string>): boolean {
  if (removed.has(file)) return true;
  const absolute = headPath(workspace, file);
  if (!absolute) return false;
  const stats = statSync(absolute);
  if (!stats.isFile() || stats.size > workspace.config.limits.maxFileBytes) return false;
  const text = readFileSync(absolute, 'utf8');
  return !text.includes('{{') && !text.includes('{%') && !text.includes('#jinja2:');
}

/** Compares HEAD with the base and decides whether plan may run the pull request's code. */
export async function checkCodeTrust(workspace: Workspace, options: CodeTrustOptions): Promise<CodeTrust> {
  const git = workspace.git;
  if (!git) {
    throw usageError(
      `a pull request needs a git repository; ${workspace.root} is not one`,
      'Run inside the network repository clone.',
    );
  }
  const baseCommit = await git.resolveRef(options.base);
  const baseConfig = await configAt(workspace, baseCommit);
  const entries = await git.changedFiles(baseCommit);
  const changed = entries.flatMap((entry) =>
    entry.previousPath ? [entry.previousPath, entry.path] : [entry.path],
  );
  const removed = new Set(
    entries.flatMap((entry) =>
      entry.status === 'deleted'
        ? [entry.path]
        : entry.status === 'renamed'
          ? [entry.previousPath ?? '']
          : [],
    ),
  );
  const headPolicyFiles = policyDataFiles([workspace.config]);
  const files = executableChanges(changed, {
    notFiles: new Set(
      entries.flatMap((entry) =>
        entry.kind ? [entry.path, ...(entry.previousPath ? [entry.previousPath] : [])] : [],
      ),
    ),
    // why: data only where both configurations agree. A file that only the pull request's
    // netchange.yaml names as a policy (drift.policy: ansible.cfg) or puts in its changes folder
    // (paths.changes: inventory/group_vars) is whatever the pull request says it is. And a step may
    // name any file the pull request's configuration does not call data (load-proposals.ts), so a
    // base policy file the pull request stops naming could be its inventory.
    changesFolders: [workspace.config.paths.changes, baseConfig.paths.changes],
    policyFiles: new Set([...policyDataFiles([baseConfig])].filter((file) => headPolicyFiles.has(file))),
    isProposal: (file) => isProposalFile(workspace, file, removed),
    isTemplateFree: (file) => isTemplateFree(workspace, file, removed),
  });
  // why: netchange.yaml is policy data, except where it names the programs plan runs or its run folder.
  if (runShapeDiffers(workspace.config, baseConfig)) files.unshift(CONFIG_FILE);
  // why: with the webhooks' variables, so a pull request that drops a notify entry still hides its URL.
  const baseSecretEnv = secretEnvNamesOf(baseConfig);
  if (files.length === 0)
    return { baseCommit, files, reviewers: [], approvedBy: [], trusted: true, baseSecretEnv };

  const { compileChangeControlPolicy, evaluateCodeReview } = await import('../control/index.js');
  const inForceDocument = await loadPolicyInForce(workspace, baseCommit);
  const inForce = inForceDocument ? compileChangeControlPolicy(inForceDocument).policy : undefined;
  if (!inForce) {
    return {
      baseCommit,
      files,
      reviewers: [],
      approvedBy: [],
      trusted: false,
      problem: `the base (${baseCommit.slice(0, 12)}) has no valid change-control policy to name code reviewers`,
      baseSecretEnv,
    };
  }
  const head = workspace.changeControlDocument
    ? compileChangeControlPolicy(workspace.changeControlDocument).policy
    : undefined;
  const verdict = evaluateCodeReview(inForce, {
    approvals: options.approvals,
    ...(options.commit ? { commit: options.commit } : {}),
    ...(options.members ? { members: trustedMembers(inForce, head, options.members) } : {}),
  });
  return { baseCommit, files, ...verdict, baseSecretEnv };
}

/** The one-line reason plan gives when it holds a pull request's code back. */
export function describeHeldCode(trust: CodeTrust): string {
  const shown = trust.files.slice(0, 3).join(', ');
  const more = trust.files.length > 3 ? ` and ${trust.files.length - 3} more` : '';
  return `code changes in ${shown}${more} need a review before they run`;
}
