import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsPlugin from 'ajv-formats';

/**
 * The one Ajv configuration for netchange's schemas, used by `npm run schemas` to generate the
 * precompiled validators (src/documents/schema-validators.generated.ts).
 */
export function createSchemaAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    // why: messages quote the schema's descriptions and allowed keys (parentSchema).
    verbose: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    ...(options.source ? { code: { source: true, esm: true } } : {}),
  });
  // why: tsType only steers the generated TypeScript types (scripts/schema-types.ts).
  ajv.addKeyword({ keyword: 'tsType', schemaType: 'string' });
  return ajv;
}

/**
 * The Ajv configuration for the evidence record schema, used by `npm run schemas` to generate its
 * precompiled validator (src/audit/evidence-record-validator.generated.ts): the first problem only
 * (a record is written or refused as a whole), and its date-time formats checked.
 */
export function createEvidenceAjv(options: { source?: boolean } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: false,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    ...(options.source ? { code: { source: true, esm: true } } : {}),
  });
  // why: ajv-formats is CommonJS; under ESM its default export is the plugin function itself.
  (addFormatsPlugin as unknown as (instance: Ajv2020) => void)(ajv);
  return ajv;
}
