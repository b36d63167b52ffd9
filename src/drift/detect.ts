/**
 * Detection: runs each configured source of intended state in check mode from the checkout of the
 * default branch — an Ansible playbook (check+diff; each host is one target) or a Terraform stack
 * (`plan -detailed-exitcode`, then `plan -refresh-only`) — and turns what would change into one
 * `DetectedTarget` per device or stack, normalised and filtered by the drift policy.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import pLimit from 'p-limit';
import type { AnsibleHostResult, AnsibleRun, FileDiff } from '../executors/ansible/types.js';
import type { InventoryHostFacts, StepContext } from '../executors/context.js';
import { EXECUTORS, type StepResult, stepOf } from '../executors/registry.js';
import { runStep } from '../executors/run-step.js';
import type { TerraformRun } from '../executors/terraform/types.js';
import type { ProgressReporter } from '../runs/progress.js';
import { DOMAIN_VARIABLE } from './domain.js';
import type { DetectedTarget, DriftAnsibleSource, DriftConfig, DriftTerraformSource } from './model.js';
import {
  type DiffLine,
  type NormalisedDiff,
  normaliseChangeLines,
  normaliseDiff,
  parseUnifiedDiff,
} from './normalise.js';
import type { DriftIgnoreRule } from './policy.js';

// why: the whole file as context, so a section rule sees the block header of every changed line;
// the normalised diff is cut back to three lines of context.
const WHOLE_FILE_CONTEXT = 1_000_000;

// why: the executor shows temporary paths by a placeholder; drift's checkout is `repository` in one.
const CHECKOUT_PREFIX = /^<netchange-temp>\/repository\//;

export interface DetectOptions {
  /** The checkout of the intended commit: steps run from here. */
  checkoutRoot: string;
  config: Pick<DriftConfig, 'ansible' | 'terraform'>;
  /** How steps run (redactor, timeouts, commands, signal, environment, clock). */
  step: Omit<StepContext, 'repoRoot' | 'mode'>;
  /** The drift policy's rules in force. */
  rules: readonly DriftIgnoreRule[];
  /** This machine's host name (vtysh prints it as every FRR instance's `hostname`). */
  localHostname?: string;
  progress: ProgressReporter;
  concurrency: number;
  /**
   * Receives what each Ansible source's check reported of its inventory: every host's groups and
   * its `netchange_domain`, from which resolveDriftOwners names a drifted device's domain.
   */
  onInventory?: (source: DriftAnsibleSource, hosts: ReadonlyMap<string, InventoryHostFacts>) => void;
}

/** Runs every source and returns its targets, Ansible sources first, each in configuration order. */
export async function detectDrift(options: DetectOptions): Promise<DetectedTarget[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const context: StepContext = { ...options.step, repoRoot: options.checkoutRoot, mode: 'check' };
  const runs = [
    ...options.config.ansible.map((source, index) =>
      limit(() =>
        tracked(options.progress, `ansible ${EXECUTORS.ansible.label({ ansible: source })}`, () =>
          detectAnsible(source, index, context, options),
        ),
      ),
    ),
    ...options.config.terraform.map((source, index) =>
      limit(() =>
        tracked(options.progress, `terraform ${terraformTarget(source)}`, () =>
          detectTerraform(source, index, context, options),
        ),
      ),
    ),
  ];
  return (await Promise.all(runs)).flat();
}

async function tracked(
  progress: ProgressReporter,
  label: string,
  run: () => Promise<DetectedTarget[]>,
): Promise<DetectedTarget[]> {
  const started = performance.now();
  progress.started(label, label);
  const targets = await run();
  const drifted = targets.filter((target) => target.status === 'drifted').length;
  const errors = targets.filter((target) => target.status === 'error').length;
  const outcome = errors > 0 ? 'error' : drifted > 0 ? `${drifted} drifted` : 'in sync';
  progress.finished(label, label, outcome, errors === 0, performance.now() - started);
  return targets;
}

