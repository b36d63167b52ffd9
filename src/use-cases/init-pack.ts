/**
 * `netchange init --pack NAME`: the starter policies extend the pack, and add the organisation's
 * parts the pack leaves to it (teams it names but does not define, RACI domains its rules match),
 * so the new repository validates clean at once.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { parseYaml } from '../documents/parse-yaml.js';
import {
  defaultPacksRoot,
  listPackMajors,
  listPacks,
  PACK_FILES,
  type PolicyKind,
  packDirectory,
} from '../packs/locate.js';

/** What init needs to know about the pack. */
export interface PackStarter {
  name: string;
  major: number;
  /** The policy kinds the pack ships. */
  kinds: PolicyKind[];
  /** Teams the pack's rules name that neither the pack nor the starter policy defines. */
  missingTeams: string[];
  /** Domains the pack's rules match that the starter RACI does not have. */
  missingDomains: string[];
  /**
   * Settings and change types the pack sets itself: the starter policy leaves them out.
   * why: the starter's own values would override the pack's, and a looser one is a weakening warning.
   */
  packSettings: string[];
}

/** The teams and RACI domains the starter change-control policy defines (templates/init). */
const STARTER_TEAMS = ['netops', 'partner-noc', 'cab'];
const STARTER_DOMAINS = ['switching'];
/** The starter's one-line top-level settings a pack may set instead. */
const STARTER_SETTINGS = ['separationOfDuties', 'crossTeam', 'policyOwners', 'codeReviewers'];

/** Reads the pack's newest major; an unknown pack is a usage error naming the packs installed. */
export async function packStarter(name: string, packsRoot = defaultPacksRoot()): Promise<PackStarter> {
  const packs = listPacks(packsRoot);
  const majors = packs.includes(name) ? listPackMajors(packsRoot, name) : [];
  const major = majors.at(-1);
  if (major === undefined) {
    throw usageError(
      `--pack ${name}: there is no such policy pack`,
      packs.length > 0
        ? `Available packs: ${packs.join(', ')}.`
        : `This netchange has no policy packs (looked in ${packsRoot}).`,
    );
  }
  const kinds: PolicyKind[] = [];
  const teams = new Set<string>();
  const defined = new Set<string>(STARTER_TEAMS);
  const domains = new Set<string>();
  const knownDomains = new Set<string>(STARTER_DOMAINS);
  const packSettings = new Set<string>();
  for (const kind of Object.keys(PACK_FILES) as PolicyKind[]) {
    const file = path.join(packDirectory(packsRoot, name, major), PACK_FILES[kind]);
    if (!existsSync(file)) continue;
    kinds.push(kind);
    const value = parseYaml(file, await readFile(file, 'utf8')).value;
    collectNames(value, kind, { teams, defined, domains, knownDomains });
    if (kind === 'ChangeControlPolicy') {
      const policy = asRecord(value);
      for (const key of STARTER_SETTINGS) if (key in policy) packSettings.add(key);
      for (const type of Object.keys(asRecord(policy.changeTypes))) packSettings.add(`changeTypes.${type}`);
    }
  }
  return {
    name,
    major,
    kinds,
    missingTeams: [...teams].filter((team) => !defined.has(team)).sort(),
    missingDomains: [...domains].filter((domain) => !knownDomains.has(domain)).sort(),
    packSettings: [...packSettings].sort(),
  };
}

