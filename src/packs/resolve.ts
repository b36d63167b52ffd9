/**
 * Resolves a policy file's `extends` chain: shipped packs from the installation, repository files
 * inside the repository (the same path rules as every other repository path), each checked as a
 * fragment, then merged into the effective policy document the engines compile. A broken chain is
 * a configuration error (exit 2) whose findings point at the `extends` entry or the pack's line.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import { startOfLocalDay } from '../core/time.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { parseYaml } from '../documents/parse-yaml.js';
import { readTextFile, resolveInsideRepository } from '../documents/read-file.js';
import { validateDocument } from '../documents/schemas.js';
import {
  listPackMajors,
  listPacks,
  looksLikePackReference,
  PACK_FILES,
  type PackReference,
  type PolicyKind,
  packDirectory,
  packFileLabel,
  parsePackReference,
  parseSemver,
  satisfies,
} from './locate.js';
import { type MergedPolicy, mergePolicyLayers, type PolicyLayer } from './merge.js';

/** A `waive` entry with where it is written. */
export interface Waiver {
  rule: string;
  reason: string;
  /** Last day the waiver holds, YYYY-MM-DD. */
  until: string;
  file: string;
  line: number;
  column: number;
}

/** A policy file with its `extends` resolved. */
export interface ResolvedPolicy {
  kind: PolicyKind;
  /** The effective policy as a document: positions point into the file that defined each value. */
  document: YamlDocument;
  /** The chain, earliest first; the repository's own file is last. */
  layers: PolicyLayer[];
  merged: MergedPolicy;
  /** `waive` entries of the repository's files (packs cannot waive). */
  waivers: Waiver[];
  /** Repository files the chain reads besides the policy file itself: a change to them is a policy change. */
  localFiles: string[];
}

export interface ResolveExtendsOptions {
  /** The repository root (absolute). */
  root: string;
  /** The packs folder (`policies/` of the installation, or NETCHANGE_PACKS_DIR). */
  packsRoot: string;
  /** Size cap for every file read. */
  maxBytes: number;
  /**
   * Reads a repository file from somewhere other than the work tree (the policy in force at a
   * pull request's base). Absent: the work tree, with symlinks checked.
   */
  readAt?: (relative: string) => Promise<string | undefined>;
}

/** How many files an `extends` chain may hold. why: a chain is a handful of files; more is a mistake or a loop. */
const MAX_LAYERS = 16;

/**
 * The effective policy of `document` (the repository's policy file of `kind`); undefined when it
 * has no `extends` (it is then its own effective policy, checked as before).
 */
