/**
 * Freezes as GitHub issues: an open issue labelled `netchange-freeze` whose body carries the
 * freeze as JSON in a hidden comment. Closing the issue lifts it; anyone who can open an issue can
 * freeze, which is the point: an on-call engineer freezes a site from a phone.
 */
import type { GitHubPort, IssueInfo } from '../github/port.js';
import { type Freeze, toFreeze } from './model.js';

export const FREEZE_LABEL = 'netchange-freeze';
const BLOCK = /<!--\s*netchange-freeze\s+(\{[\s\S]*?\})\s*-->/;

/** The freezes of the repository's open freeze issues (issues without a readable block are skipped). */
export async function listFreezeIssues(github: GitHubPort): Promise<Freeze[]> {
  const issues = await github.listIssuesWithLabel(FREEZE_LABEL);
  return issues.filter((issue) => issue.state === 'open').flatMap((issue) => freezeOfIssue(issue) ?? []);
}

/** The freeze an issue carries, or undefined. */
export function freezeOfIssue(issue: IssueInfo): Freeze | undefined {
  const block = BLOCK.exec(issue.body)?.[1];
  if (!block) return undefined;
  try {
    const freeze = toFreeze(JSON.parse(block), `#${issue.number}`);
    return freeze && issue.htmlUrl ? { ...freeze, url: issue.htmlUrl } : freeze;
  } catch {
    return undefined;
  }
}

/** The issue's title and body for a freeze; the block is what netchange reads back. */
export function freezeIssue(freeze: Omit<Freeze, 'id'>, untilText: string): { title: string; body: string } {
  const scope = [...freeze.sites, ...freeze.devices].join(', ');
  const block = JSON.stringify({
    sites: freeze.sites,
    devices: freeze.devices,
    until: freeze.until,
    reason: freeze.reason,
    by: freeze.by,
    createdAt: freeze.createdAt,
    ...(freeze.types ? { types: freeze.types } : {}),
  });
  return {
    title: `Freeze: ${scope} until ${untilText}`,
    body: [
      `**${scope}** is frozen until **${untilText}**: netchange holds every change there${freeze.types ? ` of type ${freeze.types.join(', ')}` : ''}.`,
      '',
      `Reason: ${freeze.reason}`,
      `Frozen by: @${freeze.by}`,
      '',
      'Close this issue to lift the freeze (or run `netchange unfreeze`).',
      '',
      `<!-- netchange-freeze ${block} -->`,
    ].join('\n'),
  };
}
