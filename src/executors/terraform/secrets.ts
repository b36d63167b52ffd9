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
  jsonModuleCallsOf,
  jsonVariablesOf,
  keyedStrings,
  type ModuleCall,
  moduleCallsOf,
  stringLeaves,
  varFileStrings,
  variablesOf,
} from './hcl-scan.js';

/** Terraform loads these from the root module by itself, without a -var-file flag. */
const AUTO_LOADED_VAR_FILE = /^(terraform\.tfvars|.+\.auto\.tfvars)(\.json)?$/;

/**
 * Learns the values under secret-looking names the step's variables hold, and every value given to
 * a variable the root module declares `sensitive = true`, or passes to a local module's sensitive
 * variable: its `default`, the step's `vars`, its var files and the runner's `TF_VAR_<name>`.
 * why: before the run, not from the plan's JSON: a plan that fails never writes one, and Terraform
 * prints a sensitive variable's value in clear when its validation rule fails (`var.key is "…"`,
 * and again in an error message that names it).
 */
export async function learnTerraformSecrets(step: TerraformStep, context: StepContext): Promise<void> {
  context.redactor.learnSecretKeys(step.vars ?? {});
  const read = async (relative: string, what: string): Promise<string | undefined> => {
    const resolved = await resolveStepPath(context.repoRoot, relative, what);
    return resolved.ok ? readFile(resolved.absolutePath, 'utf8').catch(() => undefined) : undefined;
  };
  const list = async (relative: string): Promise<string[]> => {
    const resolved = await resolveStepPath(context.repoRoot, relative, 'Terraform directory');
    return resolved.ok ? readdir(resolved.absolutePath).catch(() => [] as string[]) : [];
  };
  const { sensitive, literals } = await moduleSecrets(step.dir, { read, list, known: new Map() }, 0);
  context.redactor.learn(literals);
  const learnSensitive = (values: ReadonlyMap<string, unknown>) => {
    for (const name of sensitive.keys()) context.redactor.learn(stringLeaves(values.get(name)));
  };
  for (const defaults of sensitive.values()) context.redactor.learn(defaults);
  learnSensitive(new Map(Object.entries(step.vars ?? {})));
  for (const name of sensitive.keys()) context.redactor.learn(environmentValue(context, name));
  const names = await list(step.dir);
  for (const file of [...names.filter((name) => AUTO_LOADED_VAR_FILE.test(name)), ...(step.varFiles ?? [])]) {
    const text = await read(path.posix.join(step.dir, file), 'variable file');
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

/** What a module's variables must hide: the sensitive ones, with their defaults, and literal values. */
interface ModuleSecrets {
  /** Variables whose values are hidden: declared sensitive, or passed on to a local module's sensitive one. */
  sensitive: Map<string, string[]>;
  /** Literal values the module passes to a local module's sensitive variable. */
  literals: string[];
}

/** Local modules are followed this deep; Terraform's own trees are a few levels. */
const MAX_MODULE_DEPTH = 8;

/**
 * The secrets of the module in `directory` (repository-relative): its sensitive variables, and the
 * variables and literals it passes on to a local module's sensitive variables, followed down.
 * why: a child module's validation prints its own sensitive variable in clear, and the value comes
 * from the root's variable, which need not be marked sensitive there.
 */
async function moduleSecrets(
  directory: string,
  files: {
    read: (relative: string, what: string) => Promise<string | undefined>;
    list: (relative: string) => Promise<string[]>;
    /** Modules read already (or being read: a module that calls itself), by normal path. */
    known: Map<string, ModuleSecrets>;
  },
  depth: number,
): Promise<ModuleSecrets> {
  const normal = path.posix.normalize(directory);
  // why: each module once: a tree where every module calls the next level ten times stays linear.
  const known = files.known.get(normal);
  if (known) return known;
  const secrets: ModuleSecrets = { sensitive: new Map(), literals: [] };
  files.known.set(normal, secrets);
  const declared = new Map<string, { sensitive: boolean; defaults: string[] }>();
  const calls: ModuleCall[] = [];
  for (const file of (await files.list(directory)).filter((name) => CONFIGURATION_FILE.test(name))) {
    const text = await files.read(path.posix.join(directory, file), 'Terraform configuration file');
    if (text === undefined) continue;
    const json = file.endsWith('.json');
    // why: an override file (`*_override.tf`) declares a variable again; any declaration marking it
    // sensitive counts, and every default does.
    for (const variable of json ? jsonVariablesOf(text) : variablesOf(text)) {
      const known = declared.get(variable.name);
      declared.set(variable.name, {
        sensitive: (known?.sensitive ?? false) || variable.sensitive,
        defaults: [...(known?.defaults ?? []), ...variable.defaults],
      });
    }
    calls.push(...(json ? jsonModuleCallsOf(text) : moduleCallsOf(text)));
  }
  const { sensitive, literals } = secrets;
  for (const [name, variable] of declared) if (variable.sensitive) sensitive.set(name, variable.defaults);
  for (const call of calls) {
    // why: Terraform's rule: a local path begins with ./ or ../ (anything else is a registry or remote source).
    if (depth >= MAX_MODULE_DEPTH || !call.source || !/^\.\.?\//.test(call.source)) continue;
    const child = await moduleSecrets(path.posix.join(normal, call.source), files, depth + 1);
    literals.push(...child.literals);
    for (const [name, value] of call.arguments) {
      if (!child.sensitive.has(name)) continue;
      literals.push(...value.strings, ...(child.sensitive.get(name) ?? []));
      for (const variable of value.variables)
        sensitive.set(variable, declared.get(variable)?.defaults ?? sensitive.get(variable) ?? []);
    }
  }
  return secrets;
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
