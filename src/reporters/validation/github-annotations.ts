import type { Finding } from '../../core/findings.js';
import type { ValidationReport } from '../../core/model.js';
import { describeSummary } from './describe.js';

/**
 * `--format github`: workflow commands (`::error file=…,line=…::message`) that GitHub Actions turns
 * into annotations on the pull request's diff.
 */
export function renderGithubAnnotations(report: ValidationReport): string {
  const findings = [...report.findings, ...report.proposals.flatMap((proposal) => proposal.findings)];
  const lines = findings.map(annotation);
  lines.push(`netchange: ${describeSummary(report)}`);
  return `${lines.join('\n')}\n`;
}

function annotation(finding: Finding): string {
  const command =
    finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'notice';
  const properties = [
    `file=${escapeProperty(finding.file)}`,
    ...(finding.line !== undefined ? [`line=${finding.line}`] : []),
    ...(finding.column !== undefined ? [`col=${finding.column}`] : []),
    `title=${escapeProperty(`netchange ${finding.ruleId}${finding.policy ? `: ${finding.policy}` : ''}`)}`,
  ];
  const message = [finding.message, finding.detail, finding.hint].filter(Boolean).join('\n');
  return `::${command} ${properties.join(',')}::${escapeData(message)}`;
}

// why: the runner splits on these characters; GitHub's toolkit escapes them the same way.
function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
