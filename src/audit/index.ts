export { anchorBlock, anchorLine, anchorMarker, findAnchors, parseExpectation } from './anchor.js';
export { hashRecord } from './canonical-json.js';
export { type ChainTip, MAX_DIFF_CHARACTERS, recordPath } from './chain.js';
export { buildDigest, type Digest, type DigestOptions, isEmergency } from './digest.js';
export { isStartedRecord, type OpenChange, openChanges } from './open-changes.js';
export {
  type ApplyEvidenceContext,
  describeChanges,
  evidenceDraftFromApply,
  evidenceFromReport,
  recordApplyResult,
  recordApplyStarted,
} from './record-apply.js';
export {
  type AppendOptions,
  appendEvidence,
  fetchEvidence,
  type LoadedEvidence,
  loadEvidence,
  type ReadOptions,
  readEvidence,
  readEvidenceHead,
  reloadEvidence,
  type VerifyOptions,
  verifyEvidence,
} from './store.js';
export * from './types.js';
export type { AnchorFailure, ChainProblem, ChainProblemKind, ExpectedHead, VerifyResult } from './verify.js';
