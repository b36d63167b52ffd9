/**
 * The policy-packs stage (ruleId `policy-weakened`): a repository's policy that extends a pack or a
 * shared file and overrides or drops an inherited rule so that it asks less is a warning, at the
 * overriding line, until a `waive` entry accepts it; an expired waiver brings the warning back.
 * It judges the policy, not proposals: its findings are the run's. See docs/policy-packs.md.
 */
import type { Finding } from '../../../core/findings.js';
import type { Weakening } from '../../../packs/merge.js';
import { judgeWeakenings, utcDay } from '../../../packs/waivers.js';
import type { Workspace } from '../../../pipeline/workspace.js';
import type { GateInput, GateStage, PreparedStage } from '../../stage.js';

declare module '../../../core/findings.js' {
  interface StageRuleIds {
    /** An override or drop that weakens a rule the policy extends, not (or no longer) waived. */
    'policy-weakened': true;
  }
}

export const policyPacksStage: GateStage = {
  id: 'policy-packs',
  async prepare({ workspace, at }: GateInput): Promise<PreparedStage> {
    return { findings: [], runFindings: weakeningFindings(workspace, at) };
  },
};

/** How findings name a definition of each section. */
const SECTION_WORDS: Record<string, string> = {
  windows: 'window',
  rules: 'rule',
  'risk.rules': 'risk rule',
  approvals: 'approval requirement',
  redundancyGroups: 'redundancy group',
  sites: 'site limit',
  changeTypes: 'change type',
};

/** The weakening findings of the workspace's policies on the day of `at` (UTC). */
export function weakeningFindings(workspace: Workspace, at: Date): Finding[] {
  const findings: Finding[] = [];
  const today = utcDay(at);
  for (const resolved of [workspace.inheritance?.changeControl, workspace.inheritance?.windows]) {
    if (!resolved) continue;
    const judged = judgeWeakenings(resolved.merged.weakenings, resolved.waivers, today);
    for (const { weakening, status, waiver } of judged.weakenings) {
      if (status === 'waived') continue;
      const expired = status === 'expired' && waiver ? ` (its waiver expired after ${waiver.until})` : '';
      findings.push({
        ruleId: 'policy-weakened',
        policy: weakening.name,
        severity: 'warning',
        message: `${describeWeakening(weakening)}${expired}`,
        detail: `${weakening.changes.join('; ')}. Inherited from ${weakening.inherited.layer} (${weakening.inherited.file}:${weakening.inherited.line}).`,
        hint: expired
          ? `Restore the inherited ${wordFor(weakening)}, or renew the waiver with a new until date and a reason.`
          : `Keep the inherited ${wordFor(weakening)}, or accept the weakening with waive: [{rule: ${weakening.name}, reason: …, until: YYYY-MM-DD}].`,
        file: weakening.at.file,
        line: weakening.at.line,
        column: weakening.at.column,
      });
    }
    for (const waiver of judged.unused) {
      findings.push({
        ruleId: 'policy-weakened',
        policy: waiver.rule,
        severity: 'note',
        message: `the waiver for '${waiver.rule}' matches no weakened rule`,
        hint: 'Remove the waiver; nothing it names is overridden or dropped any more.',
        file: waiver.file,
        line: waiver.line,
        column: waiver.column,
      });
    }
  }
  return findings;
}

function wordFor(weakening: Weakening): string {
  return SECTION_WORDS[weakening.section] ?? 'setting';
}

/** "drops window 'quarter-end-freeze' of pack financial-services@1.0.0: removes it". */
function describeWeakening(weakening: Weakening): string {
  const verb = weakening.how === 'drop' ? 'drops' : 'weakens';
  const what = `${wordFor(weakening)} '${weakening.name}' of ${weakening.inherited.layer}`;
  return weakening.how === 'drop' ? `${verb} ${what}` : `${verb} ${what}: ${weakening.changes.join('; ')}`;
}
