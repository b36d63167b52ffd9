/**
 * What a proposal hands to Ansible and Terraform must stay data: no variable Ansible treats
 * specially (connection, interpreter, become, magic variables, playbook keywords) and no value
 * that a tool could read as one of its options. A pull request is untrusted input until it is
 * approved, and CI plans it with the repository's credentials.
 */
import type { Finding } from '../core/findings.js';
import type { ChangeProposal } from '../core/model.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { formatPath } from '../documents/schemas.js';
import {
  ANSIBLE_CONFIG_VARIABLES,
  ANSIBLE_KEYWORDS,
  ANSIBLE_MAGIC_VARIABLES,
} from './ansible-reserved-names.generated.js';
import { stepsOf } from './references.js';

const KEYWORDS = new Set(ANSIBLE_KEYWORDS);
const CONFIG_VARIABLES = new Set(ANSIBLE_CONFIG_VARIABLES);
const MAGIC_VARIABLES = new Set(ANSIBLE_MAGIC_VARIABLES);
// why: Ansible's reserved list spells loop keywords as a prefix ('with_' covers with_items...).
const KEYWORD_PREFIXES = ANSIBLE_KEYWORDS.filter((keyword) => keyword.endsWith('_'));
// why: every connection, interpreter and become variable, of every plugin (also third-party
// ones netchange cannot list), is named ansible_*; _ansible_* are Ansible's internal keys.
const RESERVED_PREFIXES = ['ansible_', '_ansible_'];

/**
 * Why Ansible treats a variable name specially, or undefined when it is an ordinary name.
 * Case-sensitive, as Ansible's variable names are.
 */
export function reservedAnsibleVariable(name: string): string | undefined {
  if (RESERVED_PREFIXES.some((prefix) => name.startsWith(prefix)))
    return 'Ansible reserves every ansible_* name (connection, interpreter, become and magic variables)';
  if (CONFIG_VARIABLES.has(name)) return 'Ansible reads it to connect to hosts';
  if (MAGIC_VARIABLES.has(name)) return 'it is a magic variable Ansible sets itself';
  if (KEYWORDS.has(name) || KEYWORD_PREFIXES.some((prefix) => name.startsWith(prefix)))
    return 'it is a playbook keyword';
  return undefined;
}

// why: Terraform's own rule (internal/command: validWorkspaceName) is name == url.PathEscape(name);
// Go's PathEscape leaves exactly these characters of a path segment unescaped.
const TERRAFORM_WORKSPACE = /^[A-Za-z0-9\-_.~$&+:=@]+$/;

/** Why Terraform would refuse (or misread) a workspace name, or undefined when it is fine. */
export function invalidWorkspaceName(name: string): string | undefined {
  if (name.startsWith('-')) return 'it starts with "-", so terraform would read it as an option';
  if (!TERRAFORM_WORKSPACE.test(name))
    return 'Terraform allows only URL-safe characters (letters, digits, - _ . ~ $ & + : = @)';
  if (name === '.' || name === '..') return 'it names a directory, not a workspace';
  return undefined;
}

/**
 * Error findings for every value of a proposal's steps (execution, verification, rollback) that
 * would reach Ansible or Terraform as something other than plain data: a reserved extraVars key
 * (at the key's line), an option-like limit or tag, an invalid Terraform workspace name.
 */
export function checkToolArguments(document: YamlDocument, proposal: ChangeProposal): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string, hint: string, position: { line: number; column: number }) => {
    findings.push({ ruleId: 'lint', severity: 'error', message, hint, file: document.file, ...position });
  };
  const optionLike = (value: string, at: DocumentPath, what: string, hint: string) => {
    if (!value.startsWith('-')) return;
    report(
      `${formatPath(at)} '${value}' starts with '-': ${what} would read it as an option`,
      hint,
      document.positionOf(at),
    );
  };

  for (const step of stepsOf(proposal)) {
    if (step.ansible) {
      const at = [...step.path, 'ansible'];
      if (step.ansible.limit !== undefined) {
        optionLike(
          step.ansible.limit,
          [...at, 'limit'],
          'ansible-playbook',
          "A limit is a host pattern: start it with a host or group name (exclude with 'group:!host').",
        );
      }
      for (const [index, tag] of (step.ansible.tags ?? []).entries()) {
        optionLike(
          tag,
          [...at, 'tags', index],
          'ansible-playbook',
          'Name the tag as the playbook spells it.',
        );
      }
      for (const name of Object.keys(step.ansible.extraVars ?? {})) {
        const reason = reservedAnsibleVariable(name);
        if (!reason) continue;
        report(
          `${formatPath([...at, 'extraVars'])} key '${name}' is reserved: ${reason}`,
          `Rename the variable (for example 'change_${name.replace(/^_?ansible_/, '')}') and use that name in the playbook. Connection, interpreter and become settings belong in the inventory or the playbook, reviewed as code.`,
          document.keyPositionOf([...at, 'extraVars', name]),
        );
      }
    }
    if (step.terraform?.workspace !== undefined) {
      const at = [...step.path, 'terraform', 'workspace'];
      const reason = invalidWorkspaceName(step.terraform.workspace);
      if (reason) {
        report(
          `${formatPath(at)} '${step.terraform.workspace}' is not a Terraform workspace name: ${reason}`,
          "Use a name such as 'prod' or 'plant-a': letters, digits, '-' and '_', not starting with '-'.",
          document.positionOf(at),
        );
      }
    }
  }
  return findings;
}
