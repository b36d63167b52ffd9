import type { Reporter } from '../reporter.js';
import { renderGithubAnnotations } from './github-annotations.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { ValidationOutput } from './output.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';

/**
 * Every validation format at once, for `renderReport`, which renders synchronously.
 * why: validation is the one kind whose renderers are also called without the registry's loaders;
 * src/reporters/registry.test.ts checks that this table and the registered formats agree.
 */
export const VALIDATION_FORMATS = {
  text: ({ report, color }) => renderText(report, { color }),
  json: ({ report }) => renderJson(report),
  sarif: ({ report }) => renderSarif(report),
  junit: ({ report }) => renderJunit(report),
  markdown: ({ report }) => renderMarkdown(report),
  github: ({ report }) => renderGithubAnnotations(report),
} satisfies Record<string, Reporter<ValidationOutput>>;
