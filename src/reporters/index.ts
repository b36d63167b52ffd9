import type { ValidationReport } from '../core/model.js';
import { renderGithubAnnotations } from './github-annotations.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'junit', 'markdown', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Renders a validation report in one of the output formats; pure. */
export function renderReport(
  report: ValidationReport,
  format: ReportFormat,
  options: { color: boolean },
): string {
  switch (format) {
    case 'text':
      return renderText(report, options);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
    case 'github':
      return renderGithubAnnotations(report);
  }
}

export { renderMarkdown } from './markdown.js';
