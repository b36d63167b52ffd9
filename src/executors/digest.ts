/**
 * Plan digests: what a reviewer approved, reduced to a sha256 that apply recomputes. Only the
 * planned changes count (never timings, logs or absolute paths), after redaction, with object keys
 * sorted, so the same plan on another machine or checkout gives the same digest.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';
import type { AnsibleRun, FileDiff, TerraformRun } from './types.js';

/** The changes an Ansible run would make: changed tasks and items with their diffs, per host. */
export function ansibleDigest(run: AnsibleRun): string {
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
  return sha256(canonicalJson({ kind: 'ansible', hosts: hosts.filter((host) => host.changes.length > 0) }));
}

/**
 * Paths of temporary files and directories, which differ on every run: Ansible's local temp
 * (`~/.ansible/tmp/ansible-local-<id>/tmp<id>`), its remote temp (`ansible-tmp-<time>-<pid>-<n>`) and
 * netchange's own (`<tmp>/netchange-run-<pid>-<id>/<purpose>-<id>`), each anywhere in a path.
 */
const TEMPORARY_PATHS: readonly [RegExp, string][] = [
  [/(?:\/[^\s'"/]+)*\/ansible-local-[A-Za-z0-9_]+\/tmp[A-Za-z0-9_]+/g, '<ansible-temp>'],
  [/(?:\/[^\s'"/]+)*\/ansible-tmp-[0-9.]+-[0-9]+-[0-9]+/g, '<ansible-temp>'],
  [/(?:\/[^\s'"/]+)*\/netchange-run-[0-9]+-[A-Za-z0-9]+(?:\/[a-z]+-[A-Za-z0-9]+)?/g, '<netchange-temp>'],
];

/** Replaces temporary paths (see TEMPORARY_PATHS) in a text by a fixed placeholder. */
export function withoutTemporaryPaths(text: string): string {
  let stable = text;
  for (const [pattern, placeholder] of TEMPORARY_PATHS) stable = stable.replace(pattern, placeholder);
  return stable;
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

/** The changes a Terraform plan would make: resources and outputs (sensitive values masked). */
export function terraformDigest(run: TerraformRun): string {
  return sha256(canonicalJson({ kind: 'terraform', resources: run.resources, outputs: run.outputs }));
}

/** A proposal's digest: its steps' digests in order. */
export function proposalDigest(stepDigests: readonly string[]): string {
  return sha256(canonicalJson({ kind: 'proposal', steps: stepDigests }));
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
