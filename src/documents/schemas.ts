import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import type { Finding } from '../core/findings.js';
import type { DocumentPath, YamlDocument } from './parse-yaml.js';
import { API_VERSION, DOCUMENT_KINDS, type DocumentKind } from './schema-files.js';
import * as precompiled from './schema-validators.generated.js';

export {
  API_VERSION,
  DOCUMENT_KINDS,
  type DocumentKind,
  loadSchema,
  SCHEMAS_DIRECTORY,
} from './schema-files.js';

// why: validators are precompiled from the schemas by `npm run schemas` (Ajv standalone): no
// schema compiles at run time, and a test keeps the generated module in step with schemas/.
function validatorFor(kind: DocumentKind): ValidateFunction {
  return (precompiled as unknown as Record<DocumentKind, ValidateFunction>)[kind];
}

/**
 * Checks a parsed document's apiVersion, kind and schema. Returns `schema` findings written for
 * people, each at the line of the offending key or value; an empty list means the document is valid.
 */
export function validateDocument(document: YamlDocument, kind: DocumentKind): Finding[] {
  const value = document.value;
  const at = (pathTo: DocumentPath, key = false) => ({
    file: document.file,
    ...(key ? document.keyPositionOf(pathTo) : document.positionOf(pathTo)),
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [
      {
        ruleId: 'schema',
        severity: 'error',
        message: `the file must be a YAML mapping (a ${kind}), not ${describeValue(value)}`,
        hint: `Start the file with 'apiVersion: ${API_VERSION}' and 'kind: ${kind}'.`,
        ...at([]),
      },
    ];
  }
  const record = value as Record<string, unknown>;
  if (record.apiVersion !== API_VERSION) {
    return [
      {
        ruleId: 'schema',
        severity: 'error',
        message:
          record.apiVersion === undefined
            ? 'apiVersion is missing'
            : `apiVersion '${String(record.apiVersion)}' is not supported`,
        hint: `Set 'apiVersion: ${API_VERSION}'.`,
        ...at(['apiVersion']),
      },
    ];
  }
  if (record.kind !== kind) {
    return [
      { ruleId: 'schema', severity: 'error', ...describeWrongKind(record.kind, kind), ...at(['kind']) },
    ];
  }
  const validate = validatorFor(kind);
  if (validate(value)) return [];
  return describeSchemaErrors(validate.errors ?? [], document);
}

/**
 * A kind other than the one the file's place calls for. why: only a kind netchange reads has a place
 * to move the file to; for any other the hint names the kinds there are.
 */
function describeWrongKind(found: unknown, kind: DocumentKind): { message: string; hint: string } {
  if (found === undefined)
    return { message: `kind is missing; expected ${kind}`, hint: `Set 'kind: ${kind}'.` };
  if (typeof found === 'string' && Object.hasOwn(DOCUMENT_KINDS, found))
    return {
      message: `kind '${found}' found where a ${kind} belongs`,
      hint: `Set 'kind: ${kind}', or move the file where ${found} documents live.`,
    };
  return {
    message: `kind '${String(found)}' is not a kind netchange reads; this file holds a ${kind}`,
    hint: `Set 'kind: ${kind}'. The kinds are ${Object.keys(DOCUMENT_KINDS).join(', ')}.`,
  };
}

function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'an empty document';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function splitPointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `execution[0].ansible.limit` — how people name a place in a document. */
export function formatPath(pathTo: DocumentPath): string {
  let text = '';
  for (const segment of pathTo) {
    text += typeof segment === 'number' ? `[${segment}]` : text ? `.${segment}` : segment;
  }
  return text || 'the document';
}

function describeSchemaErrors(errors: ErrorObject[], document: YamlDocument): Finding[] {
  // why: oneOf branches only hold `required`, so their inner errors are noise; the oneOf error says it all.
  const relevant = errors.filter((error) => !/\/oneOf\/\d+\//.test(error.schemaPath));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of relevant) {
    const finding = describeSchemaError(error, document);
    const key = `${finding.line}:${finding.column}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(finding);
  }
  return findings;
}

function describeSchemaError(error: ErrorObject, document: YamlDocument): Finding {
  const instancePath = splitPointer(error.instancePath);
  const where = formatPath(instancePath);
  const base = { ruleId: 'schema' as const, severity: 'error' as const, file: document.file };
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as { description?: string; enum?: unknown[] } | undefined;
  // why: the schema validator's own words, for the keywords people rarely meet.
  const asAjvSays = () => ({
    ...base,
    message: `${where} ${error.message ?? 'is invalid'}`,
    ...(schema?.description ? { hint: schema.description } : {}),
    ...document.positionOf(instancePath),
  });
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        ...base,
        message: `${where === 'the document' ? 'the document' : where} is missing required key '${missing}'`,
        hint: describeProperty(error, missing) ?? `Add '${missing}'.`,
        ...document.positionOf(instancePath),
      };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {});
      const suggestion = closest(extra, known);
      return {
        ...base,
        message: `unknown key '${extra}'${instancePath.length ? ` in ${where}` : ''}`,
        hint: suggestion ? `Did you mean '${suggestion}'?` : `Allowed keys: ${known.join(', ')}.`,
        ...document.keyPositionOf([...instancePath, extra]),
      };
    }
    case 'enum':
    case 'const': {
      const allowed = error.keyword === 'enum' ? (params.allowedValues as unknown[]) : [params.allowedValue];
      return {
        ...base,
        message: `${where} must be ${allowed.length > 1 ? 'one of ' : ''}${allowed.map((v) => `'${String(v)}'`).join(', ')}`,
        ...(schema?.description ? { hint: schema.description } : {}),
        ...document.positionOf(instancePath),
      };
    }
    case 'oneOf': {
      // why: a branch may need several keys together (rrule with start and duration): keep them grouped.
      const branches = ((error.schema as { required?: string[] }[]) ?? []).map((branch) =>
        (branch.required ?? []).map((key) => `'${key}'`).join(' with '),
      );
      return {
        ...base,
        message: `${where} needs exactly one of ${branches.join(' or ')}`,
        ...document.positionOf(instancePath),
      };
    }
    case 'type':
      return {
        ...base,
        message: `${where} must be ${article(String(params.type))}`,
        ...(schema?.description ? { hint: schema.description } : {}),
        ...document.positionOf(instancePath),
      };
    case 'minLength':
      if (params.limit === 1 && error.data === '')
        return {
          ...base,
          message: `${where} is empty`,
          hint: schema?.description ?? 'Give it a value, or leave the key out for its default.',
          ...document.positionOf(instancePath),
        };
      return asAjvSays();
    case 'pattern':
      // why: `\S` is how a schema says "not blank"; a value of spaces is empty, not "invalid".
      if (params.pattern === '\\S' && typeof error.data === 'string')
        return {
          ...base,
          message: `${where} is blank`,
          hint: schema?.description ?? 'Give it a value, or leave the key out for its default.',
          ...document.positionOf(instancePath),
        };
      return {
        ...base,
        message: `${where} has an invalid value${typeof error.data === 'string' ? ` '${truncate(error.data)}'` : ''}`,
        ...(schema?.description ? { hint: schema.description } : {}),
        ...document.positionOf(instancePath),
      };
    case 'not': {
      // why: "must NOT be valid" says nothing; a `not` of a pattern names the characters a value may
      // not hold (a title's line breaks), so the finding names the first one and where it is.
      const pattern = (error.schema as { pattern?: string } | undefined)?.pattern;
      const found =
        pattern && typeof error.data === 'string' ? new RegExp(pattern, 'u').exec(error.data) : null;
      if (!found) return asAjvSays();
      return {
        ...base,
        message: `${where} holds ${describeCharacter(found[0])} at character ${found.index + 1}`,
        ...(schema?.description ? { hint: schema.description } : {}),
        ...document.positionOf(instancePath),
      };
    }
    case 'format':
      return {
        ...base,
        message: `${where} has an invalid value${typeof error.data === 'string' ? ` '${truncate(error.data)}'` : ''}`,
        ...(schema?.description ? { hint: schema.description } : {}),
        ...document.positionOf(instancePath),
      };
    default:
      return asAjvSays();
  }
}

function describeProperty(error: ErrorObject, property: string): string | undefined {
  const properties = (error.parentSchema as { properties?: Record<string, { description?: string }> })
    ?.properties;
  return properties?.[property]?.description;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

// why: a value quoted in a message stays on one line, so it cannot forge lines in a report.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function truncate(text: string): string {
  const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return shown.replace(UNPRINTABLE, (character) => codePointOf(character));
}

const CHARACTER_NAMES: Record<string, string> = {
  '\n': 'a line break',
  '\r': 'a carriage return',
  '\t': 'a tab',
};

function describeCharacter(character: string): string {
  return `${CHARACTER_NAMES[character] ?? 'the character'} (${codePointOf(character)})`;
}

function codePointOf(character: string): string {
  return `U+${(character.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The closest known word within edit distance 2, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
