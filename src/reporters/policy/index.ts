import type { PolicyExplainOutput } from '../../packs/explain.js';
import { type ReporterTable, versionedJsonDocument } from '../reporter.js';

/** `netchange policy explain --format`: one entry per format. */
export const POLICY_REPORTERS = {
  text: async () => (await import('./text.js')).renderPolicyExplainText,
  json: async () => versionedJsonDocument,
} satisfies ReporterTable<PolicyExplainOutput>;
