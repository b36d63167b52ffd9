import { EvidenceRecord } from './evidence-record-validator.generated.js';

interface PrecompiledValidator {
  (value: unknown): boolean;
  errors?: { instancePath: string; message?: string; params: Record<string, unknown> }[] | null;
}

// why: precompiled by `npm run schemas` (Ajv standalone): compiling the schema at run time cost
// ~90 ms on every apply, drift and audit run.
const validate = EvidenceRecord as PrecompiledValidator;

/** Checks a value against the EvidenceRecord schema; returns the first problem, or undefined when valid. */
export function describeRecordProblem(value: unknown): string | undefined {
  if (validate(value)) return undefined;
  const error = validate.errors?.[0];
  if (!error) return 'does not match the evidence record schema';
  const where = error.instancePath === '' ? 'the record' : error.instancePath.slice(1).replace(/\//g, '.');
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  return `${where} ${error.message ?? 'is invalid'}${extra ? ` ('${extra}')` : ''}`;
}
