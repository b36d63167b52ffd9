export {
  ansiblePlanHash,
  parseAnsibleEvents,
  runAnsible,
  toUnsafeYaml,
  unifiedDiff,
} from './ansible/index.js';
export type { StepContext } from './context.js';
export { durationMs } from './duration.js';
export type { Executor } from './executor.js';
export { planHash } from './plan-hash.js';
export { EXECUTOR_KINDS, EXECUTORS, executorOf, executorOfResult, stepKind } from './registry.js';
export { type ProcessRequest, type ProcessResult, runProcess } from './run-process.js';
export { type ExecutedStep, runStep, type StepPosition, skippedStep, stepLabel } from './run-step.js';
export { parseTerraformPlan, runTerraform, terraformPlanHash } from './terraform/index.js';
export type * from './types.js';
