import { systemClock } from '../core/system-clock.js';
import { resolveInsideRepository } from '../documents/read-file.js';
import type { Redactor } from '../redact/index.js';
import type { RefusedRun } from './step-result.js';

/** One inventory host as a check run reported it: its groups (transitive) and the variables asked for. */
export interface InventoryHostFacts {
  /** Groups the host belongs to, directly or through parents, sorted; without `all` and `ungrouped`. */
  groups: string[];
  /** The asked-for variables the host has (host and group vars merged, as Ansible merges them). */
  variables: Record<string, unknown>;
}

/** What every executor needs to run one step. */
export interface StepContext {
  /** Absolute repository root; step paths are relative to it and must stay inside it. */
  repoRoot: string;
  mode: 'check' | 'apply';
  redactor: Redactor;
  /** Per-step time limit (executors.stepTimeout). */
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL (executors.killGrace). */
  killGraceMs: number;
  /** Cancels the step (Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Commands to run, by their netchange.yaml key (executors.ansiblePlaybook, executors.terraform...);
   * one not given is its executor's default.
   */
  commands: Readonly<Record<string, string | undefined>>;
  /** Extra environment for the tools. */
  env?: Record<string, string | undefined>;
  /**
   * For Terraform apply: the digest the reviewed plan had. When the fresh plan's digest differs the
   * saved plan is not applied.
   */
  expectedDigest?: string;
  /**
   * Lines of context around each change in Ansible's unified diffs (default 3). Drift asks for the
   * whole file, so an ignore rule can see the section a changed line belongs to.
   */
  diffContext?: number;
  /** Terraform check mode only: `plan -refresh-only`, what changed outside Terraform (drift). */
  terraformRefreshOnly?: boolean;
  /**
   * Ansible check mode only: receives each inventory host's groups and the values of `variables`
   * from the inventory the run itself reported (callback.ts), so a caller that needs them (drift
   * naming a device's domain) starts no `ansible-inventory --list` of its own. Not called when the
   * run reported no inventory (it ended before its first play, or a value could not be shown).
   */
  inventoryFacts?: {
    variables: readonly string[];
    receive(hosts: ReadonlyMap<string, InventoryHostFacts>): void;
  };
  /**
   * The clock steps are timed by (`startedAt`). The CLI passes the system clock; callers that pass
   * none (tests, scripts) get the system clock too, read in `clockOf` only.
   */
  now?: () => Date;
}

/**
 * The context's clock.
 * why: the system clock (through its one adapter) only when the caller gave none; elapsed times
 * and timeouts use performance.now(), which no wall-clock jump (or faketime) moves.
 */
export function clockOf(context: Pick<StepContext, 'now'>): () => Date {
  return context.now ?? (() => systemClock.now());
}

/** The command an executor runs for `name`: the context's, else the executor's default. */
export function commandOf<Name extends string>(
  context: Pick<StepContext, 'commands'>,
  defaults: Readonly<Record<Name, string>>,
  name: Name,
): string {
  return context.commands[name] ?? defaults[name];
}

/** Resolves a step's repository-relative path; a path outside the repository is a failed step. */
export async function resolveStepPath(
  repoRoot: string,
  relative: string,
  what: string,
): Promise<{ ok: true; absolutePath: string } | { ok: false; run: RefusedRun }> {
  const resolved = resolveInsideRepository(repoRoot, relative, { file: relative });
  if (resolved.ok) return resolved;
  return {
    ok: false,
    run: {
      status: 'failed',
      changed: false,
      message: `${what} ${resolved.finding.message}`,
      ...(resolved.finding.hint ? { hint: resolved.finding.hint } : {}),
      durationMs: 0,
      logText: '',
    },
  };
}