export async function resolvePolicyExtends(
  document: YamlDocument,
  kind: PolicyKind,
  options: ResolveExtendsOptions,
): Promise<ResolvedPolicy | undefined> {
  if (!hasExtends(document)) {
    checkDropWithoutExtends(document);
    return undefined;
  }
  const findings: Finding[] = [];
  const layers: PolicyLayer[] = [];
  const seen = new Set<string>();
  const localFiles: string[] = [];

  const visit = async (layer: PolicyLayer, chain: readonly string[]): Promise<void> => {
    const fragment = checkFragment(layer, kind);
    if (fragment.length > 0) {
      findings.push(...fragment);
      return;
    }
    if (!layer.pack) findings.push(...impossibleWaiverDates(layer));
    const entries = extendsOf(layer.document);
    for (const [index, entry] of entries.entries()) {
      const at = { file: layer.file, ...plain(layer.document.positionOf(['extends', index])) };
      const resolved = await openEntry(entry, layer, at, kind, options);
      if ('finding' in resolved) {
        findings.push(resolved.finding);
        continue;
      }
      if (chain.includes(resolved.key)) {
        findings.push({
          ruleId: 'policy',
          severity: 'error',
          message: `extends '${entry}' leads back to ${resolved.layer.label}: the chain is a loop`,
          hint: 'Remove one of the extends entries so every file is read once.',
          ...at,
        });
        continue;
      }
      // why: two files may extend the same base (a diamond); it is merged once, where it first appears.
      if (seen.has(resolved.key)) continue;
      if (layers.length >= MAX_LAYERS) {
        findings.push({
          ruleId: 'policy',
          severity: 'error',
          message: `the extends chain holds more than ${MAX_LAYERS} files`,
          hint: 'Extend fewer files; a pack and a shared base are usually enough.',
          ...at,
        });
        return;
      }
      seen.add(resolved.key);
      if (!resolved.layer.pack) localFiles.push(resolved.layer.file);
      await visit(resolved.layer, [...chain, resolved.key]);
    }
    layers.push(layer);
  };

  const own: PolicyLayer = { label: document.file, file: document.file, document };
  seen.add(`file:${document.file}`);
  await visit(own, [`file:${document.file}`]);
  if (findings.length > 0) {
    // why: the findings may be the file's own schema errors as well as its extends entries'.
    throw configError(`${document.file}: the policy or a file it extends has errors`, {
      findings,
      hint: 'Fix the errors listed, in the policy file, its extends entries or the files they name (docs/policy-packs.md).',
    });
  }
  const merged = mergePolicyLayers(kind, layers);
  if (merged.unknownDrops.length > 0) {
    throw configError(`${document.file}: drop names definitions nothing it extends has`, {
      findings: merged.unknownDrops.map((drop) => ({
        ruleId: 'policy',
        severity: 'error',
        message: `drop names '${drop.name}', which no extended policy defines`,
        hint: 'Name a rule, window or requirement of the packs and files this policy extends (netchange policy explain lists them).',
        file: drop.at.file,
        line: drop.at.line,
        column: drop.at.column,
      })),
    });
  }
  return {
    kind,
    document: mergedDocument(document, merged),
    layers,
    merged,
    waivers: layers.filter((layer) => !layer.pack).flatMap(waiversOf),
    localFiles,
  };
}

/** `drop` removes inherited definitions; in a file that extends nothing it would silently do nothing. */
function checkDropWithoutExtends(document: YamlDocument): void {
  const drop = (document.value as { drop?: unknown } | undefined)?.drop;
  if (document.findings.length > 0 || !Array.isArray(drop) || drop.length === 0) return;
  throw configError(`${document.file}: drop without extends`, {
    findings: [
      {
        ruleId: 'policy',
        severity: 'error',
        message: 'drop removes inherited definitions, but this policy extends nothing',
        hint: 'Remove the definitions themselves, or add the pack or file they come from under extends.',
        file: document.file,
        ...plain(document.positionOf(['drop'])),
      },
    ],
  });
}

function hasExtends(document: YamlDocument): boolean {
  const value = document.value as { extends?: unknown } | undefined;
  return document.findings.length === 0 && Array.isArray(value?.extends) && value.extends.length > 0;
}

function extendsOf(document: YamlDocument): string[] {
  const value = document.value as { extends?: unknown } | undefined;
  return Array.isArray(value?.extends) ? value.extends.map(String) : [];
}

type OpenedEntry = { key: string; layer: PolicyLayer } | { finding: Finding };

async function openEntry(
  entry: string,
  from: PolicyLayer,
  at: { file: string; line: number; column: number },
  kind: PolicyKind,
  options: ResolveExtendsOptions,
): Promise<OpenedEntry> {
  const fail = (message: string, hint: string): OpenedEntry => ({
    finding: { ruleId: 'policy', severity: 'error', message, hint, ...at },
  });
  const reference = parsePackReference(entry);
  if (reference) return openPack(reference, kind, options, fail);
  if (looksLikePackReference(entry)) {
    return fail(
      `extends '${entry}' is not a pack reference`,
      'Write netchange:<pack>@<major>, e.g. netchange:financial-services@1 (a minor and patch may follow).',
    );
  }
  if (from.pack) {
    return fail(
      `pack ${from.label} extends the repository file '${entry}'`,
      'A pack may extend only other packs (netchange:<pack>@<major>).',
    );
  }
  // why: relative to the extending file, then held to the repository like every other path.
  const relative = path.posix.normalize(path.posix.join(path.posix.dirname(from.file), entry));
  let text: string | undefined;
  if (options.readAt) {
    if (path.posix.isAbsolute(entry) || relative.startsWith('../') || relative === '..') {
      return fail(
        `extends '${entry}' points outside the repository`,
        'Extend files inside the repository only.',
      );
    }
    text = await options.readAt(relative);
    if (text === undefined)
      return fail(
        `extends '${entry}' names ${relative}, which does not exist`,
        'Check the path; it is relative to this file.',
      );
  } else {
    const inside = resolveInsideRepository(options.root, path.posix.isAbsolute(entry) ? entry : relative, at);
    if (!inside.ok) {
      return fail(
        `extends '${entry}': ${inside.finding.message}`,
        'Extend files inside the repository only, by a path relative to this file.',
      );
    }
    const read = readTextFile(inside.absolutePath, relative, options.maxBytes);
    if (!read.ok) return { finding: read.finding };
    text = read.text;
  }
  return {
    key: `file:${relative}`,
    layer: { label: relative, file: relative, document: parseYaml(relative, text) },
  };
}

