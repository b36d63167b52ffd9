import { resolveInsideRepository } from '../documents/read-file.js';
import type { Redactor } from '../redact/index.js';
import type { StepResult } from './types.js';

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
  /** Commands to run (executors.ansiblePlaybook, executors.terraform, executors.ansibleInventory). */
  commands: { ansiblePlaybook: string; terraform: string; ansibleInventory?: string };
  /** Extra environment for the tools. */
  env?: Record<string, string | undefined>;
  /**
   * For Terraform apply: the digest the reviewed plan had. When the fresh plan's digest differs the
   * saved plan is not applied.
   */
  expectedDigest?: string;
}

/** What an executor returns; the runner adds phase, index, name, digest and the log file. */
export interface StepRun
  extends Pick<
    StepResult,
    | 'status'
    | 'changed'
    | 'message'
    | 'hint'
    | 'exitCode'
    | 'argv'
    | 'startedAt'
    | 'durationMs'
    | 'ansible'
    | 'terraform'
  > {
  /** The step's full log (commands, stderr, stdout), already redacted. */
  logText: string;
}

/** Resolves a step's repository-relative path; a path outside the repository is a failed step. */
export async function resolveStepPath(
  repoRoot: string,
  relative: string,
  what: string,
): Promise<{ ok: true; absolutePath: string } | { ok: false; run: Omit<StepRun, 'startedAt'> }> {
  const resolved = await resolveInsideRepository(repoRoot, relative, { file: relative });
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
