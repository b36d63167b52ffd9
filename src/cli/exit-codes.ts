import type { ErrorCode } from '../core/errors.js';
import type { ApplyOutcome, PlanStatus } from '../runs/index.js';

/** Exit codes: a stable contract scripts and CI depend on (DESIGN.md, README). */
export const EXIT = {
  /** Every proposal passed. */
  passed: 0,
  /** A proposal failed or a gate refused. */
  failed: 1,
  /** Usage or configuration error, including invalid policy files. */
  usage: 2,
  /** An external step failed: git, ansible, terraform, GitHub, a chat webhook. */
  external: 3,
  /** Cancelled by the user (Ctrl-C): 128 + SIGINT, as shells report it. */
  cancelled: 130,
  /** A bug in netchange. */
  internal: 70,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'E_USAGE':
    case 'E_CONFIG':
      return EXIT.usage;
    case 'E_GATE':
      return EXIT.failed;
    case 'E_GIT':
    case 'E_EXECUTOR':
    case 'E_GITHUB':
    case 'E_NOTIFY':
    case 'E_ALERTS':
      return EXIT.external;
    case 'E_CANCELLED':
      return EXIT.cancelled;
  }
}

/** `plan`: 0 planned, 1 a change failed, 3 a tool failed, 130 cancelled (DESIGN.md). */
export function planExitCode(status: PlanStatus): number {
  switch (status) {
    case 'planned':
      return EXIT.passed;
    case 'failed':
    case 'held':
      return EXIT.failed;
    case 'error':
      return EXIT.external;
    case 'cancelled':
      return EXIT.cancelled;
  }
}

/** `apply`: 0 applied, 3 a tool failed, 130 cancelled, 1 anything else (refused, failed, rolled back). */
export function applyExitCode(outcome: ApplyOutcome): number {
  switch (outcome) {
    case 'applied':
      return EXIT.passed;
    case 'error':
      return EXIT.external;
    case 'cancelled':
      return EXIT.cancelled;
    default:
      return EXIT.failed;
  }
}