async function openPack(
  reference: PackReference,
  kind: PolicyKind,
  options: ResolveExtendsOptions,
  fail: (message: string, hint: string) => OpenedEntry,
): Promise<OpenedEntry> {
  const packs = listPacks(options.packsRoot);
  if (!packs.includes(reference.name)) {
    return fail(
      `no policy pack '${reference.name}' is installed`,
      packs.length > 0
        ? `Installed packs: ${packs.join(', ')}.`
        : `This netchange has no policy packs (looked in ${options.packsRoot}).`,
    );
  }
  const majors = listPackMajors(options.packsRoot, reference.name);
  const installed = await Promise.all(
    majors.map(
      async (major) =>
        `${reference.name}@${(await packVersion(options, reference.name, major)) ?? `${major}`}`,
    ),
  );
  if (!majors.includes(reference.major)) {
    return fail(
      `${reference.text}: this netchange has no major version ${reference.major} of ${reference.name}`,
      `Available: ${installed.join(', ') || 'none'}. Extend one of those, or install a netchange that ships ${reference.name} v${reference.major}.`,
    );
  }
  const directory = packDirectory(options.packsRoot, reference.name, reference.major);
  const absolute = path.join(directory, PACK_FILES[kind]);
  const label = packFileLabel(reference.name, reference.major, kind);
  if (!existsSync(absolute)) {
    const other = Object.values(PACK_FILES).filter((file) => existsSync(path.join(directory, file)));
    return fail(
      `pack ${reference.name}@${reference.major} has no ${kind} (${PACK_FILES[kind]})`,
      other.length > 0
        ? `It ships ${other.join(', ')}; extend it from that policy file instead.`
        : 'The pack folder is empty; reinstall netchange.',
    );
  }
  const read = readTextFile(absolute, label, options.maxBytes);
  if (!read.ok) return { finding: read.finding };
  const document = parseYaml(label, read.text);
  const pack = (document.value as { pack?: { name?: unknown; version?: unknown } } | undefined)?.pack;
  const version = typeof pack?.version === 'string' ? pack.version : undefined;
  const semver = version ? parseSemver(version) : undefined;
  if (
    document.findings.length === 0 &&
    (!semver || pack?.name !== reference.name || semver[0] !== reference.major)
  ) {
    return {
      finding: {
        ruleId: 'policy',
        severity: 'error',
        message: `${label} does not declare pack ${reference.name} version ${reference.major}.x.y`,
        hint: `A pack file starts with pack: {name: ${reference.name}, version: ${reference.major}.0.0, description: …}.`,
        file: label,
        ...plain(document.positionOf(['pack'])),
      },
    };
  }
  if (semver && !satisfies(semver, reference)) {
    return fail(
      `${reference.text}: the installed ${reference.name} is ${version}, older than asked for`,
      `Extend netchange:${reference.name}@${reference.major} (installed: ${installed.join(', ')}), or upgrade netchange.`,
    );
  }
  const shown = version ?? `${reference.major}`;
  return {
    key: `pack:${reference.name}@${reference.major}`,
    layer: {
      label: `pack ${reference.name}@${shown}`,
      file: label,
      document,
      pack: { name: reference.name, version: shown },
    },
  };
}

