/**
 * The local freezes file (`paths.freezes`, default .netchange/freezes.yaml): freezes for the
 * checkout netchange applies from, when GitHub is not used. Lifted freezes stay in the file with
 * who lifted them and when, so lifting is recorded.
 */
import { lstat, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { configError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import { parseYaml } from '../documents/parse-yaml.js';
import { DEFAULT_MAX_FILE_BYTES, readRepositoryTextFile } from '../documents/read-file.js';
import { makeDirectory, whyOutsideRepository } from '../documents/write-paths.js';
import { type Freeze, toFreeze } from './model.js';

/** The keys netchange freeze writes at the top of the file. */
const TOP_LEVEL_KEYS: readonly string[] = ['apiVersion', 'kind', 'freezes'];

/** Every freeze in the file, lifted and expired ones included; none when the file does not exist. */
export async function readLocalFreezes(root: string, file: string): Promise<Freeze[]> {
  const absolute = path.resolve(root, file);
  // why: lstat, so a symlink to nothing is read (and refused) rather than taken for no file at all.
  if (!(await lstat(absolute).catch(() => undefined))) return [];
  // why: a broken file is a configuration error (docs/holds.md): ignored, its freezes would not hold.
  const broken = (findings: Finding[]) =>
    configError(`${file} is not a freezes file`, {
      findings,
      hint: `Fix or remove ${file}; netchange freeze writes it as {freezes: [...]}.`,
    });
  const read = readRepositoryTextFile(root, file, DEFAULT_MAX_FILE_BYTES);
  if (!read.ok) throw broken([read.finding]);
  const document = parseYaml(file, read.text);
  if (document.findings.length > 0) throw broken(document.findings);
  const value = document.value;
  // why: an empty file holds no freezes; anything else must be the mapping freeze writes.
  if (value === null || value === undefined) return [];
  const shape = (message: string, at: (string | number)[]) =>
    broken([{ ruleId: 'yaml', severity: 'error', message, file, ...document.positionOf(at) }]);
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw shape(
      `the file is ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}, not a mapping with freezes:`,
      [],
    );
  }
  // why: a misspelt key (freezs:) would otherwise be read as a file without freezes, holding nothing.
  const unknown = Object.keys(value).find((key) => !TOP_LEVEL_KEYS.includes(key));
  if (unknown !== undefined)
    throw broken([
      {
        ruleId: 'yaml',
        severity: 'error',
        message: `unknown key '${unknown}'; a freezes file holds ${TOP_LEVEL_KEYS.join(', ')}`,
        hint: `Remove '${unknown}', or move its freezes under freezes:.`,
        file,
        ...document.keyPositionOf([unknown]),
      },
    ]);
  const entries = (value as { freezes?: unknown }).freezes ?? [];
  if (!Array.isArray(entries)) throw shape('freezes: is not a list', ['freezes']);
  return entries.map((entry: unknown, index) => {
    const freeze = toFreeze(entry);
    if (!freeze) {
      throw shape(`freeze ${index + 1} lacks an id, a valid until, or a site or device`, ['freezes', index]);
    }
    return freeze;
  });
}

/**
 * Writes the freezes (atomically: a reader never sees half a file), only inside the repository.
 * why: `.netchange` may be a symlink a pull request committed; the file must not land where it points.
 */
export async function writeLocalFreezes(
  root: string,
  file: string,
  freezes: readonly Freeze[],
): Promise<void> {
  const absolute = path.resolve(root, file);
  const hint = `Make ${path.dirname(file)} a folder of this checkout (remove the file or symlink in its way), or set paths.freezes in netchange.yaml.`;
  const outside = whyOutsideRepository(root, absolute);
  if (outside) throw usageError(`cannot write the freezes file ${file}: ${outside}`, hint);
  makeDirectory(path.dirname(absolute), { what: 'the folder of the freezes file', hint });
  const text = `# Written by netchange freeze / unfreeze (docs/holds.md).\n${stringify({ apiVersion: 'netchange/v1', kind: 'Freezes', freezes })}`;
  // why: a fresh name opened exclusively, so a planted `freezes.yaml.tmp` symlink is not written through.
  const temporary = `${absolute}.${process.pid}.tmp`;
  await rm(temporary, { force: true });
  await writeFile(temporary, text, { flag: 'wx' });
  await rename(temporary, absolute);
}

/** The next local id: FRZ-1, FRZ-2, ... never reused. */
export function nextLocalId(freezes: readonly Freeze[]): string {
  const numbers = freezes.map((freeze) => Number(/^FRZ-(\d+)$/.exec(freeze.id)?.[1] ?? 0));
  return `FRZ-${Math.max(0, ...numbers) + 1}`;
}
