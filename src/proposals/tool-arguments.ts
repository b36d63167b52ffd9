/**
 * What a proposal hands to Ansible and Terraform must stay data: no variable Ansible treats
 * specially (connection, interpreter, become, magic variables, playbook keywords) and no value
 * that a tool could read as one of its options. A pull request is untrusted input until it is
 * approved, and CI plans it with the repository's credentials.
 */
import type { Finding } from '../core/findings.js';
import type { ChangeProposal } from '../core/model.js';
import { stepsOf } from '../core/steps.js';
import type { YamlDocument } from '../documents/parse-yaml.js';
import { formatPath } from '../documents/schemas.js';
import { executorOf, stepKind } from '../executors/registry.js';

export { reservedAnsibleVariable } from '../executors/ansible/checks.js';
export { invalidWorkspaceName } from '../executors/terraform/checks.js';

/**
 * Error findings for every value of a proposal's steps (execution, verification, rollback) that
 * would reach its tool as something other than plain data, as each executor judges it (Ansible: a
 * reserved extraVars key at the key's line, an option-like limit or tag; Terraform: an invalid
 * workspace name).
 */
export function checkToolArguments(document: YamlDocument, proposal: ChangeProposal): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string, hint: string, position: { line: number; column: number }) => {
    findings.push({ ruleId: 'lint', severity: 'error', message, hint, file: document.file, ...position });
  };
  for (const step of stepsOf(proposal)) {
    const at = [...step.path, stepKind(step)];
    for (const problem of executorOf(step).argumentProblems(step)) {
      report(
        `${formatPath([...at, ...problem.at])} ${problem.message}`,
        problem.hint,
        problem.keyAt
          ? document.keyPositionOf([...at, ...problem.keyAt])
          : document.positionOf([...at, ...problem.at]),
      );
    }
  }
  return findings;
}
