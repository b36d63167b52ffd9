/**
 * How an Ansible step's results read: in plan.md and the PR comment, on the terminal, in the
 * report's summaries, the apply comment and the evidence. Pure functions over redacted data.
 */
import { cutRedacted } from '../../redact/index.js';
import type { Removal, ResultOf, TextColors } from '../executor.js';
import { escapeCell, escapeHtml, escapeMarkdown, fenced, oneLine } from '../markdown.js';
import type { AnsibleHostResult, AnsibleRun, FileDiff } from './types.js';

type AnsibleResult = ResultOf<'ansible', AnsibleRun>;

/** `planned: 1 of 2 hosts would change`. */
export function ansibleSummary(step: AnsibleResult): string | undefined {
  if (!step.ansible) return undefined;
  const hosts = step.ansible.hosts;
  const changed = hosts.filter((host) => host.changed > 0).length;
  return `${step.status}: ${changed} of ${hosts.length} host${hosts.length === 1 ? '' : 's'} ${step.mode === 'check' ? 'would change' : 'changed'}`;
}

/** `2 hosts change` for the summary table; undefined when no host changes. */
export function ansibleChangeLine(step: AnsibleResult): string | undefined {
  const changed = (step.ansible?.hosts ?? []).filter((host) => host.changed > 0).length;
  if (changed === 0) return undefined;
  return `${changed} ${changed === 1 ? 'host changes' : 'hosts change'}`;
}

/**
 * Per host and file: the configuration lines the diff removes (`-` lines, not the `---` header).
 * why: a removed line is how a deleted ACL entry or VLAN shows in a rendered config; the reviewer
 * must see it even when the host's other lines are additions.
 */
export function ansibleRemovals(step: AnsibleResult): Removal[] {
  const removals: Removal[] = [];
  for (const host of step.ansible?.hosts ?? []) {
    const removed = new Map<string, string[]>();
    for (const task of host.tasks) {
      if (task.hidden) continue;
      const files = [...task.diffs, ...(task.items ?? []).flatMap((item) => (item.hidden ? [] : item.diffs))];
      for (const file of files) {
        const lines = (file.unified ?? '')
          .split('\n')
          .filter((line) => line.startsWith('-') && !line.startsWith('---'))
          .map((line) => line.slice(1).trim())
          .filter((line) => line.length > 0);
        if (lines.length === 0) continue;
        const key = file.path ?? '';
        removed.set(key, [...(removed.get(key) ?? []), ...lines]);
      }
    }
    for (const [file, lines] of removed) {
      removals.push({
        what: `remove ${lines.length} configuration ${lines.length === 1 ? 'line' : 'lines'} from`,
        target: host.host,
        ...(file ? { file } : {}),
        lines: lines.slice(0, 2).map((line) => cutRedacted(oneLine(line), 80)),
      });
    }
  }
  return removals;
}

/** A table of per-host counts, then (with `details`) each host's changes with their diffs. */
export function ansibleMarkdown(step: AnsibleResult, details: boolean): string[] {
  const hosts = step.ansible?.hosts ?? [];
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

/** Each host's changes with their diffs, `+` lines green and `-` lines red. */
export function ansibleText(step: AnsibleResult, colors: TextColors): string[] {
  const lines: string[] = [];
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
  return lines;
}

/** `sw-1 2 changed, 1 failed` per host. */
export function ansibleCounts(step: AnsibleResult): string[] {
  return (step.ansible?.hosts ?? []).map(
    (host) => `${host.host} ${host.changed} changed${host.failed ? `, ${host.failed} failed` : ''}`,
  );
}

/** Per host: its counts and the last `tailLines` lines of each diff. */
export function ansibleDiffTails(step: AnsibleResult, tailLines: number): string[] {
  return (step.ansible?.hosts ?? []).flatMap((host) => hostTail(host, tailLines));
}

/** Per host with diffs: a collapsed block of its unified diffs. */
export function ansibleApplyDetails(step: AnsibleResult): string[] {
  const lines: string[] = [];
  for (const host of step.ansible?.hosts ?? []) {
    const diffs = host.tasks
      .flatMap((task) => (task.hidden ? [] : task.diffs))
      .flatMap((diff) => (diff.unified ? [diff.unified] : []));
    if (diffs.length === 0) continue;
    lines.push(
      `  <details><summary>${host.host}: ${host.changed} changed</summary>`,
      '',
      '```diff',
      ...diffs.map((diff) => diff.replace(/\n$/, '')),
      '```',
      '  </details>',
    );
  }
  return lines;
}

/** The hosts that changed, and every shown diff headed by its host, task and file. */
export function ansibleEvidence(step: AnsibleResult): { summary: string; diff?: string } | undefined {
  if (!step.ansible) return undefined;
  const changedHosts = step.ansible.hosts.filter((host) => host.changed > 0);
  const diffs: string[] = [];
  for (const host of step.ansible.hosts) {
    for (const task of host.tasks) {
      if (task.hidden) continue;
      const files = [...task.diffs, ...(task.items ?? []).flatMap((item) => (item.hidden ? [] : item.diffs))];
      for (const file of files) {
        const body = file.unified ?? file.prepared;
        if (body)
          diffs.push(
            `# ${host.host}: ${task.task}${file.path ? ` (${file.path})` : ''}\n${body.endsWith('\n') ? body : `${body}\n`}`,
          );
      }
    }
  }
  const summary =
    changedHosts.length === 0
      ? 'no changes'
      : `${changedHosts.length} ${changedHosts.length === 1 ? 'host' : 'hosts'} changed (${changedHosts.map((host) => host.host).join(', ')}), ${diffs.length} ${diffs.length === 1 ? 'diff' : 'diffs'}`;
  return diffs.length > 0 ? { summary, diff: diffs.join('') } : { summary };
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

function hostTail(host: AnsibleHostResult, tailLines: number): string[] {
  const diffs: FileDiff[] = host.tasks.flatMap((task) =>
    task.hidden
      ? []
      : [...task.diffs, ...(task.items ?? []).flatMap((item) => (item.hidden ? [] : item.diffs))],
  );
  const lines = [`#### ${host.host}: ${host.changed} changed, ${host.failed} failed, ${host.ok} ok`, ''];
  for (const diff of diffs) {
    const text = diff.unified ?? diff.prepared;
    if (!text) continue;
    const all = text.split('\n');
    const tail = all.slice(-tailLines);
    lines.push(
      `${diff.path ? `\`${diff.path}\` ` : ''}(${all.length} lines${all.length > tail.length ? `, last ${tail.length} shown` : ''})`,
      '',
      '```diff',
      ...tail,
      '```',
      '',
    );
  }
  return lines;
}
