/** The Ansible executor: `ansible:` steps run with ansible-playbook. Registered in ../registry.ts. */
import type { AnsibleStep } from '../../core/model.js';
import type { Executor } from '../executor.js';
import { settingsOf } from '../executor.js';
import {
  ANSIBLE_ROOT_PATHS,
  ansibleArgumentProblems,
  ansibleLabel,
  ansiblePathsRun,
  ansibleReferences,
} from './checks.js';
import { ansiblePlanHash } from './plan-hash.js';
import {
  ansibleApplyDetails,
  ansibleChangeLine,
  ansibleCounts,
  ansibleDiffTails,
  ansibleEvidence,
  ansibleMarkdown,
  ansibleRemovals,
  ansibleSummary,
  ansibleText,
} from './render.js';
import { ANSIBLE_COMMANDS, runAnsible } from './run.js';
import { learnAnsibleSecrets } from './secrets.js';
import type { AnsibleRun } from './types.js';

export const ansibleExecutor: Executor<
  'ansible',
  AnsibleStep,
  AnsibleRun,
  'ansiblePlaybook' | 'ansibleInventory'
> = {
  kind: 'ansible',
  commands: ANSIBLE_COMMANDS,
  rootPaths: ANSIBLE_ROOT_PATHS,
  loadsAnyFile: true,
  // why: extra variables go to Ansible, which reads YAML 1.1.
  yaml11Settings: ['extraVars'],
  label: ansibleLabel,
  references: ansibleReferences,
  argumentProblems: ansibleArgumentProblems,
  pathsRun: ansiblePathsRun,
  // why: Ansible's shared state is the devices, locked from the hosts the steps reach (locks.ts).
  lockParts: () => [],
  learnSecrets: (step, context) => learnAnsibleSecrets(settingsOf('ansible', step), context),
  run: (step, context) => runAnsible(settingsOf('ansible', step), context),
  planHash: (step) => ansiblePlanHash(step.ansible ?? { hosts: [], completed: false }),
  summary: ansibleSummary,
  changeLine: ansibleChangeLine,
  removals: ansibleRemovals,
  markdown: ansibleMarkdown,
  text: ansibleText,
  counts: ansibleCounts,
  diffTails: ansibleDiffTails,
  applyDetails: ansibleApplyDetails,
  evidence: ansibleEvidence,
};

export { reservedAnsibleVariable } from './checks.js';
export {
  BACKUP_RESULT_KEY,
  type ParsedAnsibleOutput,
  parseAnsibleEvents,
  parseAnsibleOutput,
  unifiedDiff,
} from './parse-events.js';
export { ansiblePlanHash } from './plan-hash.js';
export { runAnsible, toUnsafeYaml } from './run.js';
export type * from './types.js';
