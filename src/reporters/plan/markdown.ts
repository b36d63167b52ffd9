import { escapeMarkdown } from '../../executors/markdown.js';
import { executorOfResult } from '../../executors/registry.js';
import type { HeldPlan, ProposalPlan } from '../../runs/plan-document.js';
import { renderPlanMarkdown, stepSummary } from '../../runs/render-plan.js';
import type { PlanOutput } from './output.js';

/** `plan --format markdown`: plan.md (the pull request comment's plan), ending in a newline. */
export function renderPlanOutputMarkdown({ plan, runDirectory, redactor }: PlanOutput): string {
  if (plan.held) return heldPlanMarkdown(plan.held);
  const markdown = renderPlanMarkdown(plan, { artifacts: runDirectory });
  return redactor.redactText(markdown.endsWith('\n') ? markdown : `${markdown}\n`);
}

/**
 * One proposal's plan as its details block in the pull-request comment shows it: status, digest,
 * then each step's summary and changes. `details: false` drops the per-device diffs (the comment
 * would not fit). No status icons: in the comment ✅ means a ready proposal and nothing else.
 */
export function renderProposalPlanSection(proposal: ProposalPlan, options: { details: boolean }): string {
  const lines = [
    `**Plan** · ${proposal.status}${proposal.changed ? ' · changes' : ' · no changes'} · digest \`${proposal.digest}\``,
    '',
  ];
  for (const step of proposal.steps) {
    lines.push(
      `##### ${step.index + 1}. ${escapeMarkdown(step.name)} (${step.kind}) — ${stepSummary(step)}`,
      '',
    );
    if (step.message)
      lines.push(
        `> ${escapeMarkdown(step.message)}${step.hint ? `<br>${escapeMarkdown(step.hint)}` : ''}`,
        '',
      );
    lines.push(...executorOfResult(step).markdown(step, options.details));
  }
  return lines.join('\n').trim();
}

/**
 * The plan section of a held plan: why nothing ran, the changed files, and who may approve them.
 * Carries a marker, so a later re-evaluation (a review arrived) still knows the plan was held.
 */
export function heldPlanMarkdown(held: HeldPlan): string {
  const teams = held.reviewers.length > 0 ? held.reviewers.join(', ') : 'a code reviewer';
  return [
    `<!-- netchange:held ${held.reason.replace(/--/g, '—')} -->`,
    '## netchange plan: waiting for a code review',
    '',
    `> **${capitalise(held.reason)}.** This pull request changes files that can change what runs, so netchange ran no step. When a member of ${teams} approves the head commit, plan runs.`,
    '',
    ...held.files.map((file) => `- \`${file}\``),
    '',
  ].join('\n');
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
