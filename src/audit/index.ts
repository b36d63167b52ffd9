export { canonicalJson, hashRecord } from './canonical-json.js';
export { MAX_DIFF_CHARACTERS, recordPath } from './chain.js';
export {
  buildDigest,
  DIGEST_FORMATS,
  type Digest,
  type DigestFormat,
  type DigestOptions,
  renderDigest,
} from './digest.js';
export { EXPORT_FORMATS, type ExportFormat, exportCsv, exportJson, recordsBetween } from './export.js';
export {
  type ApplyEvidenceContext,
  describeChanges,
  evidenceDraftFromApply,
  evidenceFromReport,
  recordApplyResult,
} from './record-apply.js';
export {
  type AppendOptions,
  appendEvidence,
  fetchEvidence,
  type LoadedEvidence,
  loadEvidence,
  type ReadOptions,
  readEvidence,
  verifyEvidence,
} from './store.js';
export * from './types.js';
export type { ChainProblem, ChainProblemKind, VerifyResult } from './verify.js';
