import type { VerifyResult } from '../../audit/verify.js';
import { jsonDocument, type ReporterTable } from '../reporter.js';

/** `netchange audit verify --format`: one line per format. */
export const VERIFY_REPORTERS = {
  text: async () => (await import('./text.js')).renderVerifyText,
  json: async () => jsonDocument,
} satisfies ReporterTable<VerifyResult>;
