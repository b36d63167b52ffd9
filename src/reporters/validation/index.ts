import type { ReporterTable } from '../reporter.js';
import type { ValidationOutput } from './output.js';

export type { ValidationOutput } from './output.js';

const formats = async () => (await import('./formats.js')).VALIDATION_FORMATS;

/** `netchange validate --format`: one line per format. */
export const VALIDATION_REPORTERS = {
  text: async () => (await formats()).text,
  json: async () => (await formats()).json,
  sarif: async () => (await formats()).sarif,
  junit: async () => (await formats()).junit,
  markdown: async () => (await formats()).markdown,
  github: async () => (await formats()).github,
} satisfies ReporterTable<ValidationOutput>;

export type ValidationFormat = keyof typeof VALIDATION_REPORTERS;
