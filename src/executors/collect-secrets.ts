/**
 * Learns a step's secrets before the step runs, so the redactor knows them before the tool prints
 * anything: values under secret-looking names in the inventory (host and group vars, group_vars and
 * host_vars files, whole-file vaults decrypted by Ansible), in extraVars, in Terraform variables
 * (the step's `vars`, its var files and the auto-loaded ones). `secrets.env` values are learned
 * when the redactor is made.
 *
 * why: the values stay in memory only; the inventory listing is never written anywhere (the
 * validate-time inventory cache holds no values).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AnsibleStep, Step, TerraformStep } from '../core/model.js';
import type { StepContext, StepRun } from './context.js';
import { resolveStepPath } from './context.js';
import { runProcess } from './run-process.js';

/** The inventory listings whose secrets a run's redactor has learned, keyed by the listing's argv. */
const listedInventories = new WeakMap<object, Set<string>>();

/** Terraform loads these from the root module by itself, without a -var-file flag. */
const AUTO_LOADED_VAR_FILE = /^(terraform\.tfvars|.+\.auto\.tfvars)(\.json)?$/;

/**
 * Learns the secrets `step` will see into `context.redactor`. Returns a finished run when the step
 * must not start: the inventory could not be listed (its secrets would be unknown), or cancelled.
 */
export async function learnStepSecrets(
  step: Step,
  context: StepContext,
): Promise<Omit<StepRun, 'startedAt'> | undefined> {
  if (step.ansible) return learnAnsibleSecrets(step.ansible, context);
  await learnTerraformSecrets(step.terraform, context);
  return undefined;
}

async function learnAnsibleSecrets(
  step: AnsibleStep,
  context: StepContext,
): Promise<Omit<StepRun, 'startedAt'> | undefined> {
  context.redactor.learnSecretKeys(step.extraVars ?? {});
  const playbook = await resolveStepPath(context.repoRoot, step.playbook, 'playbook');
  const inventory = step.inventory
    ? await resolveStepPath(context.repoRoot, step.inventory, 'inventory')
    : undefined;
  // why: a path outside the repository is reported by the step itself, which never runs then.
  if (!playbook.ok || (inventory && !inventory.ok)) return undefined;
  const command = context.commands.ansibleInventory ?? 'ansible-inventory';
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
        : `${command} failed: ${firstLine(result.stderr) ?? `exit code ${result.exitCode ?? 'none'}`}`;
    return {
      status: 'error',
      changed: false,
      message: context.redactor.redactText(
        `the inventory's secrets could not be read, so the step did not run: ${reason}`,
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

async function learnTerraformSecrets(step: TerraformStep, context: StepContext): Promise<void> {
  context.redactor.learnSecretKeys(step.vars ?? {});
  const directory = await resolveStepPath(context.repoRoot, step.dir, 'Terraform directory');
  if (!directory.ok) return;
  const autoLoaded = (await readdir(directory.absolutePath).catch(() => [] as string[])).filter((name) =>
    AUTO_LOADED_VAR_FILE.test(name),
  );
  for (const file of [...autoLoaded, ...(step.varFiles ?? [])]) {
    const resolved = await resolveStepPath(
      context.repoRoot,
      path.posix.join(step.dir, file),
      'variable file',
    );
    if (!resolved.ok) continue;
    const text = await readFile(resolved.absolutePath, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (file.endsWith('.json')) {
      try {
        context.redactor.learnSecretKeys(JSON.parse(text));
      } catch {
        // why: Terraform reports a broken var file itself, and the step fails.
      }
    } else {
      context.redactor.learnSecretKeys(tfvarsStrings(text));
    }
  }
}

/**
 * The string attributes of an HCL `.tfvars` file as `{name: value}` pairs, at any nesting depth:
 * quoted strings (escapes decoded) and heredocs. Enough to learn what sits under a secret-looking
 * name; Terraform itself parses the file for real.
 */
export function tfvarsStrings(text: string): Record<string, string>[] {
  const pairs: Record<string, string>[] = [];
  for (const match of text.matchAll(/([A-Za-z_][\w-]*)"?\s*[=:]\s*"((?:[^"\\\n]|\\.)*)"/g)) {
    pairs.push({ [match[1] ?? '']: decodeHclString(match[2] ?? '') });
  }
  for (const match of text.matchAll(
    /([A-Za-z_][\w-]*)"?\s*=\s*<<(-?)([A-Za-z_]\w*)\r?\n([\s\S]*?)^\s*\3\s*$/gm,
  )) {
    const lines = (match[4] ?? '').replace(/\r?\n$/, '').split(/\r?\n/);
    const indent =
      match[2] === '-' ? Math.min(...lines.map((line) => /^\s*/.exec(line)?.[0].length ?? 0)) : 0;
    pairs.push({ [match[1] ?? '']: `${lines.map((line) => line.slice(indent)).join('\n')}\n` });
  }
  return pairs;
}

function decodeHclString(body: string): string {
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_escape, code: string) => {
    if (code.length > 1) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[code] ?? code;
  });
}

function firstLine(text: string): string | undefined {
  const line = text
    .split('\n')
    .map((candidate) => candidate.trim())
    .find((candidate) => candidate.startsWith('ERROR') || candidate.startsWith('[WARNING]: Unable'));
  return line ? line.slice(0, 300) : undefined;
}
