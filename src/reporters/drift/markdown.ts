import type { DriftTargetReport } from '../../drift/model.js';
import { escapeCell, escapeMarkdown, fenced } from '../../executors/markdown.js';
import { checkedAtText, explanationText, ignoredText, intendedFrom, summaryLine } from './describe.js';
import type { DriftOutput } from './output.js';

const STATUS: Record<DriftTargetReport['status'], string> = {
  drifted: ':warning: drifted',
  error: ':x: error',
  ignored: ':see_no_evil: ignored',
  'in-sync': ':white_check_mark: in sync',
};

/** For a pull request or an issue: a table of targets, then each drifted target's diff. */
export function renderDriftMarkdown(output: DriftOutput): string {
  const { report } = output;
  const lines = [
    '## Drift',
    '',
    `Intended state: \`${intendedFrom(report)}\`, checked ${checkedAtText(report, output.timeZone)}. ${summaryLine(report)}.`,
    '',
    '| Target | Kind | Status | Notes |',
    '|---|---|---|---|',
  ];
  for (const target of report.targets) {
    const notes = [
      target.status === 'error' ? (target.error ?? '') : explanationText(target),
      ignoredText(target),
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(
      `| \`${escapeCell(target.target)}\` | ${target.kind} | ${STATUS[target.status]} | ${escapeCell(notes)} |`,
    );
  }
  lines.push('');
  for (const target of report.targets.filter((candidate) => candidate.status === 'drifted')) {
    lines.push(`### \`${target.target}\``, '', ...fenced(target.diff.trimEnd(), 'diff'), '');
  }
  if (report.findings.length > 0) {
    lines.push('### Drift policy', '');
    for (const finding of report.findings) {
      lines.push(
        `- **${finding.severity}** \`${finding.file}:${finding.line}\` ${escapeMarkdown(finding.message)} — ${escapeMarkdown(finding.hint)}`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}