async function detectAnsible(
  source: DriftAnsibleSource,
  index: number,
  context: StepContext,
  options: DetectOptions,
): Promise<DetectedTarget[]> {
  const step = stepOf('ansible', { ...source });
  const onInventory = options.onInventory;
  const inventoryFacts: StepContext['inventoryFacts'] = onInventory && {
    variables: [DOMAIN_VARIABLE],
    receive: (hosts) => onInventory(source, hosts),
  };
  const { result } = await runStep(
    step,
    { phase: 'execution', index },
    { ...context, diffContext: WHOLE_FILE_CONTEXT, ...(inventoryFacts ? { inventoryFacts } : {}) },
  );
  const origin = { playbook: source.playbook, inventory: source.inventory };
  const run = result.kind === 'ansible' ? result.ansible : undefined;
  if (!run || result.status === 'error' || result.status === 'cancelled' || run.hosts.length === 0) {
    return [sourceError(source.limit ?? source.playbook, 'ansible', origin, result)];
  }
  return run.hosts.map((host) => hostTarget(host, run, origin, options));
}

function hostTarget(
  host: AnsibleHostResult,
  run: AnsibleRun,
  origin: DetectedTarget['source'],
  options: DetectOptions,
): DetectedTarget {
  const base = { target: host.host, kind: 'ansible' as const, source: origin };
  if (host.failed > 0 || host.unreachable > 0 || (!run.completed && host.tasks.length === 0)) {
    const task = host.tasks.find(
      (candidate) => candidate.status === 'failed' || candidate.status === 'unreachable',
    );
    const why = !task ? 'failed' : task.status === 'unreachable' ? 'unreachable' : `failed at '${task.task}'`;
    const message =
      task && !task.hidden && task.message ? `: ${task.message.replace(/\s+/g, ' ').trim()}` : '';
    return {
      ...base,
      status: 'error',
      diff: '',
      digest: '',
      ignored: [],
      error: `${host.host} ${why}${message}`,
    };
  }
  const rules = options.rules.filter((rule) => rule.appliesTo(host.host));
  const files: FileDiff[] = [];
  const notes: DiffLine[] = [];
  for (const task of host.tasks) {
    if (task.status !== 'changed') continue;
    const taskDiffs = [...task.diffs, ...(task.items ?? []).flatMap((item) => item.diffs)];
    if (task.hidden)
      notes.push({ type: '+', text: `(task '${task.task}' would change; its output is hidden by no_log)` });
    else if (taskDiffs.length === 0)
      notes.push({ type: '+', text: `(task '${task.task}' would change; it shows no diff)` });
    files.push(...taskDiffs);
  }
  const fromFiles = normaliseDiff(
    files.flatMap((file) => [
      ...parseUnifiedDiff(file.unified ?? '').map((lines) => ({ ...lines, header: headerOf(file) })),
      ...(file.prepared
        ? [
            {
              header: headerOf(file),
              lines: file.prepared
                .split('\n')
                .filter(Boolean)
                .map((text) => ({ type: '+' as const, text })),
            },
          ]
        : []),
    ]),
    { rules, ...(options.localHostname ? { localHostname: options.localHostname } : {}) },
  );
  return { ...base, ...classify(combine(fromFiles, normaliseChangeLines(notes, rules))) };
}

/**
 * The file a diff is about, as the report shows it: relative to the repository, not to the checkout
 * it ran in (`state/sw-1.cfg`, not `<netchange-temp>/repository/inventory/../state/sw-1.cfg`).
 */
function headerOf(file: FileDiff): string[] {
  const shown = (file.path ?? 'content').replace(CHECKOUT_PREFIX, '');
  const name = shown === file.path ? shown : path.posix.normalize(shown);
  return [`--- a/${name}`, `+++ b/${name}`];
}

