/**
 * Where the shipped policy packs are, and which pack file an `extends` entry such as
 * `netchange:financial-services@1` names. Packs live beside schemas/ in the installation:
 * `policies/<name>/v<major>/change-control.yaml` and `.../windows.yaml`.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installation's policies/ folder, found from this file both under src/ (tsx) and dist/ (built). */
export const PACKS_DIRECTORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../policies');

/**
 * The environment variable that points netchange at another packs folder (same layout).
 * why: a vendored or pinned copy of the packs, and tests with fixture packs, without a second install.
 */
export const PACKS_DIRECTORY_VARIABLE = 'NETCHANGE_PACKS_DIR';

/** The packs folder to read: `NETCHANGE_PACKS_DIR` when set, else the installation's policies/. */
export function defaultPacksRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const configured = env[PACKS_DIRECTORY_VARIABLE];
  return configured ? path.resolve(configured) : PACKS_DIRECTORY;
}

/** The pack file for each policy kind. */
export const PACK_FILES = {
  ChangeControlPolicy: 'change-control.yaml',
  WindowPolicy: 'windows.yaml',
} as const;

export type PolicyKind = keyof typeof PACK_FILES;

/** `netchange:<name>@<major>[.<minor>[.<patch>]]`, split. */
export interface PackReference {
  name: string;
  major: number;
  minor?: number;
  patch?: number;
  /** The entry as written. */
  text: string;
}

const PACK_REFERENCE = /^netchange:([a-z0-9][a-z0-9-]*)@(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/** The pack an `extends` entry names, or undefined when the entry is a repository path. */
export function parsePackReference(text: string): PackReference | undefined {
  const match = PACK_REFERENCE.exec(text);
  if (!match) return undefined;
  return {
    name: match[1]!,
    major: Number(match[2]),
    ...(match[3] !== undefined ? { minor: Number(match[3]) } : {}),
    ...(match[4] !== undefined ? { patch: Number(match[4]) } : {}),
    text,
  };
}

/** An entry that starts like a pack reference but is not one (`netchange:Foo`, `netchange:x@one`). */
export function looksLikePackReference(text: string): boolean {
  return text.startsWith('netchange:');
}

/** The pack names installed (folders under the packs root), sorted. */
export function listPacks(packsRoot: string): string[] {
  if (!existsSync(packsRoot)) return [];
  return readdirSync(packsRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[a-z0-9][a-z0-9-]*$/.test(entry.name))
    .map((entry) => entry.name)
    .sort();
}

/** The major versions of one pack installed (`v1`, `v2` folders), ascending. */
export function listPackMajors(packsRoot: string, name: string): number[] {
  const directory = path.join(packsRoot, name);
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { withFileTypes: true })
    .flatMap((entry) => {
      const match = entry.isDirectory() ? /^v(\d+)$/.exec(entry.name) : null;
      return match ? [Number(match[1])] : [];
    })
    .sort((a, b) => a - b);
}

/** The folder of one major version of a pack. */
export function packDirectory(packsRoot: string, name: string, major: number): string {
  return path.join(packsRoot, name, `v${major}`);
}

/**
 * How findings name a pack file: the path inside the netchange package, so a reader can open it
 * (`netchange/policies/financial-services/v1/change-control.yaml`).
 */
export function packFileLabel(name: string, major: number, kind: PolicyKind): string {
  return `netchange/policies/${name}/v${major}/${PACK_FILES[kind]}`;
}

/** A semantic version `major.minor.patch`, split; undefined when it is not one. */
export function parseSemver(text: string): [number, number, number] | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(text);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/**
 * Whether an installed pack version satisfies a reference: same major, and at least the minor
 * (and patch) asked for. why: within a major a pack only adds, so a newer minor serves an older one.
 */
export function satisfies(installed: [number, number, number], reference: PackReference): boolean {
  const [major, minor, patch] = installed;
  if (major !== reference.major) return false;
  if (reference.minor === undefined) return true;
  if (minor !== reference.minor) return minor > reference.minor;
  return reference.patch === undefined || patch >= reference.patch;
}
