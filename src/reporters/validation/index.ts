import type { ReporterTable } from '../reporter.js';
import type { ValidationOutput } from './output.js';

export type { ValidationOutput } from './output.js';

// why: each format loads only its own renderer; junit's and sarif's libraries cost a --since run
// more start-up time than everything else it renders.
/** `netchange validate --format`: one line per format. */
export const VALIDATION_REPORTERS = {
  text: async () => {
    const { renderText } = await import('./text.js');
    return ({ report, color }) => renderText(report, { color });
  },
  json: async () => {
    const { renderJson } = await import('./json.js');
    return ({ report }) => renderJson(report);
  },
  sarif: async () => {
    const { renderSarif } = await import('./sarif.js');
    return ({ report }) => renderSarif(report);
  },
  junit: async () => {
    const { renderJunit } = await import('./junit.js');
    return ({ report }) => renderJunit(report);
  },
  markdown: async () => {
    const { renderMarkdown } = await import('./markdown.js');
    return ({ report }) => renderMarkdown(report);
  },
  github: async () => {
    const { renderGithubAnnotations } = await import('./github-annotations.js');
    return ({ report }) => renderGithubAnnotations(report);
  },
} satisfies ReporterTable<ValidationOutput>;

export type ValidationFormat = keyof typeof VALIDATION_REPORTERS;
