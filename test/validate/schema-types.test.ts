import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  renderEvidenceRecordValidator,
  renderSchemaTypes,
  renderSchemaValidators,
} from '../../scripts/schema-types.js';
import { DOCUMENT_KINDS, loadSchema } from '../../src/documents/schemas.js';
import { PROJECT_ROOT } from '../support/repository.js';

describe('schemas and types', () => {
  it('keeps src/core/schema-types.generated.ts in step with schemas/ (run `npm run schemas`)', async () => {
    const committed = await readFile(path.join(PROJECT_ROOT, 'src/core/schema-types.generated.ts'), 'utf8');

    expect(committed).toBe(await renderSchemaTypes());
  });

  it('keeps the precompiled validators in step with schemas/ (run `npm run schemas`)', async () => {
    const committed = await readFile(
      path.join(PROJECT_ROOT, 'src/documents/schema-validators.generated.ts'),
      'utf8',
    );

    expect(committed).toBe(renderSchemaValidators());
  });

  it('keeps the evidence record validator in step with its schema (run `npm run schemas`)', async () => {
    const committed = await readFile(
      path.join(PROJECT_ROOT, 'src/audit/evidence-record-validator.generated.ts'),
      'utf8',
    );

    expect(committed).toBe(renderEvidenceRecordValidator());
  });

  it.each(Object.keys(DOCUMENT_KINDS) as (keyof typeof DOCUMENT_KINDS)[])(
    '%s: every property has a description',
    (kind) => {
      const missing: string[] = [];
      const walk = (node: unknown, where: string): void => {
        if (!node || typeof node !== 'object') return;
        const schema = node as Record<string, unknown>;
        for (const [name, property] of Object.entries(
          (schema.properties as Record<string, Record<string, unknown>>) ?? {},
        )) {
          if (!property.description && !property.$ref) missing.push(`${where}.${name}`);
          walk(property, `${where}.${name}`);
        }
        for (const key of ['items', 'additionalProperties']) walk(schema[key], `${where}[]`);
        for (const [name, definition] of Object.entries((schema.$defs as Record<string, unknown>) ?? {}))
          walk(definition, `#${name}`);
      };

      walk(loadSchema(kind), kind);

      expect(missing).toEqual([]);
    },
  );
});
