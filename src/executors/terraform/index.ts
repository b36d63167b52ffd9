/** The Terraform executor: `terraform:` steps run as a saved plan. Registered in ../registry.ts. */
import type { TerraformStep } from '../../core/model.js';
import type { Executor } from '../executor.js';
import { settingsOf } from '../executor.js';
import {
  normalTerraformDirectory,
  TERRAFORM_OUTPUT,
  terraformArgumentProblems,
  terraformLabel,
  terraformLockParts,
  terraformPathsRun,
  terraformReferences,
} from './checks.js';
import { TERRAFORM_CONFIGURATION, terraformLocalModules } from './modules.js';
import { terraformPlanHash } from './plan-hash.js';
import {
  terraformApplyDetails,
  terraformChangeLine,
  terraformCounts,
  terraformDiffTails,
  terraformEvidence,
  terraformMarkdown,
  terraformRemovals,
  terraformSummary,
  terraformText,
} from './render.js';
import { runTerraform, TERRAFORM_COMMANDS } from './run.js';
import { learnTerraformSecrets } from './secrets.js';
import type { TerraformRun } from './types.js';

export const terraformExecutor: Executor<'terraform', TerraformStep, TerraformRun, 'terraform'> = {
  kind: 'terraform',
  commands: TERRAFORM_COMMANDS,
  rootPaths: [],
  toolOutput: TERRAFORM_OUTPUT,
  loadsIgnored: TERRAFORM_CONFIGURATION,
  // why: variables reach Terraform as a JSON file, read as netchange read them.
  yaml11Settings: [],
  label: terraformLabel,
  references: terraformReferences,
  argumentProblems: terraformArgumentProblems,
  pathsRun: terraformPathsRun,
  lockParts: terraformLockParts,
  pathsLoaded: (step, repoRoot) =>
    terraformLocalModules(repoRoot, normalTerraformDirectory(settingsOf('terraform', step).dir)),
  learnSecrets: async (step, context) => {
    await learnTerraformSecrets(settingsOf('terraform', step), context);
    return undefined;
  },
  run: (step, context) => runTerraform(settingsOf('terraform', step), context),
  planHash: (step) => terraformPlanHash(step.terraform ?? { resources: [], outputs: [], hasChanges: false }),
  summary: terraformSummary,
  changeLine: terraformChangeLine,
  removals: terraformRemovals,
  markdown: terraformMarkdown,
  text: terraformText,
  counts: terraformCounts,
  diffTails: terraformDiffTails,
  applyDetails: terraformApplyDetails,
  evidence: terraformEvidence,
};

export { invalidWorkspaceName } from './checks.js';
export { parseTerraformPlan } from './parse-plan.js';
export { terraformPlanHash } from './plan-hash.js';
export { resourceActionLabel } from './render.js';
export { runTerraform } from './run.js';
export type * from './types.js';