async function detectTerraform(
  source: DriftTerraformSource,
  index: number,
  context: StepContext,
  options: DetectOptions,
): Promise<DetectedTarget[]> {
  const target = terraformTarget(source);
  const origin = { dir: source.dir, ...(source.workspace ? { workspace: source.workspace } : {}) };
  const step = stepOf('terraform', { ...source });
  const planned = (await runStep(step, { phase: 'execution', index }, context)).result;
  if (planned.status !== 'planned') return [sourceError(target, 'terraform', origin, planned)];
  const refreshed = (
    await runStep(step, { phase: 'execution', index }, { ...context, terraformRefreshOnly: true })
  ).result;
  if (refreshed.status !== 'planned') return [sourceError(target, 'terraform', origin, refreshed)];
  const rules = options.rules.filter((rule) => rule.appliesTo(target));
  const lines = terraformLines(planned.kind === 'terraform' ? planned.terraform : undefined);
  // why: only the refresh's changed objects: its output changes also follow configuration changes
  // (an output of a variable), so they cannot tell out of band from unapplied code.
  const changedOutside = refreshed.kind === 'terraform' ? (refreshed.terraform?.changedOutside ?? []) : [];
  const outside = terraformLines({
    resources: changedOutside,
    outputs: [],
    hasChanges: changedOutside.length > 0,
  });
  if (outside.length > 0)
    lines.push({ type: ' ', text: '# changed outside Terraform (plan -refresh-only):' }, ...outside);
  const normalised = normaliseChangeLines(lines, rules);
  // why: -detailed-exitcode also counts changes the plan JSON does not list (e.g. only a state upgrade).
  const unlisted = normalised.diff === '' && normalised.ignored.length === 0 && planned.changed;
  const detected = unlisted
    ? classify({ ...normalised, diff: '+ (terraform plan reports changes it does not list)\n' })
    : classify(normalised);
  return [
    { target, kind: 'terraform', source: origin, ...detected, refreshOnlyChanges: changedOutside.length > 0 },
  ];
}

/** `dir`, or `dir@workspace` for a stack's non-default workspace. */
export function terraformTarget(source: DriftTerraformSource): string {
  return source.workspace ? `${source.dir}@${source.workspace}` : source.dir;
}

/** Terraform's planned changes as diff lines: current state (`-`) to the code's intent (`+`). */
function terraformLines(run: TerraformRun | undefined): DiffLine[] {
  if (!run) return [];
  const lines: DiffLine[] = [];
  for (const resource of run.resources) {
    lines.push({ type: ' ', text: `# ${resource.address} (${resource.action})` });
    for (const attribute of resource.attributes) {
      if (attribute.before !== undefined)
        lines.push({ type: '-', text: `  ${attribute.path} = ${JSON.stringify(attribute.before)}` });
      if (attribute.unknownAfter)
        lines.push({ type: '+', text: `  ${attribute.path} = (known after apply)` });
      else if (attribute.after !== undefined)
        lines.push({ type: '+', text: `  ${attribute.path} = ${JSON.stringify(attribute.after)}` });
    }
    if (resource.attributes.length === 0) lines.push({ type: '+', text: `  (${resource.action})` });
  }
  for (const output of run.outputs) {
    if (output.before !== undefined)
      lines.push({ type: '-', text: `output ${output.name} = ${JSON.stringify(output.before)}` });
    if (output.after !== undefined)
      lines.push({ type: '+', text: `output ${output.name} = ${JSON.stringify(output.after)}` });
    if (output.before === undefined && output.after === undefined)
      lines.push({ type: '+', text: `output ${output.name} (${output.action})` });
  }
  return lines;
}

function combine(first: NormalisedDiff, second: NormalisedDiff): NormalisedDiff {
  const ignored = new Map<string, string[]>();
  for (const entry of [...first.ignored, ...second.ignored])
    ignored.set(entry.rule, [...(ignored.get(entry.rule) ?? []), ...entry.lines]);
  return {
    diff: `${first.diff}${second.diff}`,
    ignored: [...ignored].map(([rule, lines]) => ({ rule, lines })),
    normalised: [...first.normalised, ...second.normalised],
  };
}

/** Status from what is left: drifted when a line is left, ignored when rules hid every line, else in sync. */
function classify(
  normalised: NormalisedDiff,
): Pick<DetectedTarget, 'status' | 'diff' | 'digest' | 'ignored'> {
  const status = normalised.diff !== '' ? 'drifted' : normalised.ignored.length > 0 ? 'ignored' : 'in-sync';
  return {
    status,
    diff: normalised.diff,
    digest: normalised.diff === '' ? '' : createHash('sha256').update(normalised.diff).digest('hex'),
    ignored: normalised.ignored,
  };
}

function sourceError(
  target: string,
  kind: DetectedTarget['kind'],
  origin: DetectedTarget['source'],
  result: StepResult,
): DetectedTarget {
  const message = [result.message ?? `${result.status}`, result.hint].filter(Boolean).join(' — ');
  return { target, kind, status: 'error', diff: '', digest: '', ignored: [], source: origin, error: message };
}
