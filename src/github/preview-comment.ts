import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import type { ValidationReport } from '../core/model.js';
import type { PlanDocument } from '../runs/plan-document.js';
import { composeReport } from './compose-report.js';

export interface PreviewOptions {
  /** The validation report, evaluated locally (approvals from --approvals instead of reviews). */
  report: ValidationReport;
  /** `--from DIR`: the run directory whose plan.json / plan.md the comment shows. */
  runDirectory?: string;
}

/**
 * The report comment exactly as `netchange comment` would post it, without GitHub: the same
 * composition (size limit, plan section, conclusion), for reviewing locally and for the demo.
 */
export async function previewComment(
  options: PreviewOptions,
): Promise<{ comment: string; conclusion: string }> {
  const { renderMarkdown } = await import('../reporters/validation/markdown.js');
  const directory = options.runDirectory;
  if (directory && !existsSync(directory)) {
    throw usageError(`--from ${directory} does not exist`, 'Name the --out-dir of a `netchange plan` run.');
  }
  const planFile = directory ? path.join(directory, 'plan.json') : undefined;
  const markdownFile = directory ? path.join(directory, 'plan.md') : undefined;
  const plan =
    planFile && existsSync(planFile)
      ? (JSON.parse(await readFile(planFile, 'utf8')) as PlanDocument)
      : undefined;
  const planMarkdown =
    markdownFile && existsSync(markdownFile) ? await readFile(markdownFile, 'utf8') : undefined;
  const composed = composeReport({
    report: options.report,
    reportMarkdown: renderMarkdown(options.report),
    ...(plan ? { plan } : {}),
    ...(planMarkdown ? { planMarkdown } : {}),
    ...(directory ? { artifacts: directory } : {}),
  });
  return { comment: composed.comment, conclusion: composed.check.conclusion };
}
