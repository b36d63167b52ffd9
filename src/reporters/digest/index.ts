import type { Digest } from '../../audit/digest.js';
import type { ReporterTable } from '../reporter.js';

/** `netchange digest --format`: one line per format. */
export const DIGEST_REPORTERS = {
  text: async () => (await import('./text.js')).renderDigestText,
  markdown: async () => (await import('./markdown.js')).renderDigestMarkdown,
  json: async () => (await import('./json.js')).renderDigestJson,
} satisfies ReporterTable<Digest>;
