/**
 * Merges a policy's layers (the packs and files it extends, then itself) into the effective policy,
 * keeping where every definition came from and what each override or drop took away. Pure.
 *
 * Merging, per section:
 * - maps (teams, raci, autonomy, sites, changeTypes, holds): by key; a later entry replaces the whole entry;
 * - lists of named objects (windows, rules, approvals, risk.rules, redundancyGroups, reviews): by `name`; a
 *   later definition replaces the earlier one in place, a new name is appended; unnamed entries are
 *   appended (they cannot be overridden, only added to);
 * - everything else (timezone, horizon, separationOfDuties, crossTeam, policyOwners, ...): the last
 *   layer that sets it wins.
 * `drop: [name]` removes an inherited definition by name; `pack`, `extends`, `waive` and `drop`
 * belong to their own file and are not inherited.
 */
import type { DocumentPath, Position, YamlDocument } from '../documents/parse-yaml.js';
import type { PolicyKind } from './locate.js';
import { describeWeakening, JUDGED_SECTIONS } from './weakening.js';

/** One file of the chain: a pack, an extended repository file, or the repository's own policy file. */
export interface PolicyLayer {
  /** How the layer is named: `pack financial-services@1.0.0`, or the repository-relative file. */
  label: string;
  /** The file findings point at: the repository-relative path, or the pack file inside netchange. */
  file: string;
  /** The parsed file, for positions. */
  document: YamlDocument;
  /** The pack's name and version, when the layer is a shipped pack. */
  pack?: { name: string; version: string };
}

/** Where a definition of the effective policy is written. */
export interface DefinitionOrigin {
  /** The layer's label (`pack healthcare@1.0.0` or `policies/change-control.yaml`). */
  layer: string;
  /** The file and position of the definition. */
  file: string;
  line: number;
  column: number;
  /** Set when the definition comes from a shipped pack. */
  pack?: { name: string; version: string };
}

/** An override or drop that takes something away from an inherited definition. */
export interface Weakening {
  /** The section, e.g. `windows`, `rules`, `approvals`, `risk.rules`, `changeTypes`, `separationOfDuties`. */
  section: string;
  /** The definition's name (what `waive.rule` names); the setting's name for a plain setting. */
  name: string;
  /** What was taken away, each in a few words (`lowers severity from error to warning`). */
  changes: string[];
  /** `override` replaced it; `drop` removed it. */
  how: 'override' | 'drop';
  /** Where the inherited definition is written. */
  inherited: DefinitionOrigin;
  /** Where the override (or the `drop` entry) is written. */
  at: DefinitionOrigin;
}

/** A definition of the effective policy with its origin, for `policy explain`. */
export interface ExplainedDefinition {
  section: string;
  /** The definition's name; `sectionName[index]` for an unnamed list entry; the section for a setting. */
  name: string;
  origin: DefinitionOrigin;
  /** Layers whose definitions of the same name this one replaced, earliest first. */
  overrides: string[];
}

/** A drop entry that names no inherited definition. */
export interface UnknownDrop {
  name: string;
  at: DefinitionOrigin;
}

export interface MergedPolicy {
  /** The effective policy, as one document's data. */
  value: Record<string, unknown>;
  /** Position of a path of the effective policy: in the file (and at the line) that defined it. */
  locate(path: DocumentPath, key?: boolean): Position & { file: string };
  /** Every definition with its origin, in effective order. */
  definitions: ExplainedDefinition[];
  weakenings: Weakening[];
  unknownDrops: UnknownDrop[];
}

type SectionRule = 'map' | 'named-list';

/** How each section merges; sections not listed are replaced whole by the last layer that sets them. */
const SECTIONS: Record<PolicyKind, Record<string, SectionRule>> = {
  ChangeControlPolicy: {
    teams: 'map',
    raci: 'map',
    autonomy: 'map',
    sites: 'map',
    changeTypes: 'map',
    holds: 'map',
    approvals: 'named-list',
    rules: 'named-list',
    redundancyGroups: 'named-list',
    'risk.rules': 'named-list',
    reviews: 'named-list',
  },
  WindowPolicy: { windows: 'named-list' },
};

/** Objects whose keys are sections of their own (`risk.rules`). */
const CONTAINERS = new Set(['risk']);

/** Keys that belong to the file that writes them. */
const OWN_KEYS = new Set(['$schema', 'pack', 'extends', 'waive', 'drop']);

interface Slot {
  value: unknown;
  layer: number;
  /** The path of the value in its layer's document. */
  path: DocumentPath;
  overrides: string[];
}

