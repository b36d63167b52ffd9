/**
 * How a Terraform step's results read: in plan.md and the PR comment, on the terminal, in the
 * report's summaries, the apply comment and the evidence. Pure functions over redacted data.
 */
import type { Removal, ResultOf, TextColors } from '../executor.js';
import { codeCell, escapeCell, escapeMarkdown, fenced, formatValue } from '../markdown.js';
import type { AttributeChange, ResourceAction, ResourceChange, TerraformRun } from './types.js';

type TerraformResult = ResultOf<'terraform', TerraformRun>;

/** `planned: 1 to create, 2 to update, 1 output change`. */
export function terraformSummary(step: TerraformResult): string | undefined {
  if (!step.terraform) return undefined;
  const counts = new Map<string, number>();
  for (const resource of step.terraform.resources) {
    const label = resourceActionLabel(resource);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const parts = [...counts].map(([action, count]) => `${count} to ${action}`);
  const outputs = step.terraform.outputs.length;
  if (outputs > 0) parts.push(`${outputs} output change${outputs === 1 ? '' : 's'}`);
  return `${step.status}: ${parts.length > 0 ? parts.join(', ') : 'no changes'}`;
}

/**
 * `+3 ~1 −2` (create, update, delete; a replace counts as one create and one delete, as Terraform's
 * own `Plan:` line does), then `1 to forget` and any action netchange does not know by its name, or
 * `2 outputs change`; undefined when nothing changes.
 */
export function terraformChangeLine(step: TerraformResult): string | undefined {
  const run = step.terraform;
  if (!run) return undefined;
  let create = 0;
  let update = 0;
  let destroy = 0;
  const others = new Map<string, number>();
  for (const resource of run.resources) {
    if (resource.action === 'create' || resource.action === 'replace') create += 1;
    if (resource.action === 'delete' || resource.action === 'replace') destroy += 1;
    if (resource.action === 'update') update += 1;
    if (resource.action === 'forget' || resource.action === 'unknown') {
      const label = actionLabel(resource);
      others.set(label, (others.get(label) ?? 0) + 1);
    }
  }
  const parts = create + update + destroy > 0 ? [`+${create} ~${update} −${destroy}`] : [];
  for (const [label, count] of others) parts.push(`${count} to ${label}`);
  if (parts.length > 0) return parts.join(', ');
  const outputs = run.outputs.length;
  if (outputs > 0) return `${outputs} ${outputs === 1 ? 'output changes' : 'outputs change'}`;
  return undefined;
}

/**
 * Resources the plan deletes, replaces (a replace destroys the object first) or forgets (Terraform
 * stops managing it); an action netchange does not know is listed too, by its name.
 */
export function terraformRemovals(step: TerraformResult): Removal[] {
  return (step.terraform?.resources ?? [])
    .filter((resource) => REMOVING_ACTIONS.has(resource.action))
    .map((resource) => ({ target: resource.address, what: actionLabel(resource) }));
}

const REMOVING_ACTIONS = new Set<ResourceAction>(['delete', 'replace', 'forget', 'unknown']);

/** Tables of resources and outputs, the apply summary, then (with `details`) attribute changes. */
export function terraformMarkdown(step: TerraformResult, details: boolean): string[] {
  const run = step.terraform;
  if (!run) return [];
  const lines: string[] = [];
  if (run.resources.length > 0) {
    lines.push('| Action | Resource | Reason |', '|---|---|---|');
    for (const resource of run.resources) {
      lines.push(
        `| ${escapeCell(resourceActionLabel(resource))} | ${codeCell(resource.address)} | ${escapeCell(resourceReason(resource))} |`,
      );
    }
    lines.push('');
  }
  if (run.outputs.length > 0) {
    lines.push('| Output | Action | Value |', '|---|---|---|');
    for (const output of run.outputs) {
      lines.push(
        `| ${codeCell(output.name)} | ${escapeCell(actionLabel(output))} | ${escapeCell(formatValue(output.after ?? output.before))} |`,
      );
    }
    lines.push('');
  }
  if (run.summary) lines.push(`> ${escapeMarkdown(run.summary)}`, '');
  if (details && run.resources.some((resource) => resource.attributes.length > 0)) {
    lines.push('<details><summary>Attribute changes</summary>', '');
    lines.push(...fenced(run.resources.map(resourceText).join('\n'), 'diff'));
    lines.push('</details>', '');
  }
  return lines;
}

/** One line per resource (action, address, reason) and per output. */
export function terraformText(step: TerraformResult, colors: TextColors): string[] {
  if (!step.terraform) return [];
  const lines: string[] = [];
  for (const resource of step.terraform.resources) {
    lines.push(
      `    ${resourceActionLabel(resource).padEnd(8)} ${resource.address}${resource.reason ? colors.dim(` (${resource.reason.replace(/_/g, ' ')})`) : ''}`,
    );
  }
  for (const output of step.terraform.outputs)
    lines.push(`    output   ${output.name} (${actionLabel(output)})`);
  return lines;
}

/** `3 resource changes`, when there are any. */
export function terraformCounts(step: TerraformResult): string[] {
  const resources = step.terraform?.resources ?? [];
  return resources.length > 0
    ? [`${resources.length} resource change${resources.length === 1 ? '' : 's'}`]
    : [];
}

/** Per resource: its action and how many attributes change. */
export function terraformDiffTails(step: TerraformResult): string[] {
  return (step.terraform?.resources ?? []).map(
    (resource) =>
      `- ${codeCell(resource.address)}: ${actionLabel(resource)}, ${resource.attributes.length} attribute${resource.attributes.length === 1 ? '' : 's'}`,
  );
}

/** Per resource: its action. */
export function terraformApplyDetails(step: TerraformResult): string[] {
  return (step.terraform?.resources ?? []).map(
    (resource) => `  - ${codeCell(resource.address)}: ${actionLabel(resource)}`,
  );
}

/** Terraform's own counts, and every resource's attribute changes. */
export function terraformEvidence(step: TerraformResult): { summary: string; diff?: string } | undefined {
  const run = step.terraform;
  if (!run) return undefined;
  const count = (action: string) => run.resources.filter((resource) => resource.action === action).length;
  const replaced = count('replace');
  const others = new Map<string, number>();
  for (const resource of run.resources) {
    if (resource.action !== 'forget' && resource.action !== 'unknown') continue;
    others.set(actionLabel(resource), (others.get(actionLabel(resource)) ?? 0) + 1);
  }
  const summary = [
    `${count('create') + replaced} to add, ${count('update')} to change, ${count('delete') + replaced} to destroy`,
    ...[...others].map(([label, number]) => `${number} to ${label}`),
  ].join(', ');
  const lines = run.resources.map((resource) => {
    const attributes = resource.attributes.map(
      (attribute) =>
        `    ${attribute.path}: ${JSON.stringify(attribute.before) ?? 'null'} -> ${attribute.unknownAfter ? '(known after apply)' : (JSON.stringify(attribute.after) ?? 'null')}`,
    );
    return [`${actionLabel(resource)} ${resource.address}`, ...attributes].join('\n');
  });
  return lines.length > 0 ? { summary, diff: `${lines.join('\n')}\n` } : { summary };
}

/**
 * `create`, `update`, `replace`, `delete`, `read`, `forget`, `move`, `import`, combined when both
 * apply; an action netchange does not know by Terraform's own names.
 */
export function resourceActionLabel(resource: ResourceChange): string {
  const parts: string[] = [];
  if (resource.action !== 'no-op') parts.push(actionLabel(resource));
  if (resource.movedFrom) parts.push('move');
  if (resource.importing) parts.push('import');
  return parts.join(' + ') || 'no-op';
}

/** The action by its name; one netchange does not know by Terraform's raw names (`create/forget`). */
function actionLabel(change: { action: ResourceAction; rawActions?: string[] }): string {
  if (change.action !== 'unknown') return change.action;
  const raw = (change.rawActions ?? []).join('/');
  return raw === '' ? 'unknown action' : raw;
}

function resourceReason(resource: ResourceChange): string {
  const parts: string[] = [];
  if (resource.reason) parts.push(resource.reason.replace(/_/g, ' '));
  if (resource.replacePaths) parts.push(`forced by ${resource.replacePaths.join(', ')}`);
  if (resource.movedFrom) parts.push(`moved from ${resource.movedFrom}`);
  return parts.join('; ');
}

const ATTRIBUTE_SIGN: Record<string, string> = {
  create: '+',
  delete: '-',
  update: '~',
  replace: '~',
  read: ' ',
  forget: '-',
  'no-op': ' ',
};

function resourceText(resource: ResourceChange): string {
  const lines = [`# ${resource.address}: ${resourceActionLabel(resource)}`];
  for (const attribute of resource.attributes)
    lines.push(attributeText(attribute, ATTRIBUTE_SIGN[resource.action] ?? '~'));
  return lines.join('\n');
}

function attributeText(attribute: AttributeChange, sign: string): string {
  const after = attribute.unknownAfter ? '(known after apply)' : formatValue(attribute.after);
  if (attribute.before === undefined) return `+ ${attribute.path} = ${after}`;
  if (attribute.after === undefined && !attribute.unknownAfter)
    return `- ${attribute.path} = ${formatValue(attribute.before)}`;
  return `${sign === '+' ? '~' : sign} ${attribute.path} = ${formatValue(attribute.before)} -> ${after}`;
}
