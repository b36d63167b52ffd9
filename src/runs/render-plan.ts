/**
 * Renders a plan for people: markdown (plan.md, the PR comment) and text (the terminal). Pure
 * functions over already-redacted data.
 */
import pc from 'picocolors';
import type {
  AnsibleHostResult,
  AttributeChange,
  FileDiff,
  ResourceChange,
  StepResult,
  TerraformRun,
} from '../executors/types.js';
import { GITHUB_LIMITS, truncateToLimit } from '../github/limits.js';
import type { PlanDocument, PlanStatus, ProposalPlan } from './plan-document.js';

const STATUS_ICON: Record<PlanStatus, string> = { planned: '✅', failed: '❌', error: '⚠️', cancelled: '⏹️' };

/**
 * plan.md and the PR comment. `limit` (default: GitHub's comment limit) drops per-device details when
 * the whole plan does not fit; the plan.md artifact is written without a limit.
 */
export function renderPlanMarkdown(
  plan: PlanDocument,
  options: { artifacts?: string; limit?: number } = {},
): string {
  const limit = options.limit ?? GITHUB_LIMITS.commentSection;
  const header = [
    '## netchange plan',
    '',
    `${STATUS_ICON[plan.status]} **${plan.summary.proposals} proposal${plan.summary.proposals === 1 ? '' : 's'}** · ` +
      `${plan.summary.changed} with changes · ${plan.summary.failed} failed · ${plan.summary.errors} tool errors` +
      (plan.commit ? ` · commit \`${plan.commit.slice(0, 12)}\`` : ''),
    '',
  ];
  const sections = plan.proposals.map((proposal) => renderProposalMarkdown(proposal));
  const footer = options.artifacts
    ? [`<sub>Full logs and plan.json: \`${options.artifacts}\`</sub>`, '']
    : [];
  let body = [...header, ...sections, ...footer].join('\n');
  if (body.length > limit) {
    // why: keep every proposal's summary line and digest; drop the per-device details that overflow.
    const compact = plan.proposals.map((proposal) => renderProposalMarkdown(proposal, { details: false }));
    const note = `> The full plan is longer than a comment allows; per-device diffs are in plan.md${options.artifacts ? ` under \`${options.artifacts}\`` : ''}.\n`;
    body = [...header, note, ...compact, ...footer].join('\n');
    body = truncateToLimit(body, limit, '\n\n… (truncated)\n');
  }
  return body;
}

function renderProposalMarkdown(
  proposal: ProposalPlan,
  options: { details: boolean } = { details: true },
): string {
  const lines = [
    `### ${STATUS_ICON[proposal.status]} ${escapeMarkdown(proposal.id)}${proposal.title ? ` — ${escapeMarkdown(proposal.title)}` : ''}`,
    '',
    `\`${proposal.file}\` · ${proposal.status}${proposal.changed ? ' · changes' : ' · no changes'} · digest \`${proposal.digest}\``,
    '',
  ];
  for (const step of proposal.steps) {
    lines.push(
      `#### ${step.index + 1}. ${escapeMarkdown(step.name)} (${step.kind}) — ${stepSummary(step)}`,
      '',
    );
    if (step.message)
      lines.push(
        `> ${escapeMarkdown(step.message)}${step.hint ? `<br>${escapeMarkdown(step.hint)}` : ''}`,
        '',
      );
    if (step.ansible) lines.push(...ansibleMarkdown(step.ansible.hosts, options.details));
    if (step.terraform) lines.push(...terraformMarkdown(step.terraform, options.details));
  }
  return lines.join('\n');
}

