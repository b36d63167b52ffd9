import { jsonDocument } from '../reporter.js';
import type { ApplyOutput } from './output.js';

/** `apply --format json`: result.json, redacted as data. */
export function renderApplyJson({ result, redactor }: ApplyOutput): string {
  return jsonDocument(redactor.redactValue(result));
}
