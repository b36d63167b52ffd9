import { openWorkspace, type Workspace } from '../pipeline/workspace.js';

/** The workspace a command names: `--repo DIR`, else the repository around the context's directory. */
export function openRequestedWorkspace(
  request: { repo?: string },
  context: { cwd: string },
): Promise<Workspace> {
  return openWorkspace({ cwd: context.cwd, ...(request.repo ? { repo: request.repo } : {}) });
}