function ansibleMarkdown(hosts: readonly AnsibleHostResult[], details: boolean): string[] {
  if (hosts.length === 0) return [];
  const lines = [
    '| Host | ok | changed | failed | unreachable | skipped |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  for (const host of hosts) {
    lines.push(
      `| ${escapeCell(host.host)} | ${host.ok} | ${host.changed} | ${host.failed} | ${host.unreachable} | ${host.skipped} |`,
    );
  }
  lines.push('');
  if (!details) return lines;
  for (const host of hosts) {
    const entries = hostEntries(host);
    if (entries.length === 0) continue;
    lines.push(
      `<details><summary>${escapeHtml(host.host)} — ${entries.length} change${entries.length === 1 ? '' : 's'}</summary>`,
      '',
    );
    for (const entry of entries) {
      lines.push(
        `**${escapeMarkdown(entry.title)}**${entry.status === 'changed' ? '' : ` (${entry.status})`}`,
        '',
      );
      if (entry.hidden) lines.push('🔒 hidden by `no_log`: the content of this task is never shown.', '');
      if (entry.message) lines.push(`> ${escapeMarkdown(oneLine(entry.message))}`, '');
      for (const diff of entry.diffs) lines.push(...diffMarkdown(diff));
    }
    lines.push('</details>', '');
  }
  return lines;
}

interface HostEntry {
  title: string;
  status: string;
  hidden: boolean;
  message?: string;
  diffs: FileDiff[];
}

/** What a reviewer needs per host: changed, failed and unreachable tasks (and loop items). */
function hostEntries(host: AnsibleHostResult): HostEntry[] {
  const entries: HostEntry[] = [];
  for (const task of host.tasks) {
    if (task.status === 'ok' || task.status === 'skipped') continue;
    const base = { status: task.ignored ? `${task.status}, ignored` : task.status, hidden: task.hidden };
    const items = (task.items ?? []).filter((item) => item.status !== 'ok' && item.status !== 'skipped');
    if (items.length > 0) {
      for (const item of items) {
        entries.push({
          title: `${task.task} [${item.label}]`,
          status: item.status,
          hidden: item.hidden || task.hidden,
          ...(item.message && item.status !== 'changed' ? { message: item.message } : {}),
          diffs: item.diffs,
        });
      }
    } else {
      entries.push({
        title: task.task,
        ...base,
        ...(task.message && task.status !== 'changed' ? { message: task.message } : {}),
        diffs: task.diffs,
      });
    }
  }
  return entries;
}

function diffMarkdown(diff: FileDiff): string[] {
  const lines: string[] = [];
  if (diff.path && !diff.unified) lines.push(`\`${diff.path}\``, '');
  if (diff.unified) lines.push(...fenced(diff.unified, 'diff'));
  if (diff.prepared) lines.push(...fenced(diff.prepared, ''));
  return lines;
}

