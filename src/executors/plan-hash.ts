/**
 * Plan digests: what a reviewer approved, reduced to a sha256 that apply recomputes. Only the
 * planned changes count (never timings, logs or absolute paths), after redaction, with object keys
 * sorted, so the same plan on another machine or checkout gives the same digest.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json.js';

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

/** A proposal's digest: its steps' digests in order. */
export function planHash(stepPlanHashes: readonly string[]): string {
  return hashOf({ kind: 'proposal', steps: stepPlanHashes });
}

/** The digest of a value: sha256 of its canonical JSON, as `sha256:<hex>`. */
export function hashOf(value: unknown): string {
  return sha256(canonicalJson(value));
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}
