import pc from 'picocolors';
import type { DriftTargetReport } from '../../drift/model.js';
import { checkedAtText, explanationText, ignoredText, intendedFrom, summaryLine } from './describe.js';
import type { DriftOutput } from './output.js';

/** What a person reads on a terminal: each target's status, the diff of each drifted one, findings, counts. */
export function renderDriftText(output: DriftOutput): string {
  const { report } = output;
  const colors = pc.createColors(output.color);
  const lines = [`Drift against ${intendedFrom(report)}, checked ${checkedAtText(report, output.timeZone)}`];
  const status: Record<DriftTargetReport['status'], (text: string) => string> = {
    drifted: colors.red,
    error: colors.red,
    ignored: colors.dim,
    'in-sync': colors.green,
  };
  for (const target of report.targets) {
    const label = `${status[target.status](target.status.padEnd(8))} ${target.target} (${target.kind})`;
    if (target.status === 'drifted') {
      lines.push(`${label}: ${explanationText(target)}`);
      for (const line of target.diff.trimEnd().split('\n')) lines.push(`    ${colorDiffLine(line, colors)}`);
    } else if (target.status === 'error') {
      lines.push(`${label}: ${target.error ?? 'the check failed'}`);
    } else {
      lines.push(label);
    }
    if (target.ignored.length > 0) lines.push(colors.dim(`    ${ignoredText(target)}`));
  }
  for (const finding of report.findings) {
    lines.push(`${finding.severity}: ${finding.file}:${finding.line}:${finding.column} ${finding.message}`);
    lines.push(`  hint: ${finding.hint}`);
  }
  lines.push(summaryLine(report));
  return `${lines.join('\n')}\n`;
}

function colorDiffLine(line: string, colors: ReturnType<typeof pc.createColors>): string {
  if (line.startsWith('+')) return colors.green(line);
  if (line.startsWith('-')) return colors.red(line);
  if (line.startsWith('@@')) return colors.cyan(line);
  return line;
}