function terraformMarkdown(run: TerraformRun, details: boolean): string[] {
  const lines: string[] = [];
  if (run.resources.length > 0) {
    lines.push('| Action | Resource | Reason |', '|---|---|---|');
    for (const resource of run.resources) {
      lines.push(
        `| ${resourceActionLabel(resource)} | \`${escapeCell(resource.address)}\` | ${escapeCell(resourceReason(resource))} |`,
      );
    }
    lines.push('');
  }
  if (run.outputs.length > 0) {
    lines.push('| Output | Action | Value |', '|---|---|---|');
    for (const output of run.outputs) {
      lines.push(
        `| \`${escapeCell(output.name)}\` | ${output.action} | ${escapeCell(formatValue(output.after ?? output.before))} |`,
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

/** `create`, `update`, `replace`, `delete`, `read`, `move`, `import`, combined when both apply. */
export function resourceActionLabel(resource: ResourceChange): string {
  const parts: string[] = [];
  if (resource.action !== 'no-op') parts.push(resource.action);
  if (resource.movedFrom) parts.push('move');
  if (resource.importing) parts.push('import');
  return parts.join(' + ') || 'no-op';
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

function formatValue(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
}

/** One line per step: its status and what it would change. */
export function stepSummary(step: StepResult): string {
  if (step.status !== 'planned' && step.status !== 'applied') return step.status;
  if (step.terraform) {
    const counts = new Map<string, number>();
    for (const resource of step.terraform.resources) {
      const label = resourceActionLabel(resource);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    const parts = [...counts].map(([action, count]) => `${count} to ${action}`);
    if (step.terraform.outputs.length > 0)
      parts.push(
        `${step.terraform.outputs.length} output change${step.terraform.outputs.length === 1 ? '' : 's'}`,
      );
    return `${step.status}: ${parts.length > 0 ? parts.join(', ') : 'no changes'}`;
  }
  if (step.ansible) {
    const changed = step.ansible.hosts.filter((host) => host.changed > 0).length;
    return `${step.status}: ${changed} of ${step.ansible.hosts.length} host${step.ansible.hosts.length === 1 ? '' : 's'} ${step.mode === 'check' ? 'would change' : 'changed'}`;
  }
  return step.status;
}

function fenced(text: string, language: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${language}`, text.replace(/\n$/, ''), fence, ''];
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, '\\$1');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The terminal view: one block per proposal, diffs in colour when `color`. */
export function renderPlanText(
  plan: PlanDocument,
  options: { color: boolean; runDirectory?: string },
): string {
  const colors = pc.createColors(options.color);
  const statusColor = (status: string, text: string) =>
    status === 'planned' || status === 'applied'
      ? colors.green(text)
      : status === 'skipped'
        ? colors.dim(text)
        : colors.red(text);
  const lines: string[] = [];
  for (const proposal of plan.proposals) {
    lines.push(
      `${colors.bold(proposal.id)}  ${proposal.title ?? ''}  ${statusColor(proposal.status, proposal.status)}${proposal.changed ? ' (changes)' : ''}`,
      colors.dim(`  ${proposal.file}  ${proposal.digest}`),
    );
    for (const step of proposal.steps) {
      lines.push(
        `  ${statusColor(step.status, step.status === 'planned' || step.status === 'applied' ? '✓' : '✗')} ${step.index + 1}. ${step.name}: ${stepSummary(step)}`,
      );
      if (step.message) lines.push(`      ${step.message}`);
      if (step.hint) lines.push(colors.dim(`      hint: ${step.hint}`));
      for (const host of step.ansible?.hosts ?? []) {
        for (const entry of hostEntries(host)) {
          lines.push(
            `    ${colors.cyan(host.host)} · ${entry.title}${entry.hidden ? ' · hidden by no_log' : ''}`,
          );
          if (entry.message) lines.push(`      ${oneLine(entry.message)}`);
          for (const diff of entry.diffs) {
            for (const line of (diff.unified ?? diff.prepared ?? '').replace(/\n$/, '').split('\n')) {
              if (line === '') continue;
              const colored =
                line.startsWith('+') && !line.startsWith('+++')
                  ? colors.green(line)
                  : line.startsWith('-') && !line.startsWith('---')
                    ? colors.red(line)
                    : colors.dim(line);
              lines.push(`      ${colored}`);
            }
          }
        }
      }
      if (step.terraform) {
        for (const resource of step.terraform.resources) {
          lines.push(
            `    ${resourceActionLabel(resource).padEnd(8)} ${resource.address}${resource.reason ? colors.dim(` (${resource.reason.replace(/_/g, ' ')})`) : ''}`,
          );
        }
        for (const output of step.terraform.outputs)
          lines.push(`    output   ${output.name} (${output.action})`);
      }
    }
    lines.push('');
  }
  const summary = plan.summary;
  lines.push(
    `${summary.proposals} proposal${summary.proposals === 1 ? '' : 's'}: ${summary.planned} planned, ${summary.failed} failed, ${summary.errors} tool errors${summary.cancelled ? `, ${summary.cancelled} cancelled` : ''}; ${summary.changed} with changes`,
  );
  if (options.runDirectory) lines.push(colors.dim(`artifacts: ${options.runDirectory}`));
  return `${lines.join('\n')}\n`;
}