type SectionState =
  | { rule: 'map'; entries: Map<string, Slot>; last: Slot }
  | { rule: 'named-list'; items: Slot[]; last: Slot }
  | { rule: 'replace'; slot: Slot };

/** Merges `layers` (earliest first, the repository's own file last) into the effective policy. */
export function mergePolicyLayers(kind: PolicyKind, layers: readonly PolicyLayer[]): MergedPolicy {
  const rules = SECTIONS[kind];
  const state = new Map<string, SectionState>();
  const weakenings: Weakening[] = [];
  const unknownDrops: UnknownDrop[] = [];
  const originOf = (slot: Pick<Slot, 'layer' | 'path'>): DefinitionOrigin => {
    const layer = layers[slot.layer]!;
    return {
      layer: layer.label,
      file: layer.file,
      ...plainPosition(layer.document.positionOf(slot.path)),
      ...(layer.pack ? { pack: layer.pack } : {}),
    };
  };
  const judge = (section: string, name: string, before: Slot, after: Slot): void => {
    if (before.layer === after.layer || !JUDGED_SECTIONS.has(section)) return;
    const changes = describeWeakening(section, before.value, after.value);
    if (changes.length === 0) return;
    weakenings.push({
      section,
      name,
      changes,
      how: 'override',
      inherited: originOf(before),
      at: originOf(after),
    });
  };

  const mergeSection = (section: string, value: unknown, layer: number, path: DocumentPath): void => {
    const rule = rules[section];
    const slot: Slot = { value, layer, path, overrides: [] };
    const current = state.get(section);
    if (rule === 'map' && isRecord(value)) {
      const entries = current?.rule === 'map' ? current.entries : new Map<string, Slot>();
      for (const [key, entry] of Object.entries(value)) {
        const next: Slot = { value: entry, layer, path: [...path, key], overrides: [] };
        const previous = entries.get(key);
        if (previous) {
          judge(section, key, previous, next);
          next.overrides = [...previous.overrides, layers[previous.layer]!.label];
        }
        entries.set(key, next);
      }
      state.set(section, { rule: 'map', entries, last: slot });
      return;
    }
    if (rule === 'named-list' && Array.isArray(value)) {
      const items = current?.rule === 'named-list' ? current.items : [];
      // why: only names from earlier layers are overridden; a name twice in one file stays twice,
      // so the policy's own duplicate-name check still reports it.
      const inherited = new Map<string, number>();
      items.forEach((item, index) => {
        const name = nameOf(item.value);
        if (name !== undefined && item.layer !== layer && !inherited.has(name)) inherited.set(name, index);
      });
      value.forEach((entry, index) => {
        const next: Slot = { value: entry, layer, path: [...path, index], overrides: [] };
        const name = nameOf(entry);
        const at = name === undefined ? undefined : inherited.get(name);
        if (name !== undefined && at !== undefined) {
          const previous = items[at]!;
          next.value = withInheritedControl(previous.value, entry);
          judge(section, name, previous, next);
          next.overrides = [...previous.overrides, layers[previous.layer]!.label];
          items[at] = next;
          inherited.delete(name);
        } else items.push(next);
      });
      state.set(section, { rule: 'named-list', items, last: slot });
      return;
    }
    if (current?.rule === 'replace') {
      judge(section, section, current.slot, slot);
      slot.overrides = [...current.slot.overrides, layers[current.slot.layer]!.label];
    }
    state.set(section, { rule: 'replace', slot });
  };

  const drop = (name: string, layer: number, path: DocumentPath): void => {
    const at = originOf({ layer, path });
    let found = false;
    for (const [section, current] of state) {
      if (current.rule === 'map') {
        const previous = current.entries.get(name);
        if (previous && previous.layer !== layer) {
          current.entries.delete(name);
          found = true;
          if (JUDGED_SECTIONS.has(section))
            weakenings.push({
              section,
              name,
              changes: ['removes it'],
              how: 'drop',
              inherited: originOf(previous),
              at,
            });
        }
      } else if (current.rule === 'named-list') {
        const index = current.items.findIndex((item) => nameOf(item.value) === name && item.layer !== layer);
        if (index >= 0) {
          const [previous] = current.items.splice(index, 1);
          found = true;
          weakenings.push({
            section,
            name,
            changes: ['removes it'],
            how: 'drop',
            inherited: originOf(previous!),
            at,
          });
        }
      }
    }
    if (!found) unknownDrops.push({ name, at });
  };

  layers.forEach((layer, index) => {
    const value = layer.document.value;
    if (!isRecord(value)) return;
    for (const [key, entry] of Object.entries(value)) {
      if (OWN_KEYS.has(key)) continue;
      if (CONTAINERS.has(key) && isRecord(entry)) {
        for (const [inner, innerValue] of Object.entries(entry))
          mergeSection(`${key}.${inner}`, innerValue, index, [key, inner]);
      } else mergeSection(key, entry, index, [key]);
    }
    // why: after the layer's own definitions, so a file cannot drop what it defines itself.
    const drops = value.drop;
    if (Array.isArray(drops)) {
      drops.forEach((name, at) => {
        drop(String(name), index, ['drop', at]);
      });
    }
  });

  return assemble(layers, state, originOf, weakenings, unknownDrops);
}

