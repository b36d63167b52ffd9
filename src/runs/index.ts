export {
  checkCommittedTree,
  checkNotAppliedYet,
  type PreviousApply,
  pathsRunBy,
} from './apply-preconditions.js';
export {
  type ApplyOptions,
  type ApplyOutcome,
  type ApplyResult,
  applyProposal,
  type GateVerdict,
  withDefaults,
} from './apply-proposal.js';
export {
  type HeldPlan,
  type PlanDocument,
  type PlanShard,
  type PlanStatus,
  type ProposalPlan,
  readPlanDocument,
  readReviewedPlanHash,
  readRunPlan,
  summarise,
  worstStatus,
} from './plan-document.js';
export {
  type ExecutionOptions,
  executeStep,
  type PlanTarget,
  planProposals,
  proposalPlan,
  rollbackSteps,
} from './plan-proposals.js';
export { createProgressReporter, type ProgressReporter, silentProgress } from './progress.js';
export {
  renderPlanMarkdown,
  renderPlanText,
  resourceActionLabel,
  stepSummary,
} from './render-plan.js';
export {
  createRunDirectory,
  openRunDirectory,
  type RunDirectory,
  runTimestamp,
  safeName,
} from './run-directory.js';
export { cancelOnInterrupt, type ExecutionSettings, executionSettings } from './settings.js';
