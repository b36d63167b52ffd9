import type { ReporterTable } from '../reporter.js';
import type { ApplyOutput } from './output.js';

export type { ApplyOutput } from './output.js';

/** `netchange apply --format`: one line per format. */
export const APPLY_REPORTERS = {
  text: async () => (await import('./text.js')).renderApplyText,
  json: async () => (await import('./json.js')).renderApplyJson,
} satisfies ReporterTable<ApplyOutput>;
