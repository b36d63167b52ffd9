/**
 * Runs ansible-playbook (check+diff for plan, for real for apply) with netchange's events callback,
 * and classifies how the step ended; parse-events.ts turns the events into per-host results.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnsibleStep } from '../../core/model.js';
import { toRfc3339Utc } from '../../core/time.js';
import { cutRedacted } from '../../redact/index.js';
import { clockOf, commandOf, resolveStepPath, type StepContext } from '../context.js';
import { runProcess } from '../run-process.js';
import type { StepRunOf } from '../step-result.js';
import { createTemporaryDirectory } from '../temporary-directory.js';
import { CALLBACK_NAME, ensureCallbackDirectory } from './callback.js';
import { ANSIBLE_COMMANDS } from './commands.js';
import { inventoryFactsOf, learnReportedSecrets, parseAnsibleOutput } from './parse-events.js';
import { listInventorySecrets } from './secrets.js';
import type { AnsibleHostResult, AnsibleRun } from './types.js';

export { ANSIBLE_COMMANDS } from './commands.js';

/** What an Ansible step's run returns. */
export type AnsibleStepRun = StepRunOf<'ansible', AnsibleRun>;

/** Runs one Ansible step. Never throws for the tool's failures: they come back as the step's status. */
export async function runAnsible(step: AnsibleStep, context: StepContext): Promise<AnsibleStepRun> {
  const startedAt = toRfc3339Utc(clockOf(context)().getTime());
  const started = performance.now();
  const ansiblePlaybook = commandOf(context, ANSIBLE_COMMANDS, 'ansiblePlaybook');
  const playbook = await resolveStepPath(context.repoRoot, step.playbook, 'playbook');
  if (!playbook.ok) return { ...playbook.run, startedAt };
  const inventory = step.inventory
    ? await resolveStepPath(context.repoRoot, step.inventory, 'inventory')
    : undefined;
  if (inventory && !inventory.ok) return { ...inventory.run, startedAt };

  const temporary = await createTemporaryDirectory('ansible');
  const scratch = temporary.path;
  try {
    const args = [playbook.absolutePath];
    if (inventory?.ok) args.push('-i', inventory.absolutePath);
    // why: `--option=value` in one argument, so a value that begins with '-' stays a value even if
    // it slipped past validation; ansible-playbook never reads it as an option.
    if (step.limit) args.push(`--limit=${step.limit}`);
    if (step.tags && step.tags.length > 0) args.push(`--tags=${step.tags.join(',')}`);
    if (step.extraVars && Object.keys(step.extraVars).length > 0) {
      // why: a value under a secret-looking name (`device_password`) is learned, so it is redacted
      // wherever the playbook puts it, not only where a known format gives it away.
      context.redactor.redactValue(step.extraVars);
      const file = path.join(scratch, 'extra-vars.yaml');
      await writeFile(file, toUnsafeYaml(step.extraVars), { mode: 0o600 });
      args.push('-e', `@${file}`);
    }
    if (context.mode === 'check') args.push('--check', '--diff');
    else args.push('--diff');

    const callbacks = await ensureCallbackDirectory();
    const inherited = context.env?.ANSIBLE_CALLBACK_PLUGINS ?? process.env.ANSIBLE_CALLBACK_PLUGINS;
    const result = await runProcess({
      command: ansiblePlaybook,
      args,
      // why: from the repository root, so an ansible.cfg there applies as it does when people run it.
      cwd: context.repoRoot,
      env: {
        ...context.env,
        ANSIBLE_STDOUT_CALLBACK: CALLBACK_NAME,
        ANSIBLE_CALLBACK_PLUGINS: inherited ? `${callbacks}${path.delimiter}${inherited}` : callbacks,
        ANSIBLE_NOCOLOR: '1',
        ANSIBLE_FORCE_COLOR: '0',
        ANSIBLE_RETRY_FILES_ENABLED: '0',
        PYTHONUNBUFFERED: '1',
        // why: Ansible renders templates and copy content into its local temp directory, and modules
        // run on this machine unpack into TMPDIR; inside the step's private directory, they go with it.
        ANSIBLE_LOCAL_TEMP: path.join(scratch, 'ansible-local'),
        TMPDIR: scratch,
      },
      timeoutMs: context.timeoutMs,
      killGraceMs: context.killGraceMs,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    // why: before any of the output is read. A check run that did not report its inventory (it
    // ended before its first play) has it listed now; when that fails, the output is dropped unread.
    if (context.mode === 'check') {
      const inventory = learnReportedSecrets(result.stdout, context.redactor);
      if (!inventory) {
        const refused = await listInventorySecrets(step, context, 'check');
        if (refused) return { ...refused, startedAt };
      } else if (context.inventoryFacts) {
        context.inventoryFacts.receive(inventoryFactsOf(inventory, context.inventoryFacts.variables));
      }
    }

    const { run, configurations } = parseAnsibleOutput(
      result.stdout,
      context.redactor,
      context.repoRoot,
      context.diffContext,
    );
    const events = withoutSecretEvents(result.stdout);
    const argv = [ansiblePlaybook, ...args.map((arg) => displayArgument(arg, context.repoRoot, scratch))];
    const command = `$ ${argv.join(' ')}`;
    // why: events are redacted as data, so a secret is caught in whatever escaping Ansible gave it.
    const logText = context.redactor.redactOutput(
      `${command}\n--- stderr ---\n${result.stderr}\n--- events ---\n${events}`,
    );
    const base = {
      startedAt,
      argv,
      durationMs: performance.now() - started,
      logText,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      // why: a failed or interrupted run keeps what it read; the device's state before matters most then.
      ...(configurations.length > 0 ? { configurations } : {}),
    };
    const timeoutSeconds = Math.round(context.timeoutMs / 1000);

    if (result.spawnError) {
      return {
        ...base,
        status: 'error',
        changed: false,
        message: `${ansiblePlaybook} could not start: ${context.redactor.redactText(result.spawnError)}`,
        hint: 'Install ansible-core, or set executors.ansiblePlaybook in netchange.yaml.',
      };
    }
    if (result.cancelled)
      return { ...base, status: 'cancelled', changed: false, message: 'cancelled', ansible: run };
    if (result.timedOut) {
      return {
        ...base,
        status: 'error',
        changed: false,
        message: `ansible-playbook ran longer than the step timeout (${timeoutSeconds} s) and was stopped`,
        hint: 'Raise executors.stepTimeout in netchange.yaml, or find the task that hangs in the step log.',
        ansible: run,
      };
    }
    return { ...base, ...classifyAnsible(run, result.stdout, result.stderr, result.exitCode, step, context) };
  } finally {
    await temporary.remove();
  }
}

function classifyAnsible(
  run: AnsibleRun,
  stdout: string,
  stderr: string,
  exitCode: number | undefined,
  step: AnsibleStep,
  context: StepContext,
): Pick<AnsibleStepRun, 'status' | 'changed' | 'message' | 'hint' | 'ansible'> {
  const changed = run.hosts.some((host) => host.changed > 0);
  const redactedError = firstError(stderr, context) ?? '';
  if (!run.completed) {
    if (/no hosts to target|Could not match supplied host pattern/i.test(stderr)) {
      return {
        status: 'failed',
        changed: false,
        message: step.limit
          ? `the limit '${step.limit}' matches no host in the inventory`
          : 'the playbook matches no host in the inventory',
        hint: 'Check the host names in targets/limit against the inventory (ansible-inventory --graph).',
        ansible: run,
      };
    }
    const crashed = stdout.length > 0 && !redactedError;
    return {
      status: 'error',
      changed,
      message: crashed
        ? `ansible-playbook stopped before its recap (exit code ${exitCode ?? 'none'})`
        : `ansible-playbook failed: ${redactedError || `exit code ${exitCode ?? 'none'}`}`,
      hint: crashed
        ? 'The step log holds what ran before it stopped.'
        : `Run ansible-playbook --syntax-check ${step.playbook} to see the problem.`,
      ansible: run,
    };
  }
  const broken = run.hosts.filter((host) => host.failed > 0 || host.unreachable > 0);
  if (broken.length > 0) {
    const details = broken.map((host) => describeHostFailure(host)).join('; ');
    return { status: 'failed', changed, message: details, ansible: run };
  }
  if (run.hosts.length === 0) {
    return {
      status: 'failed',
      changed: false,
      message: 'no host matched the playbook and limit: nothing would change',
      hint: 'Check the playbook hosts and the limit against the inventory.',
      ansible: run,
    };
  }
  if (exitCode !== 0) {
    return {
      status: 'error',
      changed,
      message: `ansible-playbook exited with ${exitCode ?? 'a signal'} ${redactedError}`.trim(),
      ansible: run,
    };
  }
  return { status: context.mode === 'check' ? 'planned' : 'applied', changed, ansible: run };
}

function describeHostFailure(host: AnsibleHostResult): string {
  const task = host.tasks.find(
    (candidate) =>
      candidate.status === 'unreachable' || (candidate.status === 'failed' && !candidate.ignored),
  );
  if (!task) return `${host.host} failed`;
  const what = task.status === 'unreachable' ? 'unreachable' : `failed at '${task.task}'`;
  // why: a loop's own message is Ansible's "One or more items failed"; the item says what went wrong.
  const item = task.hidden
    ? undefined
    : task.items?.find((candidate) => candidate.status === 'failed' || candidate.status === 'unreachable');
  const failed = item ?? task;
  const label = item && !item.hidden && item.label !== '' ? ` (item ${oneLine(item.label)})` : '';
  const message = failed.hidden ? '(output hidden by no_log)' : (failed.message ?? '');
  return `${host.host} ${what}${label}${message ? `: ${oneLine(message)}` : ''}`;
}

/** The event stream without the `secrets` events, for the step log. */
function withoutSecretEvents(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('{"event": "secrets"'))
    .join('\n');
}

/** An argument as the step log shows it: repository paths relative, the scratch file by name. */
export function displayArgument(argument: string, repoRoot: string, scratch: string): string {
  if (argument.startsWith(`@${scratch}`)) return `@${path.basename(argument)}`;
  if (!path.isAbsolute(argument)) return argument;
  const relative = path.relative(repoRoot, argument);
  return relative.startsWith('..') ? argument : relative;
}

/** Longest error message kept from Ansible's stderr. */
const MAX_ERROR_LENGTH = 500;

/** Ansible's first `ERROR!` with its cause and where it is, redacted, then cut to length. */
function firstError(stderr: string, context: Pick<StepContext, 'redactor' | 'repoRoot'>): string | undefined {
  if (!stderr.includes('ERROR!')) return undefined;
  // why: the whole of stderr is redacted before a line is picked or a message cut, so no cut (of
  // lines or of length) leaves part of a secret the redactor would have matched whole.
  const lines = context.redactor.redactText(stderr).split('\n');
  const index = lines.findIndex((line) => line.startsWith('ERROR!'));
  if (index < 0) return undefined;
  // why: Ansible puts the cause and then "The error appears to be in 'file': line N" after ERROR!;
  // the JSON-parser noise in between helps nobody.
  const tail = lines.slice(index + 1, index + 12);
  const where = tail.findIndex((line) => line.startsWith('The error appears to be in'));
  const detail = (where >= 0 ? tail.slice(0, where + 2) : tail.slice(0, 3))
    .filter((line) => line.trim() !== '' && !line.startsWith('JSON:'))
    .map((line) => line.trim());
  const message = [lines[index], ...detail]
    .join(' ')
    .replaceAll(`${context.repoRoot}${path.sep}`, '')
    .replace(/, but may be elsewhere.*$/, '');
  return cutRedacted(message, MAX_ERROR_LENGTH);
}

/** A redacted message on one line, cut to 300 characters (never inside a marker). */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${cutRedacted(line, 297)}...` : line;
}

/**
 * Extra variables as YAML with every string tagged `!unsafe`, mapping keys included.
 * why: Ansible templates variable values when it uses them, so `{{ lookup('pipe', …) }}` in a
 * proposal would run on the controller; `!unsafe` makes every value literal text. Keys too: a
 * mapping whose values are all numbers (`{"Gi1/0/1{{ … }}": 40}`) holds no unsafe string, so
 * Ansible 2.14 drops the mark through `dict2items` or `.keys()` and a `set_fact` of the result
 * templates the key the next time it is used.
 */
export function toUnsafeYaml(value: unknown): string {
  return `${renderUnsafe(value)}\n`;
}

function renderUnsafe(value: unknown): string {
  if (typeof value === 'string') return `!unsafe ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(renderUnsafe).join(', ')}]`;
  if (isRecord(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `!unsafe ${JSON.stringify(key)}: ${renderUnsafe(item)}`)
      .join(', ')}}`;
  }
  return 'null';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
