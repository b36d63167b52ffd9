/**
 * The change-control engine: compile the policy once, then per proposal assess risk and evaluate
 * change type, ownership, approvals, autonomy and custom rules. Pure: no clock, disk or network.
 */
export {
  type ApprovalInput,
  loadApprovals,
  sameCommit,
  standingHolds,
  unknownProposalFindings,
} from './approvals.js';
export { celCompilations } from './cel.js';
export { type CodeReviewVerdict, evaluateCodeReview } from './code-review.js';
export { CODEOWNERS_PATH, type CodeownersOptions, renderCodeowners } from './codeowners.js';
export {
  type CompiledChangeControlPolicy,
  type CompiledCustomRule,
  type CompiledReview,
  type CompiledRiskRule,
  type CompiledTeam,
  compileChangeControlPolicy,
  reviewsDatedAhead,
} from './compile-policy.js';
export { compileConflictRules, hasConflictRules, type KnownTargets } from './conflict-rules.js';
export {
  bypassesWindows,
  type ChangeControlInput,
  classifyAutonomy,
  evaluateChangeControl,
} from './evaluate.js';
export { evaluatePolicyChange, type PolicyChange, type PolicyChangeInput } from './policy-change.js';
export { assessRisk, maxRisk, type RiskAssessment, type RiskContext } from './risk.js';
