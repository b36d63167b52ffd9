export { parseAnsibleEvents, runAnsible, toUnsafeYaml, unifiedDiff } from './ansible.js';
export type { StepContext, StepRun } from './context.js';
export { ansibleDigest, proposalDigest, terraformDigest } from './digest.js';
export { durationMs } from './duration.js';
export { type ProcessRequest, type ProcessResult, runProcess } from './run-process.js';
export { type ExecutedStep, runStep, type StepPosition, skippedStep, stepLabel } from './run-step.js';
export { parseTerraformPlan, runTerraform } from './terraform.js';
export type * from './types.js';
