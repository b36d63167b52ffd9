/**
 * What a Terraform step loads from the repository beyond its directory: the local modules its
 * configuration calls (`source = "../modules/edge"`), read from the working tree as Terraform will.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeHclString } from './hcl-scan.js';

/** Files Terraform reads as configuration or variables: apply refuses them ignored by git. */
export const TERRAFORM_CONFIGURATION = /\.(tf|tf\.json|tfvars|tfvars\.json)$/;

/** Configuration files of a module directory (Terraform loads only its top level). */
const MODULE_FILE = /\.tf(\.json)?$/;

/** The local modules a root module calls, as normal repository paths. */
export interface LocalModules {
  /** Module directories inside the repository, the root's own calls and theirs, sorted. */
  inside: string[];
  /** Module sources that leave the repository, as written (`../../../shared`): nobody reviewed them. */
  outside: string[];
}

/**
 * The local module directories `dir` calls, and the ones those call, read from the working tree.
 * why: a local module is loaded from the working tree, not from git, so apply's committed-tree
 * check must cover it; reading the sources from the configuration covers a module anywhere in the
 * repository (covering the stack's top folder would miss `../../modules`). Any `source` attribute
 * with a local path counts, in a module block or not: a path too many only makes the check stricter.
 */
export async function terraformLocalModules(repoRoot: string, dir: string): Promise<LocalModules> {
  const inside = new Set<string>();
  const outside = new Set<string>();
  const queue = [dir];
  const seen = new Set<string>(queue);
  while (queue.length > 0) {
    const current = queue.shift() ?? '';
    for (const source of await localSourcesIn(path.join(repoRoot, current))) {
      const target = path.posix.normalize(path.posix.join(current, source)).replace(/\/+$/, '');
      if (target === '..' || target.startsWith('../') || path.posix.isAbsolute(target)) {
        outside.add(source);
        continue;
      }
      inside.add(target);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return { inside: [...inside].sort(), outside: [...outside].sort() };
}

/** The local-path `source` values in one directory's `.tf` and `.tf.json` files. */
async function localSourcesIn(directory: string): Promise<string[]> {
  const names = (await readdir(directory).catch(() => [] as string[])).filter((name) =>
    MODULE_FILE.test(name),
  );
  const sources: string[] = [];
  for (const name of names.sort()) {
    const text = await readFile(path.join(directory, name), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    sources.push(...(name.endsWith('.json') ? jsonSources(text) : hclSources(text)));
  }
  // why: Terraform's rule: a local path begins with ./ or ../ (anything else is a registry or remote source).
  return sources.map((source) => source.trim()).filter((source) => /^\.\.?\//.test(source));
}

/** `source = "…"` (escapes decoded, so `\u002e\u002e/x` is `../x`) and `source = <<EOT … EOT`. */
function hclSources(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\bsource\s*=\s*"((?:[^"\\\n]|\\.)*)"/g))
    found.push(decodeHclString(match[1] ?? ''));
  for (const match of text.matchAll(/\bsource\s*=\s*<<-?([A-Za-z_]\w*)\r?\n([\s\S]*?)^\s*\1\s*$/gm))
    found.push(match[2] ?? '');
  return found;
}

/** Every `"source": "…"` string anywhere in a `.tf.json` document. */
function jsonSources(text: string): string[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // why: Terraform refuses a broken file itself, and the step fails.
    return [];
  }
  const found: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (depth > 32 || value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value)) {
      if (key === 'source' && typeof item === 'string') found.push(item);
      else visit(item, depth + 1);
    }
  };
  visit(document, 0);
  return found;
}
