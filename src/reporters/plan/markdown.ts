import { heldPlanMarkdown } from '../../github/compose-report.js';
import { renderPlanMarkdown } from '../../runs/render-plan.js';
import type { PlanOutput } from './output.js';

/** `plan --format markdown`: plan.md (the pull request comment's plan), ending in a newline. */
export function renderPlanOutputMarkdown({ plan, runDirectory, redactor }: PlanOutput): string {
  if (plan.held) return heldPlanMarkdown(plan.held);
  const markdown = renderPlanMarkdown(plan, { artifacts: runDirectory });
  return redactor.redactText(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}
