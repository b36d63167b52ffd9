/**
 * Turns `terraform show -json` of a saved plan into resource and output changes, sensitive values
 * masked and redacted. Pure.
 */
import { maskSensitive, type Redactor } from '../../redact/index.js';
import type { AttributeChange, OutputChange, ResourceAction, ResourceChange, TerraformRun } from './types.js';

type JsonObject = Record<string, unknown>;

/**
 * Turns `terraform show -json` of a saved plan into resource and output changes. Only
 * `resource_changes` and `output_changes` are rendered; `variables`, `prior_state` and
 * `configuration` are read only to learn which values are sensitive. Pure.
 */
export function parseTerraformPlan(plan: unknown, redactor: Redactor): TerraformRun {
  const document = isObject(plan) ? plan : {};
  learnSensitiveVariables(document, redactor);
  const resources = asArray(document.resource_changes).flatMap((entry) => toResourceChange(entry, redactor));
  // why: objects whose real state differs from the recorded one (drift's `plan -refresh-only`).
  const changedOutside = asArray(document.resource_drift).flatMap((entry) =>
    toResourceChange(entry, redactor),
  );
  const outputs: OutputChange[] = [];
  const outputChanges = isObject(document.output_changes) ? document.output_changes : {};
  for (const [name, entry] of Object.entries(outputChanges).sort(([a], [b]) => a.localeCompare(b))) {
    if (!isObject(entry)) continue;
    const { action, rawActions } = toAction(asArray(entry.actions));
    if (action === 'no-op') continue;
    const sensitive = entry.before_sensitive === true || entry.after_sensitive === true;
    const output: OutputChange = { name, action, ...(rawActions ? { rawActions } : {}), sensitive };
    const before = redactor.redactValue(maskSensitive(entry.before, entry.before_sensitive, redactor));
    const after = redactor.redactValue(maskSensitive(entry.after, entry.after_sensitive, redactor));
    if (before !== null && before !== undefined) output.before = before;
    if (entry.after_unknown === true) output.after = '(known after apply)';
    else if (after !== null && after !== undefined) output.after = after;
    outputs.push(output);
  }
  return {
    resources,
    outputs,
    hasChanges: resources.length > 0 || outputs.length > 0,
    ...(changedOutside.length > 0 ? { changedOutside } : {}),
  };
}

/** One entry of `resource_changes` or `resource_drift`; none for a no-op that is neither moved nor imported. */
function toResourceChange(entry: unknown, redactor: Redactor): ResourceChange[] {
  if (!isObject(entry) || !isObject(entry.change)) return [];
  const change = entry.change;
  const { action, rawActions } = toAction(asArray(change.actions));
  // why: an address holds its for_each key, which can be a learned secret; redacted here, before a
  // renderer escapes it (`&#124;` in Markdown) into a form the final text pass no longer knows.
  const movedFrom =
    typeof entry.previous_address === 'string' ? redactor.redactText(entry.previous_address) : undefined;
  const importing = change.importing !== undefined && change.importing !== null;
  if (action === 'no-op' && !movedFrom && !importing) return [];
  const before = redactor.redactValue(maskSensitive(change.before, change.before_sensitive, redactor));
  const after = redactor.redactValue(maskSensitive(change.after, change.after_sensitive, redactor));
  const resource: ResourceChange = {
    address: redactor.redactText(String(entry.address ?? '')),
    type: String(entry.type ?? ''),
    mode: String(entry.mode ?? 'managed'),
    action,
    ...(rawActions ? { rawActions } : {}),
    attributes: attributeChanges(before, after, change.after_unknown),
  };
  if (typeof entry.action_reason === 'string') resource.reason = entry.action_reason;
  const replacePaths = asArray(change.replace_paths).map((segments) =>
    redactor.redactText(asArray(segments).map(String).join('.')),
  );
  if (replacePaths.length > 0) resource.replacePaths = replacePaths;
  if (movedFrom) resource.movedFrom = movedFrom;
  if (importing) resource.importing = true;
  return [resource];
}

function learnSensitiveVariables(document: JsonObject, redactor: Redactor): void {
  const configuration = isObject(document.configuration) ? document.configuration : {};
  const rootModule = isObject(configuration.root_module) ? configuration.root_module : {};
  const declared = isObject(rootModule.variables) ? rootModule.variables : {};
  const values = isObject(document.variables) ? document.variables : {};
  for (const [name, declaration] of Object.entries(declared)) {
    const entry = values[name];
    if (isObject(declaration) && declaration.sensitive === true && isObject(entry))
      redactor.learn(entry.value);
  }
}

/** Actions Terraform plans for one object alone. */
const SINGLE_ACTIONS: readonly ResourceAction[] = ['no-op', 'create', 'update', 'delete', 'read', 'forget'];

/**
 * Terraform's action list as one action: a single known action, or `replace` for create and delete
 * in either order.
 * why: anything else (a newer Terraform's `create` + `forget`, an empty list) fails closed as
 * `unknown` with its raw names, so it is shown, counted, hashed and applied, never dropped as no-op.
 */
function toAction(actions: unknown[]): { action: ResourceAction; rawActions?: string[] } {
  const list = actions.map(String);
  const [first, second] = list;
  const single = list.length === 1 ? SINGLE_ACTIONS.find((action) => action === first) : undefined;
  if (single) return { action: single };
  if (list.length === 2 && [first, second].sort().join(',') === 'create,delete') return { action: 'replace' };
  return { action: 'unknown', rawActions: list };
}

function attributeChanges(before: unknown, after: unknown, afterUnknown: unknown): AttributeChange[] {
  const beforeLeaves = flatten(before);
  const afterLeaves = flatten(after);
  const unknownLeaves = flatten(afterUnknown);
  const paths = new Set([...beforeLeaves.keys(), ...afterLeaves.keys()]);
  for (const [unknownPath, value] of unknownLeaves) if (value === true) paths.add(unknownPath);
  const changes: AttributeChange[] = [];
  for (const leafPath of [...paths].sort()) {
    const beforeValue = beforeLeaves.get(leafPath);
    const afterValue = afterLeaves.get(leafPath);
    const unknown = unknownLeaves.get(leafPath) === true;
    if (!unknown && JSON.stringify(beforeValue) === JSON.stringify(afterValue)) continue;
    if (!unknown && (beforeValue ?? null) === null && (afterValue ?? null) === null) continue;
    const change: AttributeChange = { path: leafPath };
    if (beforeValue !== undefined && beforeValue !== null) change.before = beforeValue;
    if (unknown) change.unknownAfter = true;
    else if (afterValue !== undefined && afterValue !== null) change.after = afterValue;
    changes.push(change);
  }
  return changes;
}

function flatten(
  value: unknown,
  prefix = '',
  into = new Map<string, unknown>(),
  depth = 0,
): Map<string, unknown> {
  if (depth > 32) {
    into.set(prefix, value);
    return into;
  }
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, index) => {
      flatten(item, `${prefix}[${index}]`, into, depth + 1);
    });
  } else if (isObject(value) && Object.keys(value).length > 0) {
    for (const [key, item] of Object.entries(value))
      flatten(item, prefix ? `${prefix}.${key}` : key, into, depth + 1);
  } else if (prefix !== '') {
    into.set(prefix, value);
  }
  return into;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
