import type { Approval, ValidationReport } from '../core/model.js';
import { compilePolicies } from './policies.js';
import { validateWorkspace } from './validate.js';
import { openWorkspace } from './workspace.js';

export interface RunValidateOptions {
  cwd: string;
  repo?: string;
  paths?: readonly string[];
  since?: string;
  at: Date;
  approvalsFile?: string;
  approvals?: Approval[];
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
  const approvals = options.approvals ?? [];
  return validateWorkspace(
    workspace,
    {
      at: options.at,
      version: options.version,
      approvals,
      ...(options.paths ? { paths: options.paths } : {}),
      ...(options.since ? { since: options.since } : {}),
      ...(options.commit ? { commit: options.commit } : {}),
      ...(options.members ? { members: options.members } : {}),
      requireApprovals: options.requireApprovals === true,
    },
    compilePolicies,
  );
}
