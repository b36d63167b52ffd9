import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Every document kind netchange reads, with the schema file that defines it. */
export const DOCUMENT_KINDS = {
  ChangeProposal: 'change-proposal.schema.json',
  WindowPolicy: 'window-policy.schema.json',
  ChangeControlPolicy: 'change-control-policy.schema.json',
  Config: 'config.schema.json',
  DriftPolicy: 'drift-policy.schema.json',
} as const;

export type DocumentKind = keyof typeof DOCUMENT_KINDS;

/** The evidence record's schema: not a document kind (netchange writes records, people do not). */
export const EVIDENCE_SCHEMA_FILE = 'evidence-record.schema.json';

export const API_VERSION = 'netchange/v1';

/** The project's schemas/ folder, found from this file both under src/ (tsx) and dist/ (built). */
export const SCHEMAS_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');

/** Loads a schema file as data (for tests, docs and tooling). */
export function loadSchema(kind: DocumentKind): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(SCHEMAS_DIRECTORY, DOCUMENT_KINDS[kind]), 'utf8'));
}
