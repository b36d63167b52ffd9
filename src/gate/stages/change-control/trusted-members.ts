import type { CompiledChangeControlPolicy } from '../../../control/index.js';

/**
 * GitHub team members are resolved from the workspace's (head's) policy; a team counts for the
 * policy in force only when both name the same GitHub team.
 * why: otherwise a pull request could point `netops.github` at a team of its own and approve itself.
 */
export function trustedMembers(
  inForce: CompiledChangeControlPolicy | undefined,
  head: CompiledChangeControlPolicy | undefined,
  members: Map<string, string[]>,
): Map<string, string[]> {
  if (!inForce || inForce === head) return members;
  const trusted = new Map<string, string[]>();
  for (const [team, logins] of members) {
    const slug = inForce.teams.get(team)?.github;
    if (slug !== undefined && slug === head?.teams.get(team)?.github) trusted.set(team, logins);
  }
  return trusted;
}
