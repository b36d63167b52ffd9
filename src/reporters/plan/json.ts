import { jsonDocument } from '../reporter.js';
import type { PlanOutput } from './output.js';

/** `plan --format json`: plan.json as written to the run directory, redacted once more. */
export function renderPlanOutputJson({ plan, redactor }: PlanOutput): string {
  // why: a held plan ran nothing, so it holds no tool output to redact.
  if (plan.held) return jsonDocument(plan);
  return redactor.redactText(jsonDocument(redactor.redactValue(plan)));
}
