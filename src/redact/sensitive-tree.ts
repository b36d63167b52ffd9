import { REDACTED, type Redactor } from './redactor.js';

/**
 * Masks the parts of `value` that a Terraform `*_sensitive` tree marks (`true` at a node means the
 * whole node is sensitive; objects and arrays mirror the value's shape). Masked values are learned
 * by the redactor so they also disappear from logs and free text.
 */
export function maskSensitive(value: unknown, sensitive: unknown, redactor: Redactor): unknown {
  if (sensitive === true) {
    if (value === null || value === undefined) return value;
    redactor.learn(value);
    return REDACTED;
  }
  if (sensitive === null || typeof sensitive !== 'object') return value;
  if (Array.isArray(value)) {
    const marks = Array.isArray(sensitive) ? sensitive : [];
    return value.map((item, index) => maskSensitive(item, marks[index], redactor));
  }
  if (value !== null && typeof value === 'object') {
    const marks = sensitive as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = maskSensitive(item, marks[key], redactor);
    return copy;
  }
  return value;
}
