/**
 * GitHub's official OpenAPI description (package @octokit/openapi) as a request checker: routes a
 * request to its operation and validates path and query parameters and the JSON body against it.
 * Anything the description does not describe is a violation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Record<string, unknown>;
}

interface OperationObject {
  operationId: string;
  parameters?: (ParameterObject | { $ref: string })[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> } | { $ref: string };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components: Record<string, Record<string, unknown>>;
}

/** One route of the description: a path template compiled to a pattern, with its operations. */
interface Route {
  template: string;
  pattern: RegExp;
  names: string[];
  literalSegments: number;
  operations: Map<string, OperationObject>;
}

/** What the checker says about one request. */
export interface RequestCheck {
  /** The operation (`issues/create-comment`), when the method and path are described. */
  operationId?: string;
  /** Decoded path parameters. */
  pathParameters: Record<string, string>;
  /** One sentence per problem; empty when the request is described. */
  problems: string[];
  /** Status to answer when there are problems: 404 unknown route, 422 invalid input. */
  status: number;
}

const require = createRequire(import.meta.url);
// why: ajv-formats is CommonJS; under ESM its default export is the plugin function itself.
const addFormats = addFormatsModule as unknown as (instance: Ajv) => void;

let shared: OpenApiChecker | undefined;

/** The checker, built once per process (the description is 13 MB of JSON). */
export function openApiChecker(): OpenApiChecker {
  shared ??= new OpenApiChecker();
  return shared;
}

export class OpenApiChecker {
  private readonly document: OpenApiDocument;
  private readonly routes: Route[];
  private readonly ajv: Ajv;
  private readonly bodyValidators = new Map<string, ValidateFunction>();
  private readonly queryValidators = new Map<string, ValidateFunction>();

  constructor() {
    const packageDirectory = path.dirname(require.resolve('@octokit/openapi/package.json'));
    const file = path.join(packageDirectory, 'generated', 'api.github.com.json');
    this.document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    this.routes = Object.entries(this.document.paths)
      .map(([template, operations]) => compileRoute(template, operations))
      // why: literal segments win over parameters (`issues/comments/{id}` before `issues/{number}`).
      .sort((a, b) => b.literalSegments - a.literalSegments);
    // why: OpenAPI 3.0 schemas use `nullable`, `example` and vendor keywords; strict mode would reject them.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ components: withoutUntypedNullable(this.document.components) }, 'github');
  }

  /** Routes and validates one request. */
  check(method: string, rawPath: string, query: URLSearchParams, body: unknown): RequestCheck {
    const lower = method.toLowerCase();
    let matched: { route: Route; values: string[] } | undefined;
    for (const route of this.routes) {
      const match = route.pattern.exec(rawPath);
      if (match && route.operations.has(lower)) {
        matched = { route, values: match.slice(1) };
        break;
      }
    }
    if (!matched) {
      return {
        pathParameters: {},
        problems: [`${method} ${rawPath} is not in GitHub's API description`],
        status: 404,
      };
    }
    const { route, values } = matched;
    const operation = route.operations.get(lower) as OperationObject;
    const problems: string[] = [];
    const pathParameters: Record<string, string> = {};
    route.names.forEach((name, index) => {
      pathParameters[name] = decodeURIComponent(values[index] ?? '');
    });

    const parameters = (operation.parameters ?? []).map((parameter) =>
      this.resolve<ParameterObject>(parameter),
    );
    for (const parameter of parameters.filter((candidate) => candidate.in === 'path')) {
      const value = pathParameters[parameter.name];
      if (parameter.schema?.type === 'integer' && !/^\d+$/.test(value ?? ''))
        problems.push(`path parameter ${parameter.name} must be an integer, got '${value}'`);
    }

    const queryParameters = parameters.filter((parameter) => parameter.in === 'query');
    const queryObject: Record<string, string> = {};
    for (const [key, value] of query) {
      if (!queryParameters.some((parameter) => parameter.name === key))
        problems.push(`query parameter '${key}' is not described for ${operation.operationId}`);
      else queryObject[key] = value;
    }
    const validateQuery = this.queryValidator(operation.operationId, queryParameters);
    if (!validateQuery(queryObject)) problems.push(...describeErrors('query', validateQuery));

    const requestBody = operation.requestBody
      ? this.resolve<Exclude<OperationObject['requestBody'], undefined>>(operation.requestBody)
      : undefined;
    const hasBody = body !== undefined;
    if (requestBody && 'content' in requestBody) {
      if (!hasBody && requestBody.required) problems.push(`${operation.operationId} requires a JSON body`);
      if (hasBody) {
        const validateBody = this.bodyValidator(route.template, lower);
        if (!validateBody) problems.push(`${operation.operationId} does not take a JSON body`);
        else if (!validateBody(body)) problems.push(...describeErrors('body', validateBody));
      }
    } else if (hasBody && lower !== 'get' && lower !== 'delete') {
      problems.push(`${operation.operationId} takes no request body`);
    }
    return { operationId: operation.operationId, pathParameters, problems, status: 422 };
  }

