import { jsonDocument } from '../reporter.js';
import type { ApplyOutput } from './output.js';

/**
 * `apply --format json`: result.json, redacted as data, with `runDirectory` (relative to where
 * apply ran): the files result.json names (step logs, `backups[].before.path`...) are under it.
 */
export function renderApplyJson({ result, runDirectory, redactor }: ApplyOutput): string {
  return jsonDocument(redactor.redactValue({ ...result, runDirectory }));
}
