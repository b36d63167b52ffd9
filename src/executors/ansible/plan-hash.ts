/** An Ansible step's part of the plan digest (see ../digest.ts for what a digest covers). */
import { hashOf, withoutTemporaryPaths } from '../plan-hash.js';
import type { AnsibleRun, FileDiff } from './types.js';

/** The changes an Ansible run would make: changed tasks and items with their diffs, per host. */
export function ansiblePlanHash(run: AnsibleRun): string {
  const hosts = run.hosts.map((host) => ({
    host: host.host,
    changes: host.tasks
      .filter((task) => task.status === 'changed')
      .map((task) => ({
        task: task.task,
        hidden: task.hidden,
        diffs: stableDiffs(task.diffs),
        items: (task.items ?? [])
          .filter((item) => item.status === 'changed')
          .map((item) => ({ label: item.label, hidden: item.hidden, diffs: stableDiffs(item.diffs) })),
      })),
  }));
  return hashOf({ kind: 'ansible', hosts: hosts.filter((host) => host.changes.length > 0) });
}

/** Diffs with temporary paths replaced, so two runs of the same commit compare equal. */
function stableDiffs(diffs: readonly FileDiff[]): unknown[] {
  return diffs.map((diff) =>
    Object.fromEntries(
      Object.entries(diff).map(([key, value]) => [
        key,
        typeof value === 'string' ? withoutTemporaryPaths(value) : value,
      ]),
    ),
  );
}
