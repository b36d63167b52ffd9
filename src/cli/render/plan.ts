import path from 'node:path';
import pc from 'picocolors';
import { renderPlanText } from '../../runs/index.js';
import { type PlanRun, planMarkdown } from '../../use-cases/plan.js';

/** What `plan` prints: the plan in the chosen format, and on stderr the proposals it could not plan. */
export function renderPlanRun(
  run: PlanRun,
  options: { format: 'text' | 'json' | 'markdown'; cwd: string; github: boolean; color: boolean },
): { stdout: string; stderr: string } {
  const relative = path.relative(options.cwd, run.runDirectory) || '.';
  const stderr = run.notPlanned
    .map((finding) => {
      const where = [finding.file, finding.line, finding.column]
        .filter((part) => part !== undefined)
        .join(':');
      return `${pc.red('error')} ${where} ${run.redactor.redactText(finding.message)} (not planned)\n`;
    })
    .join('');
  const { plan } = run;
  if (options.format === 'json')
    return { stdout: `${JSON.stringify(run.redactor.redactValue(plan), null, 2)}\n`, stderr };
  if (options.format === 'markdown') {
    const markdown = planMarkdown(plan, relative);
    return { stdout: markdown.endsWith('\n') ? markdown : `${markdown}\n`, stderr };
  }
  if (plan.held) {
    const held = plan.held;
    const who = held.reviewers.length > 0 ? `a member of ${held.reviewers.join(', ')}` : 'a code reviewer';
    return {
      stdout: `plan held: ${held.reason}\nnetchange ran no step. Changed files that can change what runs:\n${held.files.map((file) => `  ${file}`).join('\n')}\nWhen ${who} approves ${run.commit ? run.commit.slice(0, 12) : 'the head commit'}, plan runs${options.github ? '' : ' (pass their approval with --approvals FILE)'}.\n`,
      stderr,
    };
  }
  return { stdout: renderPlanText(plan, { color: options.color, runDirectory: relative }), stderr };
}
