/**
 * The gate: an ordered list of stages (GATE_STAGES) that validate, plan, apply and the pull-request
 * report all run through `validateWorkspace`. Each stage prepares once per run and judges each
 * proposal purely; see stage.ts for the contract and registry.ts to add a stage.
 */
export { type PreparedGate, prepareGate } from './gate.js';
export { type ApplyGateVerdict, applyGateVerdict, refusalReasons } from './refusal.js';
export { GATE_STAGES } from './registry.js';
export type {
  GateInput,
  GateQueries,
  GateStage,
  KnownScopeValues,
  PolicyFilesChange,
  PreparedStage,
  ProposalContext,
  ProposalFacts,
  StageVerdict,
  VerdictPart,
} from './stage.js';
