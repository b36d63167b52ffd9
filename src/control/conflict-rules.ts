/**
 * The change-control policy's conflict rules: `redundancyGroups` (devices that back each other up)
 * and `sites.<site>.maxConcurrentChanges`. Compiled apart from the rest of the policy.
 * why: the conflicts stage needs only these two sections, and must not pay for CEL to get them.
 */
import picomatch from 'picomatch';
import type { ConflictRules, RedundancyGroup } from '../conflicts/find.js';
import type { Finding, Severity } from '../core/findings.js';
import type { ChangeControlPolicy } from '../core/schema-types.generated.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';

/** Sites and devices the repository knows (complete runs only), for the lint. */
export interface KnownTargets {
  sites: readonly string[];
  devices: readonly string[];
}

/**
 * The conflict rules of a change-control policy, with lint findings (ruleId `policy`, with lines).
 * A policy that does not parse or fails its schema gives no rules and no findings here: the
 * change-control stage reports those.
 */
export function compileConflictRules(
  document: YamlDocument,
  known?: KnownTargets,
): { rules?: ConflictRules; findings: Finding[] } {
  if (document.findings.length > 0) return { findings: [] };
  if (validateDocument(document, 'ChangeControlPolicy').length > 0) return { findings: [] };
  const source = document.value as ChangeControlPolicy;
  const findings: Finding[] = [];
  const report = (severity: Severity, message: string, at: DocumentPath, hint: string): void => {
    findings.push({
      ruleId: 'policy',
      severity,
      message,
      hint,
      file: document.file,
      ...document.positionOf(at),
    });
  };

  const groups: RedundancyGroup[] = [];
  const seen = new Set<string>();
  (source.redundancyGroups ?? []).forEach((group, index) => {
    if (seen.has(group.name)) {
      report(
        'error',
        `redundancy group '${group.name}' is defined twice`,
        ['redundancyGroups', index, 'name'],
        'Give every redundancy group its own name; conflict findings name the group.',
      );
      return;
    }
    seen.add(group.name);
    groups.push({
      name: group.name,
      devices: group.devices,
      ...(group.reason ? { reason: group.reason } : {}),
      ...(group.control ? { control: group.control } : {}),
    });
    if (!known || known.devices.length === 0) return;
    // why: a glob that matches no host is most often a typo, and a group of one never conflicts.
    const members = new Set<string>();
    group.devices.forEach((glob, globIndex) => {
      const matches = known.devices.filter((device) => picomatch.isMatch(device, glob));
      for (const device of matches) members.add(device);
      if (matches.length === 0) {
        report(
          'warning',
          `redundancy group '${group.name}': '${glob}' matches no inventory host`,
          ['redundancyGroups', index, 'devices', globIndex],
          'Check the hostname or glob against the inventory; an unmatched member never conflicts.',
        );
      }
    });
    if (members.size === 1) {
      report(
        'warning',
        `redundancy group '${group.name}' has one member (${[...members][0]}): it can never conflict`,
        ['redundancyGroups', index, 'devices'],
        'List both halves of the redundant pair (or a glob matching them).',
      );
    }
  });

  const maxConcurrentChanges = new Map<string, number>();
  for (const [site, settings] of Object.entries(source.sites ?? {})) {
    if (settings?.maxConcurrentChanges === undefined) continue;
    maxConcurrentChanges.set(site, settings.maxConcurrentChanges);
    if (known && known.sites.length > 0 && !known.sites.includes(site)) {
      report(
        'warning',
        `site '${site}' is not a site of any proposal or inventory host, so its limit never applies`,
        ['sites', site],
        `Known sites: ${known.sites.join(', ')}.`,
      );
    }
  }
  return { rules: { redundancyGroups: groups, maxConcurrentChanges }, findings };
}

/** True when the rules add anything to the shared device and stack checks. */
export function hasConflictRules(rules: ConflictRules): boolean {
  return rules.redundancyGroups.length > 0 || rules.maxConcurrentChanges.size > 0;
}