function assemble(
  layers: readonly PolicyLayer[],
  state: Map<string, SectionState>,
  originOf: (slot: Pick<Slot, 'layer' | 'path'>) => DefinitionOrigin,
  weakenings: Weakening[],
  unknownDrops: UnknownDrop[],
): MergedPolicy {
  const value: Record<string, unknown> = {};
  // why: each effective path maps to the layer path it was read from, so positions land in that file.
  const origins = new Map<string, Slot>();
  const definitions: ExplainedDefinition[] = [];
  const place = (target: Record<string, unknown>, key: string, path: DocumentPath, current: SectionState) => {
    const section = path.join('.');
    if (current.rule === 'replace') {
      target[key] = current.slot.value;
      origins.set(pathKey(path), current.slot);
      definitions.push({
        section,
        name: section,
        origin: originOf(current.slot),
        overrides: current.slot.overrides,
      });
      return;
    }
    origins.set(pathKey(path), current.last);
    if (current.rule === 'map') {
      const entries: Record<string, unknown> = {};
      for (const [name, slot] of current.entries) {
        entries[name] = slot.value;
        origins.set(pathKey([...path, name]), slot);
        definitions.push({ section, name, origin: originOf(slot), overrides: slot.overrides });
      }
      target[key] = entries;
      return;
    }
    target[key] = current.items.map((slot, index) => {
      origins.set(pathKey([...path, index]), slot);
      definitions.push({
        section,
        name: nameOf(slot.value) ?? `${section}[${index}]`,
        origin: originOf(slot),
        overrides: slot.overrides,
      });
      return slot.value;
    });
  };
  const own = layers.at(-1)?.document.value;
  const ownRecord = isRecord(own) ? own : {};
  value.apiVersion = ownRecord.apiVersion;
  value.kind = ownRecord.kind;
  for (const [section, current] of state) {
    if (section === 'apiVersion' || section === 'kind') continue;
    const [outer, inner] = section.split('.') as [string, string | undefined];
    if (inner === undefined) place(value, outer, [outer], current);
    else {
      if (!isRecord(value[outer])) value[outer] = {};
      place(value[outer] as Record<string, unknown>, inner, [outer, inner], current);
    }
  }
  const ownLayer = layers.length - 1;
  const locate = (path: DocumentPath, key = false): Position & { file: string } => {
    for (let length = path.length; length > 0; length--) {
      const slot = origins.get(pathKey(path.slice(0, length)));
      if (!slot) continue;
      const layer = layers[slot.layer]!;
      const inLayer = [...slot.path, ...path.slice(length)];
      const position = key ? layer.document.keyPositionOf(inLayer) : layer.document.positionOf(inLayer);
      return { ...plainPosition(position), file: layer.file };
    }
    const layer = layers[ownLayer]!;
    const position = key ? layer.document.keyPositionOf(path) : layer.document.positionOf(path);
    return { ...plainPosition(position), file: layer.file };
  };
  return { value, locate, definitions, weakenings, unknownDrops };
}

/**
 * An override that names no `control` keeps the one of the definition it replaces.
 * why: it still serves that control; evidence and audits by control must not lose it.
 */
function withInheritedControl(previous: unknown, next: unknown): unknown {
  if (!isRecord(previous) || !isRecord(next) || previous.control === undefined || 'control' in next)
    return next;
  return { ...next, control: previous.control };
}

function plainPosition(position: Position): { line: number; column: number } {
  return { line: position.line, column: position.column };
}

function pathKey(path: DocumentPath): string {
  return JSON.stringify(path);
}

function nameOf(value: unknown): string | undefined {
  return isRecord(value) && typeof value.name === 'string' ? value.name : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
