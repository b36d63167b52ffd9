import type { VerifyResult } from '../../audit/verify.js';
import { type ReporterTable, versionedJsonDocument } from '../reporter.js';

/** `netchange audit verify --format`: one line per format. */
export const VERIFY_REPORTERS = {
  text: async () => (await import('./text.js')).renderVerifyText,
  json: async () => versionedJsonDocument,
} satisfies ReporterTable<VerifyResult>;
