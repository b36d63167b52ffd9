import type { ErrorCode } from '../core/errors.js';

/** Exit codes: a stable contract scripts and CI depend on (DESIGN.md, README). */
export const EXIT = {
  /** Every proposal passed. */
  passed: 0,
  /** A proposal failed or a gate refused. */
  failed: 1,
  /** Usage or configuration error, including invalid policy files. */
  usage: 2,
  /** An external step failed: git, ansible, terraform, GitHub. */
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
      return EXIT.external;
    case 'E_CANCELLED':
      return EXIT.cancelled;
  }
}
