/**
 * Learns an Ansible step's secrets before the step runs, so the redactor knows them before the tool
 * prints anything: values under secret-looking names in the inventory (host and group vars,
 * group_vars and host_vars files, whole-file vaults decrypted by Ansible) and in extraVars.
 * `secrets.env` values are learned when the redactor is made.
 *
 * why: the values stay in memory only; the inventory listing is never written anywhere (the
 * validate-time inventory cache holds no values).
 */
import path from 'node:path';
import type { AnsibleStep } from '../../core/model.js';
import { cutRedacted } from '../../redact/index.js';
import { commandOf, resolveStepPath, type StepContext } from '../context.js';
import { runProcess } from '../run-process.js';
import type { RefusedRun } from '../step-result.js';
import { ANSIBLE_COMMANDS } from './commands.js';

/** The inventory listings whose secrets a run's redactor has learned, keyed by the listing's argv. */
const listedInventories = new WeakMap<object, Set<string>>();

/**
 * Learns the secrets an Ansible step will see: values under secret-looking names in its extraVars
 * and in its inventory as `ansible-inventory --list` shows it. Returns a finished run when the step
 * must not start: the inventory could not be listed (its secrets would be unknown), or cancelled.
 */
export async function learnAnsibleSecrets(
  step: AnsibleStep,
  context: StepContext,
): Promise<RefusedRun | undefined> {
  context.redactor.learnSecretKeys(step.extraVars ?? {});
  // why: a check run reports its inventory's variables itself (the callback's `secrets` event), and
  // its output is read only after the process ended; runAnsible lists the inventory only when that
  // event is missing. A real run cannot wait: its secrets are learned before it changes anything.
  if (context.mode === 'check') return undefined;
  return listInventorySecrets(step, context);
}

/**
 * Lists the step's inventory with `ansible-inventory --list` and learns the values under
 * secret-looking names; a refusal when it cannot be listed (its secrets would be unknown).
 * `after: 'check'` when a check run already ended and its output waits unread: the refusal then
 * says the output was dropped, since the check itself did run.
 */
export async function listInventorySecrets(
  step: AnsibleStep,
  context: StepContext,
  after?: 'check',
): Promise<RefusedRun | undefined> {
  const playbook = await resolveStepPath(context.repoRoot, step.playbook, 'playbook');
  const inventory = step.inventory
    ? await resolveStepPath(context.repoRoot, step.inventory, 'inventory')
    : undefined;
  // why: a path outside the repository is reported by the step itself, which never runs then.
  if (!playbook.ok || (inventory && !inventory.ok)) return undefined;
  const command = commandOf(context, ANSIBLE_COMMANDS, 'ansibleInventory');
  // why: --playbook-dir, so group_vars/host_vars next to the playbook count as they do for the play.
  const args = ['--list', '--playbook-dir', path.dirname(playbook.absolutePath)];
  if (inventory?.ok) args.push('-i', inventory.absolutePath);
  // why: an apply plans, applies and verifies against the same inventory; its secrets are already
  // in this run's redactor after the first listing, so Python starts once per inventory, not per step.
  const key = [command, ...args].join('\0');
  let learned = listedInventories.get(context.redactor);
  if (!learned) {
    learned = new Set();
    listedInventories.set(context.redactor, learned);
  }
  if (learned.has(key)) return undefined;
  const started = performance.now();
  const result = await runProcess({
    command,
    args,
    // why: same directory and environment as ansible-playbook, so the same ansible.cfg and vault
    // password (ANSIBLE_VAULT_PASSWORD_FILE, vault_password_file) apply and vault files are decrypted.
    cwd: context.repoRoot,
    env: { ...context.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
    timeoutMs: context.timeoutMs,
    killGraceMs: context.killGraceMs,
    ...(context.signal ? { signal: context.signal } : {}),
  });
  const durationMs = performance.now() - started;
  if (result.cancelled) {
    return { status: 'cancelled', changed: false, message: 'cancelled', durationMs, logText: '' };
  }
  let listing: unknown;
  try {
    // why: an inline `!vault` value is listed as its ciphertext, which is no secret (the callback
    // reports its plain value when the play starts); dropping it keeps the redactor's list short.
    listing =
      result.exitCode === 0
        ? JSON.parse(result.stdout, (key, value: unknown) => (key === '__ansible_vault' ? undefined : value))
        : undefined;
  } catch {
    listing = undefined;
  }
  if (listing === undefined) {
    const reason = result.spawnError
      ? `${command} could not start`
      : result.timedOut
        ? `${command} ran longer than the step timeout`
        : `${command} failed: ${firstLine(context.redactor.redactText(result.stderr)) ?? `exit code ${result.exitCode ?? 'none'}`}`;
    return {
      status: 'error',
      changed: false,
      message: context.redactor.redactText(
        `the inventory's secrets could not be read, so ${after === 'check' ? "the check's output was dropped unread" : 'the step did not run'}: ${reason}`,
      ),
      hint: `Run ${command} --list${step.inventory ? ` -i ${step.inventory}` : ''} to see the problem; for vault files set ANSIBLE_VAULT_PASSWORD_FILE (or vault_password_file in ansible.cfg).`,
      durationMs,
      logText: context.redactor.redactOutput(
        `$ ${command} ${args.join(' ')}\n--- stderr ---\n${result.stderr}`,
      ),
    };
  }
  context.redactor.learnSecretKeys(listing);
  learned.add(key);
  return undefined;
}

/**
 * The first error line of redacted stderr, cut to 300 characters. why: redacted before it is cut, so
 * the cut never leaves part of a secret the redactor would have matched whole.
 */
function firstLine(redactedStderr: string): string | undefined {
  const line = redactedStderr
    .split('\n')
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate.startsWith('ERROR') || candidate.startsWith('[WARNING]: Unable'));
  return line ? cutRedacted(line, 300) : undefined;
}
