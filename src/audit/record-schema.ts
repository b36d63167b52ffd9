import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';
import { SCHEMAS_DIRECTORY } from '../documents/schemas.js';

export const EVIDENCE_SCHEMA_FILE = 'evidence-record.schema.json';

let validate: ValidateFunction | undefined;

// why: compiled once per process, on first use; verifying 10,000 records reuses it.
function validator(): ValidateFunction {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
    // why: ajv-formats is CommonJS; under ESM its default export is the plugin function itself.
    (addFormatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
    const schema = JSON.parse(readFileSync(path.join(SCHEMAS_DIRECTORY, EVIDENCE_SCHEMA_FILE), 'utf8'));
    validate = ajv.compile(schema);
  }
  return validate;
}

/** Checks a value against the EvidenceRecord schema; returns the first problem, or undefined when valid. */
export function describeRecordProblem(value: unknown): string | undefined {
  const check = validator();
  if (check(value)) return undefined;
  const error = check.errors?.[0];
  if (!error) return 'does not match the evidence record schema';
  const where = error.instancePath === '' ? 'the record' : error.instancePath.slice(1).replace(/\//g, '.');
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return `${where} ${error.message ?? 'is invalid'}${extra ? ` ('${extra}')` : ''}`;
}
