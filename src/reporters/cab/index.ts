import type { CabPack } from '../../cab/pack.js';
import type { ReporterTable } from '../reporter.js';

/** `netchange cab --format`: one line per format. */
export const CAB_REPORTERS = {
  markdown: async () => (await import('./markdown.js')).renderCabMarkdown,
  json: async () => (await import('./json.js')).renderCabJson,
} satisfies ReporterTable<CabPack>;
