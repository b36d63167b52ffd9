/**
 * Generates src/core/schema-types.generated.ts (TypeScript types) and
 * src/documents/schema-validators.generated.ts and src/audit/evidence-record-validator.generated.ts
 * (precompiled validators) from schemas/*.schema.json,
 * so neither drifts from the schemas (a test fails when a committed file is stale).
 * Run with `npm run schemas` after editing a schema.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderEvidenceRecordValidator, renderSchemaTypes, renderSchemaValidators } from './schema-types.js';

const types = path.resolve(import.meta.dirname, '../src/core/schema-types.generated.ts');
await writeFile(types, await renderSchemaTypes());
console.log(`wrote ${path.relative(process.cwd(), types)}`);
const validators = path.resolve(import.meta.dirname, '../src/documents/schema-validators.generated.ts');
await writeFile(validators, renderSchemaValidators());
console.log(`wrote ${path.relative(process.cwd(), validators)}`);
const evidence = path.resolve(import.meta.dirname, '../src/audit/evidence-record-validator.generated.ts');
await writeFile(evidence, renderEvidenceRecordValidator());
console.log(`wrote ${path.relative(process.cwd(), evidence)}`);
