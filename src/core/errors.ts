/**
 * One error family for failures (not for bad input, which is data: see findings.ts).
 * Only src/cli catches these; it prints `message` and `hint` and maps `code` to the exit code.
 */

export type ErrorCode =
  /** Bad command line: unknown flag, missing argument, conflicting options. */
  | 'E_USAGE'
  /** Invalid configuration or policy file; findings carry the positions. */
  | 'E_CONFIG'
  /** A git operation failed (unknown ref, not a repository). */
  | 'E_GIT'
  /** ansible-playbook or terraform could not run or failed outside the change itself. */
  | 'E_EXECUTOR'
  /** A GitHub request failed after retries. */
  | 'E_GITHUB'
  /** A chat webhook post (Slack, Teams) failed after retries, or was refused. */
  | 'E_NOTIFY'
  /** Alertmanager could not be asked (unreachable, timed out, refused) after retries. */
  | 'E_ALERTS'
  /** The run was cancelled (Ctrl-C). */
  | 'E_CANCELLED'
  /** A gate refused: apply without approvals, outside a window, a changed plan, a held lock. */
  | 'E_GATE';

export interface NetchangeErrorOptions {
  /** What the user can do about it. */
  hint?: string;
  /** Findings behind the error, e.g. the positions of a policy's mistakes. */
  findings?: import('./findings.js').Finding[];
  cause?: unknown;
}

export class NetchangeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly findings: import('./findings.js').Finding[];

  constructor(code: ErrorCode, message: string, options: NetchangeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NetchangeError';
    this.code = code;
    this.hint = options.hint;
    this.findings = options.findings ?? [];
  }
}

export function usageError(message: string, hint?: string): NetchangeError {
  return new NetchangeError('E_USAGE', message, { hint });
}

export function configError(message: string, options: NetchangeErrorOptions = {}): NetchangeError {
  return new NetchangeError('E_CONFIG', message, options);
}