async function packVersion(
  options: ResolveExtendsOptions,
  name: string,
  major: number,
): Promise<string | undefined> {
  for (const file of Object.values(PACK_FILES)) {
    const absolute = path.join(packDirectory(options.packsRoot, name, major), file);
    if (!existsSync(absolute)) continue;
    const read = readTextFile(absolute, file, options.maxBytes);
    if (!read.ok) continue;
    const version = (parseYaml(file, read.text).value as { pack?: { version?: unknown } } | undefined)?.pack
      ?.version;
    if (typeof version === 'string') return version;
  }
  return undefined;
}

/** The top-level keys a fragment may leave to the files it extends or that extend it. */
const FRAGMENT_FILLERS: Record<PolicyKind, Record<string, unknown>> = {
  ChangeControlPolicy: { teams: { placeholder: { kind: 'internal' } }, raci: {} },
  WindowPolicy: { windows: [] },
};

/**
 * A pack or extended file is a fragment: checked against the schema with only apiVersion, kind
 * (and for a pack, `pack`) required. The effective policy is checked in full when it is compiled.
 */
function checkFragment(layer: PolicyLayer, kind: PolicyKind): Finding[] {
  const document = layer.document;
  if (document.findings.length > 0) return document.findings;
  const value = document.value;
  const record = value !== null && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  const filled = record
    ? Object.fromEntries(
        Object.entries(FRAGMENT_FILLERS[kind]).map(([key, filler]) => [
          key,
          key in record ? undefined : filler,
        ]),
      )
    : {};
  const probe: YamlDocument = {
    ...document,
    value: record ? { ...record, ...withoutUndefined(filled) } : value,
  };
  const findings = validateDocument(probe, kind);
  if (layer.pack && record && !('pack' in record)) {
    findings.push({
      ruleId: 'schema',
      severity: 'error',
      message: 'a policy pack must say which pack it is',
      hint: 'Add pack: {name, version, description}.',
      file: layer.file,
      line: 1,
      column: 1,
    });
  }
  return findings;
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/**
 * A policy error at each `waive` entry whose `until` is not a day of the calendar (2026-13-01,
 * 2027-02-30). why: the schema only checks the YYYY-MM-DD shape, and the judgement compares days as
 * strings, so `2026-12-99` would silence the weakening warning for the rest of December.
 */
function impossibleWaiverDates(layer: PolicyLayer): Finding[] {
  const waive = (layer.document.value as { waive?: unknown } | undefined)?.waive;
  if (!Array.isArray(waive)) return [];
  return waive.flatMap((entry: unknown, index): Finding[] => {
    const until = (entry as { until?: unknown } | null)?.until;
    // why: startOfLocalDay reads only a real YYYY-MM-DD day, in any zone; UTC is one.
    if (typeof until !== 'string' || startOfLocalDay(until, 'UTC') !== undefined) return [];
    return [
      {
        ruleId: 'policy',
        severity: 'error',
        message: `waive until '${until}' is not a date of the calendar`,
        hint: 'Write the last day the waiver holds as a real date, YYYY-MM-DD (e.g. 2027-02-28).',
        file: layer.file,
        ...plain(layer.document.positionOf(['waive', index, 'until'])),
      },
    ];
  });
}

function waiversOf(layer: PolicyLayer): Waiver[] {
  const waive = (layer.document.value as { waive?: unknown } | undefined)?.waive;
  if (!Array.isArray(waive)) return [];
  return waive.map((entry, index) => {
    const record = entry as { rule: string; reason: string; until: string };
    return {
      rule: record.rule,
      reason: record.reason,
      until: record.until,
      file: layer.file,
      ...plain(layer.document.positionOf(['waive', index])),
    };
  });
}

/** The merged policy as a document the engines take: values from the merge, positions from their files. */
function mergedDocument(own: YamlDocument, merged: MergedPolicy): YamlDocument {
  return {
    file: own.file,
    source: own.source,
    value: merged.value,
    findings: [],
    positionOf: (at: DocumentPath) => merged.locate(at),
    keyPositionOf: (at: DocumentPath) => merged.locate(at, true),
    positionAt: (offset) => own.positionAt(offset),
  };
}

function plain(position: { line: number; column: number }): { line: number; column: number } {
  return { line: position.line, column: position.column };
}
