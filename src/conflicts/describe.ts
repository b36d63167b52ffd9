/** Conflicts in plain words, for every format that shows them. */
import type { ChangeSource, ConflictReason } from '../core/model.js';

/** "both change sw-1, sw-2", "redundancy group core-pair: core-1 and core-2". */
export function describeConflictReason(reason: ConflictReason): string {
  switch (reason.kind) {
    case 'device':
      return `both change ${listed(reason.devices)}`;
    case 'stack':
      return `both change Terraform stack ${listed(reason.stacks)}`;
    case 'redundancy-group':
      return `redundancy group ${reason.group}: ${andList(reason.devices)}`;
    case 'site-capacity':
      return `more than ${reason.limit} change${reason.limit === 1 ? '' : 's'} at ${reason.site} at once`;
  }
}

/** Where the other change lives: its file, or "pull request #12 by @dana". */
export function describeSource(file: string, source: ChangeSource): string {
  return source.kind === 'pull-request' ? `pull request #${source.number} by @${source.author}` : file;
}

function listed(items: readonly string[]): string {
  return items.length <= 3
    ? items.join(', ')
    : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}

function andList(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' and ');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
