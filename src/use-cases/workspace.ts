import { openWorkspace, type Workspace } from '../pipeline/workspace.js';
import type { ProgressReporter } from '../runs/progress.js';

/**
 * The workspace a command names: `--repo DIR`, else the repository around the context's directory.
 * A run's progress lines then show times in the repository's zone (`defaults.timezone`).
 */
export async function openRequestedWorkspace(
  request: { repo?: string; requireGit?: boolean },
  context: { cwd: string; progress?: ProgressReporter },
): Promise<Workspace> {
  const workspace = await openWorkspace({
    cwd: context.cwd,
    ...(request.repo ? { repo: request.repo } : {}),
    ...(request.requireGit ? { requireGit: true } : {}),
  });
  context.progress?.showTimesIn?.(workspace.config.defaults.timezone);
  return workspace;
}