  private resolve<T>(value: T | { $ref: string }): T {
    if (value && typeof value === 'object' && '$ref' in value && typeof value.$ref === 'string') {
      const parts = value.$ref.replace(/^#\//, '').split('/');
      let current: unknown = this.document;
      for (const part of parts)
        current = (current as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
      return current as T;
    }
    return value as T;
  }

  private bodyValidator(template: string, method: string): ValidateFunction | undefined {
    const key = `${method} ${template}`;
    const cached = this.bodyValidators.get(key);
    if (cached) return cached;
    const operation = this.document.paths[template]?.[method];
    const requestBody = operation?.requestBody
      ? this.resolve<Exclude<OperationObject['requestBody'], undefined>>(operation.requestBody)
      : undefined;
    const schema =
      requestBody && 'content' in requestBody ? requestBody.content?.['application/json']?.schema : undefined;
    if (schema === undefined) return undefined;
    // why: the body schema's $refs point into the description's components, registered as `github`.
    const validator = this.ajv.compile(withoutUntypedNullable(rebaseRefs(schema)) as object);
    this.bodyValidators.set(key, validator);
    return validator;
  }

  private queryValidator(operationId: string, parameters: ParameterObject[]): ValidateFunction {
    const cached = this.queryValidators.get(operationId);
    if (cached) return cached;
    const properties: Record<string, unknown> = {};
    for (const parameter of parameters) properties[parameter.name] = rebaseRefs(parameter.schema ?? {});
    const validator = new Ajv({
      strict: false,
      allErrors: true,
      coerceTypes: true,
      validateSchema: false,
      logger: false,
    }).compile({
      type: 'object',
      properties,
      required: parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name),
    });
    this.queryValidators.set(operationId, validator);
    return validator;
  }
}

function compileRoute(template: string, operations: Record<string, OperationObject>): Route {
  const names: string[] = [];
  let literalSegments = 0;
  const segments = template.split('/').map((segment, index, all) => {
    const parameter = /^\{([^}]+)\}$/.exec(segment);
    if (!parameter) {
      if (segment) literalSegments += 1;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
    names.push(parameter[1] as string);
    // why: a git ref (`netchange/locks/x`) may arrive with its slashes unencoded as the last segment.
    return (parameter[1] === 'ref' || parameter[1] === 'path') && index === all.length - 1
      ? '(.+)'
      : '([^/]+)';
  });
  const described = new Map<string, OperationObject>();
  for (const [method, operation] of Object.entries(operations)) {
    if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) described.set(method, operation);
  }
  return {
    template,
    pattern: new RegExp(`^${segments.join('/')}$`),
    names,
    literalSegments,
    operations: described,
  };
}

function rebaseRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebaseRefs);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    copy[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#/')
        ? `github${value}`
        : rebaseRefs(value);
  }
  return copy;
}

/**
 * Ajv knows OpenAPI's `nullable` but refuses it without a sibling `type` (GitHub writes
 * `{ oneOf: [...], nullable: true }`, e.g. an issue's milestone): spell those as `anyOf [..., null]`.
 */
function withoutUntypedNullable(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutUntypedNullable);
  if (!schema || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = withoutUntypedNullable(value);
  if (copy.nullable === true && copy.type === undefined) {
    delete copy.nullable;
    return { anyOf: [copy, { type: 'null' }] };
  }
  return copy;
}

function describeErrors(where: string, validator: ValidateFunction): string[] {
  return (validator.errors ?? []).map(
    (error) =>
      `${where}${error.instancePath || ''} ${error.message ?? 'is invalid'}${error.params ? ` ${JSON.stringify(error.params)}` : ''}`,
  );
}
