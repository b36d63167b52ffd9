import type { Redactor } from '../../redact/index.js';
import type { PlanDocument } from '../../runs/plan-document.js';

/** What `netchange plan` prints: the plan document and what the terminal view points at. */
export interface PlanOutput {
  /** The plan as planProposals (or the held plan) made it. */
  plan: PlanDocument;
  /** The run directory relative to the working directory (`.` when it is the same). */
  runDirectory: string;
  /** Colour the text view (a terminal without NO_COLOR). */
  color: boolean;
  /**
   * The proposal files not planned because they are invalid (their errors are on stderr). why: each
   * fails the plan, so the summary counts them; otherwise it read "2 planned, 0 failed" with exit 1.
   */
  notPlanned?: readonly string[];
  /** `--github`: a held plan waits for the reviews, so its text does not suggest `--approvals`. */
  github: boolean;
  /**
   * The run's redactor; a plan that ran holds tool output, so its rendering goes through it once more.
   * why: a second pass over already-redacted steps: it catches, in an earlier step's output, a secret
   * that a later step taught the redactor (a Terraform sensitive value).
   */
  redactor: Pick<Redactor, 'redactText' | 'redactValue'>;
}
