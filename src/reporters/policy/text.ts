/**
 * `netchange policy explain` as text: per policy file, the chain it extends, every definition of
 * the effective policy grouped by section with where it came from, then the weakenings and waivers.
 */
import type { ExplainedWeakening, PolicyExplainOutput, PolicyExplanation } from '../../packs/explain.js';

export function renderPolicyExplainText(output: PolicyExplainOutput): string {
  if (output.policies.length === 0) return 'There is no policy file to explain.\n';
  return `${output.policies.map((policy) => renderPolicy(policy, output.day)).join('\n')}`;
}

function renderPolicy(policy: PolicyExplanation, day: string): string {
  const lines: string[] = [`Effective ${policy.kind} of ${policy.file}`];
  lines.push(`  extends: ${policy.layers.map((layer) => layer.label).join(' → ')}`);
  const sections = new Map<string, PolicyExplanation['entries']>();
  for (const entry of policy.entries) {
    const list = sections.get(entry.section) ?? [];
    list.push(entry);
    sections.set(entry.section, list);
  }
  const width = Math.min(32, Math.max(0, ...policy.entries.map((entry) => entry.name.length)));
  for (const [section, entries] of sections) {
    lines.push('', `${section}:`);
    for (const entry of entries) {
      const overrides = entry.overrides.length > 0 ? `  (overrides ${entry.overrides.join(', ')})` : '';
      const control = entry.control ? `  [${entry.control.framework} ${entry.control.id}]` : '';
      lines.push(`  ${entry.name.padEnd(width)}  ${entry.origin}${overrides}${control}`);
    }
  }
  lines.push('', `weakenings (waivers judged on ${day}, UTC):`);
  if (policy.weakenings.length === 0) lines.push('  none');
  for (const weakening of policy.weakenings) lines.push(...renderWeakening(weakening));
  return `${lines.join('\n')}\n`;
}

function renderWeakening(weakening: ExplainedWeakening): string[] {
  const status =
    weakening.status === 'waived'
      ? `waived until ${weakening.waiver?.until}: ${weakening.waiver?.reason}`
      : weakening.status === 'expired'
        ? `waiver expired after ${weakening.waiver?.until}: warning`
        : 'not waived: warning';
  return [
    `  ${weakening.how === 'drop' ? 'dropped' : 'weakened'} ${weakening.section} ${weakening.name} at ${weakening.at} (${status})`,
    `    ${weakening.changes.join('; ')}; inherited from ${weakening.inherited}`,
  ];
}
