/**
 * Learns a Terraform step's secrets before the step runs, so the redactor knows them before the tool
 * prints anything: values under secret-looking names in the step's `vars`, its var files and the
 * auto-loaded ones.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TerraformStep } from '../../core/model.js';
import { resolveStepPath, type StepContext } from '../context.js';

/** Terraform loads these from the root module by itself, without a -var-file flag. */
const AUTO_LOADED_VAR_FILE = /^(terraform\.tfvars|.+\.auto\.tfvars)(\.json)?$/;

/** Learns the values under secret-looking names the step's variables hold. */
export async function learnTerraformSecrets(step: TerraformStep, context: StepContext): Promise<void> {
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

/** An HCL quoted string's body with its escapes decoded. */
export function decodeHclString(body: string): string {
  return body.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, (_escape, code: string) => {
    if (code.length > 1) return String.fromCodePoint(Number.parseInt(code.slice(1), 16));
    return ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[code] ?? code;
  });
}
