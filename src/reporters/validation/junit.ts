import junitModule, { type Builder } from 'junit-report-builder';
import type { ValidationReport } from '../../core/model.js';

// why: the package is CommonJS with `exports.default`; Node hands us the builder, TypeScript's
// NodeNext typing sees the module object. Accept both shapes.
const junitReportBuilder: Builder =
  'newBuilder' in junitModule
    ? (junitModule as unknown as Builder)
    : (junitModule as unknown as { default: Builder }).default;

/** `--format junit`: one test case per proposal, failed with its error findings; CI systems show it as tests. */
export function renderJunit(report: ValidationReport): string {
  const builder = junitReportBuilder.newBuilder();
  const suite = builder.testSuite().name('netchange validate').timestamp(report.evaluatedAt);
  for (const proposal of report.proposals) {
    const testCase = suite
      .testCase()
      .className(proposal.file)
      .name(`${proposal.id}${proposal.title ? ` — ${proposal.title}` : ''}`);
    const errors = proposal.findings.filter((finding) => finding.severity === 'error');
    if (errors.length > 0) {
      const body = errors
        .map(
          (finding) =>
            `${finding.file}:${finding.line ?? 1}:${finding.column ?? 1} ${finding.message}${finding.detail ? `\n  ${finding.detail}` : ''}${finding.hint ? `\n  hint: ${finding.hint}` : ''}`,
        )
        .join('\n');
      testCase.failure(errors[0]!.message, errors[0]!.ruleId).stacktrace(body);
    }
    const other = proposal.findings.filter((finding) => finding.severity !== 'error');
    if (other.length > 0) {
      testCase.standardOutput(
        other
          .map((finding) => `${finding.severity}: ${finding.file}:${finding.line ?? 1} ${finding.message}`)
          .join('\n'),
      );
    }
  }
  for (const finding of report.findings.filter((item) => item.severity === 'error')) {
    suite
      .testCase()
      .className(finding.file)
      .name(`policy: ${finding.message}`)
      .failure(finding.message, finding.ruleId);
  }
  return builder.build();
}
