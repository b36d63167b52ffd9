import type { Redactor } from '../../redact/index.js';
import type { ApplyResult } from '../../runs/apply-proposal.js';

/** What `netchange apply` prints: the result and where its records went. */
export interface ApplyOutput {
  /** result.json's content. */
  result: ApplyResult;
  /** result.json's path relative to the working directory, as printed. */
  resultFile: string;
  /** The run directory relative to the working directory, as printed (backups are under it). */
  runDirectory: string;
  /** The evidence record this apply wrote; absent when it could not be written. */
  evidence?: { sequence: number };
  /** Where the result was recorded on the pull request (`--pr`), when it was. */
  postedTo?: string;
  /** The run's redactor: the result holds tool output and messages. */
  redactor: Pick<Redactor, 'redactText' | 'redactValue'>;
}
