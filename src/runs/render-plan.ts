/**
 * Renders a plan for people: markdown (plan.md, the PR comment) and text (the terminal). Pure
 * functions over already-redacted data.
 */
import pc from 'picocolors';
import { escapeMarkdown } from '../executors/markdown.js';
import { executorOfResult } from '../executors/registry.js';
import type { StepResult } from '../executors/types.js';
import { GITHUB_LIMITS, truncateToLimit } from '../github/limits.js';
import type { PlanDocument, PlanStatus, ProposalPlan } from './plan-document.js';

export { resourceActionLabel } from '../executors/terraform/render.js';

const STATUS_ICON: Record<PlanStatus, string> = {
  planned: '✅',
  held: '⏸️',
  failed: '❌',
  error: '⚠️',
  cancelled: '⏹️',
};

/**
 * plan.md and the PR comment. `limit` (default: GitHub's comment limit) drops per-device details when
 * the whole plan does not fit; the plan.md artifact is written without a limit.
 */
export function renderPlanMarkdown(
  plan: PlanDocument,
  options: { artifacts?: string; limit?: number } = {},
): string {
  const limit = options.limit ?? GITHUB_LIMITS.commentSection;
  const header = [
    '## netchange plan',
    '',
    `${STATUS_ICON[plan.status]} **${plan.summary.proposals} proposal${plan.summary.proposals === 1 ? '' : 's'}** · ` +
      `${plan.summary.changed} with changes · ${plan.summary.failed} failed · ${plan.summary.errors} tool errors` +
      (plan.commit ? ` · commit \`${plan.commit.slice(0, 12)}\`` : ''),
    '',
  ];
  const sections = plan.proposals.map((proposal) => renderProposalMarkdown(proposal));
  const footer = options.artifacts
    ? [`<sub>Full logs and plan.json: \`${options.artifacts}\`</sub>`, '']
    : [];
  let body = [...header, ...sections, ...footer].join('\n');
  if (body.length > limit) {
    // why: keep every proposal's summary line and digest; drop the per-device details that overflow.
    const compact = plan.proposals.map((proposal) => renderProposalMarkdown(proposal, { details: false }));
    const note = `> The full plan is longer than a comment allows; per-device diffs are in plan.md${options.artifacts ? ` under \`${options.artifacts}\`` : ''}.\n`;
    body = [...header, note, ...compact, ...footer].join('\n');
    body = truncateToLimit(body, limit, '\n\n… (truncated)\n', { markdown: true });
  }
  return body;
}

function renderProposalMarkdown(
  proposal: ProposalPlan,
  options: { details: boolean } = { details: true },
): string {
  const lines = [
    `### ${STATUS_ICON[proposal.status]} ${escapeMarkdown(proposal.id)}${proposal.title ? ` — ${escapeMarkdown(proposal.title)}` : ''}`,
    '',
    `\`${proposal.file}\` · ${proposal.status}${proposal.changed ? ' · changes' : ' · no changes'} · digest \`${proposal.digest}\``,
    '',
  ];
  for (const step of proposal.steps) {
    lines.push(
      `#### ${step.index + 1}. ${escapeMarkdown(step.name)} (${step.kind}) — ${stepSummary(step)}`,
      '',
    );
    if (step.message)
      lines.push(
        `> ${escapeMarkdown(step.message)}${step.hint ? `<br>${escapeMarkdown(step.hint)}` : ''}`,
        '',
      );
    lines.push(...executorOfResult(step).markdown(step, options.details));
  }
  return lines.join('\n');
}

/** One line per step: its status and what it would change. */
export function stepSummary(step: StepResult): string {
  if (step.status !== 'planned' && step.status !== 'applied') return step.status;
  return executorOfResult(step).summary(step) ?? step.status;
}

/** The terminal view: one block per proposal, diffs in colour when `color`. */
export function renderPlanText(
  plan: PlanDocument,
  options: { color: boolean; runDirectory?: string; notPlanned?: number },
): string {
  const colors = pc.createColors(options.color);
  const statusColor = (status: string, text: string) =>
    status === 'planned' || status === 'applied'
      ? colors.green(text)
      : status === 'skipped'
        ? colors.dim(text)
        : colors.red(text);
  const lines: string[] = [];
  for (const proposal of plan.proposals) {
    lines.push(
      `${colors.bold(proposal.id)}  ${proposal.title ?? ''}  ${statusColor(proposal.status, proposal.status)}${proposal.changed ? ' (changes)' : ''}`,
      colors.dim(`  ${proposal.file}  ${proposal.digest}`),
    );
    for (const step of proposal.steps) {
      lines.push(
        `  ${statusColor(step.status, step.status === 'planned' || step.status === 'applied' ? '✓' : '✗')} ${step.index + 1}. ${step.name}: ${stepSummary(step)}`,
      );
      if (step.message) lines.push(`      ${step.message}`);
      if (step.hint) lines.push(colors.dim(`      hint: ${step.hint}`));
      lines.push(...executorOfResult(step).text(step, colors));
    }
    lines.push('');
  }
  const summary = plan.summary;
  // why: each shard's CI log shows only its part; the summary says which part it is.
  const shard = plan.shard ? `shard ${plan.shard.index}/${plan.shard.count}: ` : '';
  const invalid = options.notPlanned ?? 0;
  const notPlanned = invalid
    ? colors.red(
        `; ${invalid} invalid proposal${invalid === 1 ? '' : 's'} not planned (errors above), which fails the plan`,
      )
    : '';
  lines.push(
    `${shard}${summary.proposals} proposal${summary.proposals === 1 ? '' : 's'}: ${summary.planned} planned, ${summary.failed} failed, ${summary.errors} tool errors${summary.cancelled ? `, ${summary.cancelled} cancelled` : ''}; ${summary.changed} with changes${notPlanned}`,
  );
  if (options.runDirectory) lines.push(colors.dim(`artifacts: ${options.runDirectory}`));
  return `${lines.join('\n')}\n`;
}
