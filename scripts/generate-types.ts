/**
 * Generates src/core/schema-types.generated.ts from schemas/*.schema.json, so the TypeScript types
 * never drift from the schemas (a test fails when the committed file is stale).
 * Run with `npm run schemas` after editing a schema.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderSchemaTypes } from './schema-types.js';

const target = path.resolve(import.meta.dirname, '../src/core/schema-types.generated.ts');
await writeFile(target, await renderSchemaTypes());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
