import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, RuleId } from '../../core/findings.js';
import type { ValidationReport } from '../../core/model.js';

const RULES: Partial<Record<RuleId, string>> = {
  yaml: 'The file is valid YAML: one document, no duplicate keys, no alias bombs.',
  schema: 'The document matches its netchange/v1 JSON Schema.',
  reference: 'Everything the proposal names exists inside the repository and its schedule is valid.',
  lint: 'Values reach Ansible and Terraform as plain data: no reserved variables, no option-like arguments, the same YAML reading.',
  window: 'The change respects the production windows.',
  approval: 'The change has the approvals the policy requires.',
  'change-type': 'The change meets the rules of its change type.',
  rule: 'A custom change-control rule of the organisation.',
  policy: 'The policy files are valid.',
  'policy-weakened':
    'An override or drop does not weaken a rule the policy extends, unless a waiver accepts it.',
};

/** `--format sarif`: SARIF 2.1.0 for code scanning; one result per finding, rule ids as in JSON. */
export function renderSarif(report: ValidationReport): string {
  const findings = [...report.findings, ...report.proposals.flatMap((proposal) => proposal.findings)];
  // why: a gate stage may bring a rule id this table does not describe; every result needs its rule.
  const ruleIds = [
    ...new Set([...(Object.keys(RULES) as RuleId[]), ...findings.map((finding) => finding.ruleId)]),
  ];
  const rules: ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    shortDescription: { text: RULES[id] ?? `A check of the netchange gate stage that reports '${id}'.` },
    helpUri: 'https://netchange.dev/docs/findings',
  }));
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netchange',
            version: report.tool.version,
            informationUri: 'https://netchange.dev',
            rules,
          },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.evaluatedAt }],
        results: findings.map((finding) => toResult(finding, ruleIds.indexOf(finding.ruleId))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function toResult(finding: Finding, ruleIndex: number): Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex,
    level: finding.severity,
    message: { text: [finding.message, finding.hint, finding.detail].filter(Boolean).join('\n\n') },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: finding.file, uriBaseId: '%SRCROOT%' },
          ...(finding.line !== undefined
            ? {
                region: {
                  startLine: finding.line,
                  ...(finding.column !== undefined ? { startColumn: finding.column } : {}),
                },
              }
            : {}),
        },
      },
    ],
    ...(finding.policy ? { properties: { policy: finding.policy } } : {}),
  };
}
