/**
 * Learns a Terraform step's secrets before the step runs, so the redactor knows them before the tool
 * prints anything: values under secret-looking names in the step's `vars`, its var files and the
 * auto-loaded ones, and the values of the variables the module declares sensitive.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TerraformStep } from '../../core/model.js';
import { resolveStepPath, type StepContext } from '../context.js';
import {
  keyedStrings,
  sensitiveJsonVariablesOf,
  sensitiveVariablesOf,
  stringLeaves,
  varFileStrings,
} from './hcl-scan.js';

/** Terraform loads these from the root module by itself, without a -var-file flag. */
const AUTO_LOADED_VAR_FILE = /^(terraform\.tfvars|.+\.auto\.tfvars)(\.json)?$/;

/**
 * Learns the values under secret-looking names the step's variables hold, and every value given to
 * a variable the root module declares `sensitive = true`: its `default`, the step's `vars`, its var
 * files and the runner's `TF_VAR_<name>`. why: before the run, not from the plan's JSON: a plan
 * that fails never writes one, and Terraform prints a sensitive variable's value in clear when its
 * validation rule fails (`var.key is "…"`, and again in an error message that names it).
 */
export async function learnTerraformSecrets(step: TerraformStep, context: StepContext): Promise<void> {
  context.redactor.learnSecretKeys(step.vars ?? {});
  const directory = await resolveStepPath(context.repoRoot, step.dir, 'Terraform directory');
  if (!directory.ok) return;
  const names = await readdir(directory.absolutePath).catch(() => [] as string[]);
  const read = async (file: string, what: string): Promise<string | undefined> => {
    const resolved = await resolveStepPath(context.repoRoot, path.posix.join(step.dir, file), what);
    return resolved.ok ? readFile(resolved.absolutePath, 'utf8').catch(() => undefined) : undefined;
  };
  const sensitive = new Map<string, string[]>();
  for (const file of names.filter((name) => CONFIGURATION_FILE.test(name))) {
    const text = await read(file, 'Terraform configuration file');
    if (text === undefined) continue;
    const declared = file.endsWith('.json') ? sensitiveJsonVariablesOf(text) : sensitiveVariablesOf(text);
    // why: an override file (`*_override.tf`) declares the variable again; every default counts.
    for (const variable of declared)
      sensitive.set(variable.name, [...(sensitive.get(variable.name) ?? []), ...variable.defaults]);
  }
  const learnSensitive = (values: ReadonlyMap<string, unknown>) => {
    for (const name of sensitive.keys()) context.redactor.learn(stringLeaves(values.get(name)));
  };
  for (const defaults of sensitive.values()) context.redactor.learn(defaults);
  learnSensitive(new Map(Object.entries(step.vars ?? {})));
  learnSensitive(new Map([...sensitive.keys()].map((name) => [name, environmentValue(context, name)])));
  for (const file of [...names.filter((name) => AUTO_LOADED_VAR_FILE.test(name)), ...(step.varFiles ?? [])]) {
    const text = await read(file, 'variable file');
    if (text === undefined) continue;
    if (file.endsWith('.json')) {
      try {
        const values: unknown = JSON.parse(text);
        context.redactor.learnSecretKeys(values);
        if (values !== null && typeof values === 'object') learnSensitive(new Map(Object.entries(values)));
      } catch {
        // why: Terraform reports a broken var file itself, and the step fails.
      }
    } else {
      context.redactor.learnSecretKeys(keyedStrings(text));
      learnSensitive(varFileStrings(text));
    }
  }
}

/** The files of a root module Terraform reads its declarations from. */
const CONFIGURATION_FILE = /\.tf(\.json)?$/;

/**
 * What the runner gives a variable through `TF_VAR_<name>`, as Terraform reads it: the text, and
 * when it is an object or list (a complex variable, in JSON or HCL), its strings too.
 */
function environmentValue(context: StepContext, name: string): string[] {
  const key = `TF_VAR_${name}`;
  const value = context.env && key in context.env ? context.env[key] : process.env[key];
  if (!value) return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return [value, ...(typeof parsed === 'object' ? stringLeaves(parsed) : [])];
  } catch {
    // why: Terraform reads a complex value written in HCL too (`{psk = "…"}`).
    return [value, ...(varFileStrings(`value = ${value}`).get('value') ?? [])];
  }
}
