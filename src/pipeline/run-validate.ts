import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError, usageError } from '../core/errors.js';
import { hasErrors } from '../core/findings.js';
import type { Approval, ValidationReport } from '../core/model.js';
import { validateWorkspace } from './validate.js';
import { openWorkspace, type Workspace } from './workspace.js';

export interface RunValidateOptions {
  cwd: string;
  repo?: string;
  paths?: readonly string[];
  since?: string;
  at: Date;
  /** `--approvals FILE`, relative to `cwd`. */
  approvalsFile?: string;
  /** Approvals from elsewhere (pull-request reviews); added to the file's. */
  approvals?: Approval[];
  /** The commit being evaluated; default: HEAD of the repository. */
  commit?: string;
  requireApprovals?: boolean;
  members?: Map<string, string[]>;
  version: string;
}

/** `netchange validate` from options to report: the whole pipeline on one screen. */
export async function runValidate(options: RunValidateOptions): Promise<ValidationReport> {
  const workspace = await openWorkspace({
    cwd: options.cwd,
    ...(options.repo ? { repo: options.repo } : {}),
  });
  const approvals = [
    ...(options.approvals ?? []),
    ...(options.approvalsFile ? await readApprovals(options.cwd, options.approvalsFile) : []),
  ];
  const commit = options.commit ?? (await headCommit(workspace));
  return validateWorkspace(workspace, {
    at: options.at,
    version: options.version,
    approvals,
    ...(options.paths ? { paths: options.paths } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(commit ? { commit } : {}),
    ...(options.members ? { members: options.members } : {}),
    requireApprovals: options.requireApprovals === true,
  });
}

/** Reads `--approvals FILE`; a malformed file is a usage error naming its lines (exit 2). */
export async function readApprovals(cwd: string, file: string): Promise<Approval[]> {
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch {
    throw usageError(
      `--approvals ${file} cannot be read`,
      'Name a YAML or JSON file listing approvals: [{user, commit?, at?}].',
    );
  }
  const { loadApprovals } = await import('../control/index.js');
  const loaded = loadApprovals(text, file);
  if (hasErrors(loaded.findings))
    throw configError(`--approvals ${file} is invalid`, { findings: loaded.findings });
  return loaded.approvals;
}

// why: "an approval recorded for another commit does not count when the commit is known" — HEAD is known.
async function headCommit(workspace: Workspace): Promise<string | undefined> {
  try {
    return await workspace.git?.resolveRef('HEAD');
  } catch {
    return undefined;
  }
}