/** The teams a pack names, the teams it defines, and the domains its rules and RACI use. */
function collectNames(
  value: unknown,
  kind: PolicyKind,
  names: { teams: Set<string>; defined: Set<string>; domains: Set<string>; knownDomains: Set<string> },
): void {
  const { teams, defined, domains, knownDomains } = names;
  const policy = (value ?? {}) as Record<string, unknown>;
  const requirements = (list: unknown) => {
    for (const entry of asArray(list)) {
      const team = (entry as { team?: unknown }).team;
      if (typeof team === 'string') teams.add(team);
    }
  };
  if (kind === 'WindowPolicy') {
    for (const window of asArray(policy.windows)) {
      requirements((window as { override?: { approvals?: unknown } }).override?.approvals);
    }
    return;
  }
  for (const team of Object.keys(asRecord(policy.teams))) defined.add(team);
  for (const [domain, entry] of Object.entries(asRecord(policy.raci))) {
    knownDomains.add(domain);
    const raci = asRecord(entry);
    for (const role of ['responsible', 'accountable'])
      if (typeof raci[role] === 'string') teams.add(raci[role]);
    for (const role of ['consulted', 'informed'])
      for (const team of asArray(raci[role])) teams.add(String(team));
  }
  for (const rule of asArray(policy.approvals)) {
    requirements((rule as { require?: unknown }).require);
    for (const domain of asArray((rule as { when?: { domains?: unknown } }).when?.domains))
      domains.add(String(domain));
  }
  requirements(asRecord(policy.policyChanges).approvals);
  for (const key of ['policyOwners', 'codeReviewers'])
    for (const team of asArray(policy[key])) teams.add(String(team));
  for (const [team, entry] of Object.entries(asRecord(policy.autonomy))) {
    teams.add(team);
    const playbook = asRecord(entry);
    for (const key of ['inputFrom', 'escalateTo'])
      for (const name of asArray(playbook[key])) teams.add(String(name));
    for (const key of ['autonomous', 'needsInput', 'escalate']) {
      for (const domain of asArray(asRecord(playbook[key]).domains)) domains.add(String(domain));
    }
  }
}

/** The starter's sample proposal, relative to the repository. */
export const SAMPLE_PROPOSAL = 'changes/switching/chg-0001-first-vlan.yaml';

/** What the packs ask a change record to show, filled in for the sample proposal. */
const SAMPLE_ASSURANCE =
  '# The pack asks who implements the change (their approval never counts) and what it means for security.\n' +
  'implementer: { github: dana }\n' +
  'assurance:\n' +
  '  securityImpact: "None: a new lab VLAN on one access switch; no new flows between zones."\n' +
  '  testing: "Check mode and diff in the pull request; the VLAN is verified on the switch afterwards."\n';

/**
 * A template file as written for the pack: the policy files extend it, and the change-control
 * policy gains the teams and RACI domains the pack names. Other files are left as they are.
 */
export function withPack(target: string, text: string, starter: PackStarter): string {
  const reference = `netchange:${starter.name}@${starter.major}`;
  const note =
    `# Extends the ${starter.name} pack: a starting point, not a compliance certificate.\n` +
    '# `netchange policy explain` shows the effective policy and where each rule comes from.\n';
  if (target === 'policies/windows.yaml' && starter.kinds.includes('WindowPolicy')) {
    return text.replace('kind: WindowPolicy\n', `kind: WindowPolicy\n${note}extends: [${reference}]\n`);
  }
  if (target === SAMPLE_PROPOSAL) return text.replace('risk: low\n', `risk: low\n${SAMPLE_ASSURANCE}`);
  if (target !== 'policies/change-control.yaml' || !starter.kinds.includes('ChangeControlPolicy'))
    return text;
  let policy = text.replace(
    'kind: ChangeControlPolicy\n',
    `kind: ChangeControlPolicy\n${note}extends: [${reference}]\n`,
  );
  for (const setting of starter.packSettings) {
    const [key, type] = setting.split('.');
    policy = type
      ? policy.replace(new RegExp(`^  ${type}: .*\n`, 'm'), '')
      : policy.replace(new RegExp(`^${key}: .*\n`, 'm'), '');
  }
  if (starter.missingTeams.length > 0) {
    const teams = starter.missingTeams
      .map(
        (team) =>
          `  ${team}: { kind: internal, members: [alice] } # the ${starter.name} pack names this team: list its members\n`,
      )
      .join('');
    policy = policy.replace('raci:\n', `${teams}raci:\n`);
  }
  if (starter.missingDomains.length > 0) {
    const raci = starter.missingDomains
      .map(
        (domain) =>
          `  ${domain}: { responsible: netops, accountable: netops } # a domain the ${starter.name} pack's rules use\n`,
      )
      .join('');
    policy = policy.replace('changeTypes:\n', `${raci}changeTypes:\n`);
  }
  return policy;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
