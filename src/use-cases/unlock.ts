/** `netchange unlock`: releases a device or stack lock a run left behind, on GitHub or locally. */

import { usageError } from '../core/errors.js';
import { createGitLockRefs } from '../locks/git-lock-refs.js';
import { isLockName, type Lease, type LockRefs, unlock } from '../locks/locks.js';
import { githubSettings } from '../pipeline/workspace.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface UnlockRequest {
  /** The lock's name (`device-sw-plant-a-01`) or full ref. */
  name: string;
  repo?: string;
  /** The lock in the local repository (an apply on this machine died), not the one on GitHub. */
  local: boolean;
}

export interface UnlockOutcome {
  released: boolean;
  /** Where the lock was: the repository's path, or `owner/name` on GitHub. */
  where: string;
  /** The lease the lock held, when it could be read. */
  lease?: Lease;
  /** The repository's zone (netchange.yaml `defaults.timezone`) to show the lease's times in. */
  timeZone?: string;
}

export async function releaseLock(request: UnlockRequest, context: UseCaseContext): Promise<UnlockOutcome> {
  if (!isLockName(request.name))
    throw usageError(
      `'${request.name}' is not a lock name: netchange names its locks with letters, digits, '.', '_' and '-', neither starting nor ending with '.' or '-', without '..' and not ending in .lock`,
      'Copy the name apply printed when it refused, e.g. device-sw-plant-a-01 or terraform-sdwan-prod.',
    );
  const workspace = await openRequestedWorkspace(request, context);
  let refs: LockRefs;
  let where: string;
  if (request.local) {
    refs = createGitLockRefs(workspace.root, context.clock);
    where = workspace.root;
  } else {
    const { connectGitHub } = await import('../github/publish.js');
    const { github } = await connectGitHub({ env: context.env, config: githubSettings(workspace) });
    refs = github;
    where = github.repository;
  }
  const timeZone = workspace.config.defaults.timezone;
  return { ...(await unlock(refs, request.name)), where, ...(timeZone ? { timeZone } : {}) };
}
