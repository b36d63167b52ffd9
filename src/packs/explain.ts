/**
 * `netchange policy explain`: the effective policy after every `extends`, each definition with the
 * file or pack it came from, the weakenings and the waivers. Pure: the resolved policy and the day
 * come in, plain data goes out; src/reporters/policy/ renders it.
 */
import type { PolicyKind } from './locate.js';
import type { DefinitionOrigin, MergedPolicy, PolicyLayer } from './merge.js';
import type { Waiver } from './resolve.js';
import { judgeWeakenings } from './waivers.js';

/** The control a rule serves, as the policy writes it. */
export interface ControlReference {
  framework: string;
  id: string;
  title: string;
}

/** One definition of the effective policy. */
export interface ExplainedEntry {
  /** `windows`, `rules`, `approvals`, `risk.rules`, `teams`, ... or a setting's name. */
  section: string;
  name: string;
  /** `pack financial-services@1.0.0 rule sod-approver`, or `policies/change-control.yaml:41`. */
  origin: string;
  file: string;
  line: number;
  /** The pack it comes from, when it does. */
  pack?: { name: string; version: string };
  /** The control it serves, when it names one. */
  control?: ControlReference;
  /** The layers whose definitions of the same name it replaced, earliest first. */
  overrides: string[];
}

/** A weakening with where its waiver stands on the day explained. */
export interface ExplainedWeakening {
  section: string;
  name: string;
  changes: string[];
  how: 'override' | 'drop';
  /** Where the override or drop is written (`policies/change-control.yaml:30`). */
  at: string;
  /** Where the inherited definition is written (`pack financial-services@1.0.0 rule …`). */
  inherited: string;
  status: 'open' | 'waived' | 'expired';
  waiver?: { reason: string; until: string };
}

/** One policy kind explained. */
export interface PolicyExplanation {
  kind: PolicyKind;
  /** The repository's policy file. */
  file: string;
  /** The chain, earliest first, the file itself last. */
  layers: { label: string; file: string; pack?: { name: string; version: string } }[];
  entries: ExplainedEntry[];
  weakenings: ExplainedWeakening[];
  waivers: Waiver[];
  /** The effective policy's data. */
  effective: Record<string, unknown>;
}

/** What `policy explain` renders. */
export interface PolicyExplainOutput {
  /** The day waivers were judged on (YYYY-MM-DD, UTC). */
  day: string;
  policies: PolicyExplanation[];
}

const SECTION_WORDS: Record<string, string> = {
  windows: 'window',
  rules: 'rule',
  'risk.rules': 'risk rule',
  approvals: 'approval',
  redundancyGroups: 'redundancy group',
  teams: 'team',
  raci: 'raci',
  autonomy: 'autonomy',
  sites: 'site',
  changeTypes: 'change type',
  holds: 'holds',
};

/** The origin as people read it: a pack's definition by name, a repository file by line. */
export function describeOrigin(origin: DefinitionOrigin, section: string, name: string): string {
  if (!origin.pack) return `${origin.file}:${origin.line}`;
  const word = SECTION_WORDS[section];
  return word ? `${origin.layer} ${word} ${name}` : `${origin.layer} ${name}`;
}

/** Explains one policy: its merge, its layers and its waivers judged on `day`. */
export function explainPolicy(input: {
  kind: PolicyKind;
  file: string;
  layers: readonly PolicyLayer[];
  merged: MergedPolicy;
  waivers: readonly Waiver[];
  day: string;
}): PolicyExplanation {
  const entries = input.merged.definitions.map((definition): ExplainedEntry => {
    const control = controlOf(input.merged.value, definition.section, definition.name);
    return {
      section: definition.section,
      name: definition.name,
      origin: describeOrigin(definition.origin, definition.section, definition.name),
      file: definition.origin.file,
      line: definition.origin.line,
      ...(definition.origin.pack ? { pack: definition.origin.pack } : {}),
      ...(control ? { control } : {}),
      overrides: definition.overrides,
    };
  });
  const judged = judgeWeakenings(input.merged.weakenings, input.waivers, input.day);
  return {
    kind: input.kind,
    file: input.file,
    layers: input.layers.map((layer) => ({
      label: layer.label,
      file: layer.file,
      ...(layer.pack ? { pack: layer.pack } : {}),
    })),
    entries,
    weakenings: judged.weakenings.map(({ weakening, status, waiver }) => ({
      section: weakening.section,
      name: weakening.name,
      changes: weakening.changes,
      how: weakening.how,
      at: `${weakening.at.file}:${weakening.at.line}`,
      inherited: describeOrigin(weakening.inherited, weakening.section, weakening.name),
      status,
      ...(waiver ? { waiver: { reason: waiver.reason, until: waiver.until } } : {}),
    })),
    waivers: [...input.waivers],
    effective: input.merged.value,
  };
}

/** The `control` a named definition carries in the effective policy, when it has one. */
function controlOf(
  value: Record<string, unknown>,
  section: string,
  name: string,
): ControlReference | undefined {
  const [outer, inner] = section.split('.') as [string, string | undefined];
  const container = inner === undefined ? value : (value[outer] as Record<string, unknown> | undefined);
  const list = container?.[inner ?? outer];
  if (!Array.isArray(list)) return undefined;
  const entry = list.find((candidate) => (candidate as { name?: unknown } | null)?.name === name) as
    | { control?: ControlReference }
    | undefined;
  return entry?.control;
}
