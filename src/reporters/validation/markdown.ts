import type { Finding } from '../../core/findings.js';
import type { ProposalReport, ValidationReport } from '../../core/model.js';
import {
  approvalStatus,
  describeNextAllowed,
  describeRequirement,
  describeRisk,
  describeSchedule,
  describeSummary,
} from './describe.js';

/**
 * `--format markdown`: what the change advisory board reads in the pull request. A pure function;
 * the GitHub module adds the plan's diffs and keeps the comment within GitHub's size limit.
 */
export function renderMarkdown(report: ValidationReport): string {
  const sections = [
    `### netchange: ${report.ok ? '✅ all proposals pass' : '❌ changes need attention'}`,
    `${describeSummary(report)} · evaluated at ${report.evaluatedAt} · netchange ${report.tool.version}`,
  ];
  if (report.findings.length > 0) sections.push(`**Policy findings**\n\n${findingList(report.findings)}`);
  for (const proposal of report.proposals) sections.push(renderProposal(proposal));
  if (report.withdrawn.length > 0) {
    sections.push(
      `**Withdrawn**\n\n${report.withdrawn.map((item) => `- \`${item.file}\`${item.id ? ` ${escapeMarkdown(item.id)}` : ''}`).join('\n')}`,
    );
  }
  return `${sections.join('\n\n')}\n`;
}

/** One proposal's section: verdict, risk, schedule, window, approvals, autonomy, findings. */
export function renderProposal(proposal: ProposalReport): string {
  const heading = `#### ${proposal.ok ? '✅' : '❌'} ${escapeMarkdown(proposal.id)}${proposal.title ? ` — ${escapeMarkdown(proposal.title)}` : ''}`;
  const rows: [string, string][] = [['File', `\`${proposal.file}\``]];
  if (proposal.type)
    rows.push([
      'Type',
      `${proposal.type}${proposal.domain ? ` · domain ${escapeMarkdown(proposal.domain)}` : ''}`,
    ]);
  if (proposal.requester)
    rows.push(['Requester', `@${proposal.requester.github} (${escapeMarkdown(proposal.requester.team)})`]);
  const risk = describeRisk(proposal);
  if (risk) rows.push(['Risk', escapeMarkdown(risk)]);
  const schedule = describeSchedule(proposal);
  if (schedule) rows.push(['When', escapeMarkdown(schedule)]);
  if (proposal.windows) {
    const next = describeNextAllowed(proposal);
    rows.push([
      'Window',
      proposal.windows.open
        ? `open${proposal.windows.overlapping.length ? ` (${proposal.windows.overlapping.map(escapeMarkdown).join(', ')})` : ''}`
        : `blocked${next ? ` · next allowed start ${escapeMarkdown(next)}` : ' · no allowed slot within the horizon'}`,
    ]);
  }
  if (proposal.autonomy) rows.push(['Autonomy', escapeMarkdown(proposal.autonomy.message)]);
  if (proposal.retrospectiveDue) rows.push(['Retrospective', `due by ${proposal.retrospectiveDue}`]);
  const status = approvalStatus(proposal);
  if (status !== 'none') rows.push(['Approvals', status === 'satisfied' ? 'satisfied' : '**missing**']);

  const parts = [
    heading,
    `| | |\n|---|---|\n${rows.map(([key, value]) => `| ${key} | ${value} |`).join('\n')}`,
  ];
  if (status !== 'none') {
    parts.push(
      proposal.approvals.required
        .map(
          (requirement) =>
            `- ${requirement.satisfied ? '✅' : '⏳'} ${escapeMarkdown(describeRequirement(requirement))}`,
        )
        .join('\n'),
    );
  }
  if (proposal.findings.length > 0) parts.push(findingList(proposal.findings));
  return parts.join('\n\n');
}

function findingList(findings: readonly Finding[]): string {
  return findings
    .map((finding) => {
      const icon = finding.severity === 'error' ? '❌' : finding.severity === 'warning' ? '⚠️' : 'ℹ️';
      const where = `${finding.file}${finding.line !== undefined ? `:${finding.line}` : ''}`;
      const hint = finding.hint ? ` — ${escapeMarkdown(finding.hint)}` : '';
      return `- ${icon} \`${where}\` ${escapeMarkdown(finding.message)}${hint}`;
    })
    .join('\n');
}

// why: proposal text is user input; unescaped it could break the table or inject mentions and HTML.
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|]/g, (character) => `\\${character}`).replace(/@(?=\w)/g, '@\u200b');
}
