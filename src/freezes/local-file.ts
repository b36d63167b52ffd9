/**
 * The local freezes file (`paths.freezes`, default .netchange/freezes.yaml): freezes for the
 * checkout netchange applies from, when GitHub is not used. Lifted freezes stay in the file with
 * who lifted them and when, so lifting is recorded.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { configError } from '../core/errors.js';
import { parseYaml } from '../documents/parse-yaml.js';
import { type Freeze, toFreeze } from './model.js';

/** Every freeze in the file, lifted and expired ones included; none when the file does not exist. */
export async function readLocalFreezes(root: string, file: string): Promise<Freeze[]> {
  const absolute = path.resolve(root, file);
  if (!existsSync(absolute)) return [];
  const document = parseYaml(file, await readFile(absolute, 'utf8'));
  const value = document.value as { freezes?: unknown } | null | undefined;
  if (document.findings.length > 0 || (value != null && !Array.isArray(value.freezes ?? []))) {
    throw configError(`${file} is not a freezes file`, {
      findings: document.findings,
      hint: `Fix or remove ${file}; netchange freeze writes it as {freezes: [...]}.`,
    });
  }
  const entries = (value?.freezes ?? []) as unknown[];
  return entries.flatMap((entry, index) => {
    const freeze = toFreeze(entry);
    if (!freeze)
      throw configError(`${file}: freeze ${index + 1} lacks an id, a valid until, or a site or device`, {
        hint: `Fix or remove that entry in ${file}.`,
      });
    return [freeze];
  });
}

/** Writes the freezes (atomically: a reader never sees half a file). */
export async function writeLocalFreezes(
  root: string,
  file: string,
  freezes: readonly Freeze[],
): Promise<void> {
  const absolute = path.resolve(root, file);
  await mkdir(path.dirname(absolute), { recursive: true });
  const text = `# Written by netchange freeze / unfreeze (docs/holds.md).\n${stringify({ apiVersion: 'netchange/v1', kind: 'Freezes', freezes })}`;
  await writeFile(`${absolute}.tmp`, text);
  await rename(`${absolute}.tmp`, absolute);
}

/** The next local id: FRZ-1, FRZ-2, ... never reused. */
export function nextLocalId(freezes: readonly Freeze[]): string {
  const numbers = freezes.map((freeze) => Number(/^FRZ-(\d+)$/.exec(freeze.id)?.[1] ?? 0));
  return `FRZ-${Math.max(0, ...numbers) + 1}`;
}
