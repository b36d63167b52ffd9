import { renderPlanText } from '../../runs/render-plan.js';
import type { PlanOutput } from './output.js';

/** `plan --format text`: one block per proposal with its diffs, or why a held plan ran nothing. */
export function renderPlanOutputText({
  plan,
  runDirectory,
  color,
  github,
  redactor,
  notPlanned = [],
}: PlanOutput): string {
  const held = plan.held;
  if (held) {
    const who = held.reviewers.length > 0 ? `a member of ${held.reviewers.join(', ')}` : 'a code reviewer';
    const shard = plan.shard ? `shard ${plan.shard.index}/${plan.shard.count}: ` : '';
    return `${shard}plan held: ${held.reason}\nnetchange ran no step. Changed files that can change what runs:\n${held.files.map((file) => `  ${file}`).join('\n')}\nWhen ${who} approves ${plan.commit ? plan.commit.slice(0, 12) : 'the head commit'}, plan runs${github ? '' : ' (pass their approval with --approvals FILE)'}.\n`;
  }
  return redactor.redactText(renderPlanText(plan, { color, runDirectory, notPlanned: notPlanned.length }));
}
