/**
 * What validation and apply need to know about an Ansible step, without running anything: its label,
 * the repository paths it names and reads, and the settings that would reach ansible-playbook as
 * something other than plain data. A pull request is untrusted input until it is approved, and CI
 * plans it with the repository's credentials.
 */
import path from 'node:path';
import type { AnsibleStep } from '../../core/model.js';
import { type ArgumentProblem, type Carrying, type StepReference, settingsOf } from '../executor.js';
import {
  ANSIBLE_CONFIG_VARIABLES,
  ANSIBLE_KEYWORDS,
  ANSIBLE_MAGIC_VARIABLES,
} from './reserved-names.generated.js';

type AnsibleCarrier = Carrying<'ansible', AnsibleStep>;

const KEYWORDS = new Set(ANSIBLE_KEYWORDS);
const CONFIG_VARIABLES = new Set(ANSIBLE_CONFIG_VARIABLES);
const MAGIC_VARIABLES = new Set(ANSIBLE_MAGIC_VARIABLES);
// why: Ansible's reserved list spells loop keywords as a prefix ('with_' covers with_items...).
const KEYWORD_PREFIXES = ANSIBLE_KEYWORDS.filter((keyword) => keyword.endsWith('_'));
// why: every connection, interpreter and become variable, of every plugin (also third-party
// ones netchange cannot list), is named ansible_*; _ansible_* are Ansible's internal keys.
const RESERVED_PREFIXES = ['ansible_', '_ansible_'];

/** Root-level files and folders Ansible reads on its own (config, roles, plugins, variables). */
export const ANSIBLE_ROOT_PATHS: readonly string[] = [
  'ansible.cfg',
  'roles',
  'library',
  'module_utils',
  'plugins',
  'filter_plugins',
  'lookup_plugins',
  'callback_plugins',
  'collections',
  'group_vars',
  'host_vars',
  'templates',
  'files',
];

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

/** The step's label when it has no name: its playbook. */
export function ansibleLabel(step: AnsibleCarrier): string {
  return settingsOf('ansible', step).playbook;
}

/** The playbook, then the inventory (when the step names one). */
export function ansibleReferences(step: AnsibleCarrier): StepReference[] {
  const spec = settingsOf('ansible', step);
  const references: StepReference[] = [
    { at: ['playbook'], path: spec.playbook, type: 'file', role: 'playbook' },
  ];
  if (spec.inventory)
    references.push({ at: ['inventory'], path: spec.inventory, type: 'file', role: 'inventory' });
  return references;
}

/** An option-like limit or tag, a reserved extraVars key (reported at the key). */
export function ansibleArgumentProblems(step: AnsibleCarrier): ArgumentProblem[] {
  const spec = settingsOf('ansible', step);
  const problems: ArgumentProblem[] = [];
  const optionLike = (value: string, at: ArgumentProblem['at'], hint: string) => {
    if (!value.startsWith('-')) return;
    problems.push({
      at,
      message: `'${value}' starts with '-': ansible-playbook would read it as an option`,
      hint,
    });
  };
  if (spec.limit !== undefined) {
    optionLike(
      spec.limit,
      ['limit'],
      "A limit is a host pattern: start it with a host or group name (exclude with 'group:!host').",
    );
  }
  for (const [index, tag] of (spec.tags ?? []).entries()) {
    optionLike(tag, ['tags', index], 'Name the tag as the playbook spells it.');
  }
  for (const name of Object.keys(spec.extraVars ?? {})) {
    const reason = reservedAnsibleVariable(name);
    if (!reason) continue;
    problems.push({
      at: ['extraVars'],
      keyAt: ['extraVars', name],
      message: `key '${name}' is reserved: ${reason}`,
      hint: `Rename the variable (for example 'change_${name.replace(/^_?ansible_/, '')}') and use that name in the playbook. Connection, interpreter and become settings belong in the inventory or the playbook, reviewed as code.`,
    });
  }
  return problems;
}

/** The top folders of the playbook and the inventory, with their roles, templates and variables. */
export function ansiblePathsRun(step: AnsibleCarrier): string[] {
  const spec = settingsOf('ansible', step);
  return [topFolder(spec.playbook), ...(spec.inventory ? [topFolder(spec.inventory)] : [])];
}

// why: a playbook in playbooks/switching/ may include ../roles or ../templates; its top folder covers them.
function topFolder(relative: string): string {
  const normalised = path.posix.normalize(relative).replace(/^\.\//, '');
  const slash = normalised.indexOf('/');
  return slash === -1 ? normalised : normalised.slice(0, slash);
}
