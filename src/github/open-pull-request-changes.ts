/**
 * The proposals of other open pull requests, as scheduled changes: what `validate --github` checks
 * conflicts against, and what the schedule shows as pending.
 * why: a conflict with a change still under review is found before either is merged, not at apply.
 * Requests: ⌈open pull requests / 100⌉ list requests (at least 1), one file listing per pull
 * request looked at (per 100 files), and one read per changed proposal file (docs/github.md).
 */
import path from 'node:path';
import { scheduledChangeOf } from '../conflicts/find.js';
import { hasErrors } from '../core/findings.js';
import type { ChangeProposal, ScheduledChange } from '../core/model.js';
import { parseYaml } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';
import { resolveSchedule } from '../proposals/schedule.js';
import type { GitHubPort } from './port.js';

/** why: a repository with hundreds of open pull requests must not cost hundreds of requests per run. */
export const DEFAULT_MAX_PULL_REQUESTS = 50;

export interface OpenPullRequestChangesOptions {
  /** The pull request being validated: its own proposals are the run's, not others'. */
  excludeNumber?: number;
  /** The changes folder (`paths.changes`), repository-relative. */
  changesDir: string;
  /** Zone for proposals without one (`defaults.timezone`). */
  defaultTimezone?: string;
  /** How many open pull requests to look at, oldest first (default 50). */
  maxPullRequests?: number;
  /** Files larger than this are skipped (`limits.maxFileBytes`). */
  maxFileBytes?: number;
}

export interface OpenPullRequestChanges {
  changes: ScheduledChange[];
  /** What was skipped and why, for people: invalid proposals, pull requests beyond the cap. */
  notes: string[];
  /** Requests made to GitHub. */
  requests: number;
}

// why: one run asks once per repository and options, whoever asks (validate, then the report).
const cache = new WeakMap<GitHubPort, Map<string, Promise<OpenPullRequestChanges>>>();

/** The changed proposals of every other open pull request, read at each one's head commit. */
export function fetchOpenPullRequestChanges(
  github: GitHubPort,
  options: OpenPullRequestChangesOptions,
): Promise<OpenPullRequestChanges> {
  let byOptions = cache.get(github);
  if (!byOptions) {
    byOptions = new Map();
    cache.set(github, byOptions);
  }
  const key = JSON.stringify(options);
  let pending = byOptions.get(key);
  if (!pending) {
    pending = fetchUncached(github, options);
    byOptions.set(key, pending);
  }
  return pending;
}

async function fetchUncached(
  github: GitHubPort,
  options: OpenPullRequestChangesOptions,
): Promise<OpenPullRequestChanges> {
  const max = options.maxPullRequests ?? DEFAULT_MAX_PULL_REQUESTS;
  const prefix = `${options.changesDir.replace(/^\.\//, '').replace(/\/$/, '')}/`;
  const notes: string[] = [];
  // why: the list reads one more than `max` so that "more were left out" is known, not guessed.
  const { pulls, more } = await github.listOpenPullRequests(max + 1);
  let requests = Math.max(1, Math.ceil((max + 1) / 100));
  const others = pulls.filter((pull) => pull.number !== options.excludeNumber);
  const looked = others.slice(0, max);
  if (more || others.length > max) {
    notes.push(
      `looked at the ${max} oldest open pull requests only; conflicts with later ones are not checked`,
    );
  }
  const changes: ScheduledChange[] = [];
  for (const pull of looked) {
    const files = await github.listPullRequestFiles(pull.number);
    requests += Math.max(1, Math.ceil(files.length / 100));
    const proposals = files.filter(
      (file) =>
        file.status !== 'removed' &&
        file.path.startsWith(prefix) &&
        /\.ya?ml$/i.test(file.path) &&
        !path.posix.relative(prefix, file.path).startsWith('..'),
    );
    for (const file of proposals) {
      const text = await github.readFileAt(file.path, pull.headSha);
      requests += 1;
      const where = `pull request #${pull.number} (${file.path})`;
      if (text === undefined) continue;
      if (options.maxFileBytes !== undefined && Buffer.byteLength(text) > options.maxFileBytes) {
        notes.push(`${where} skipped: larger than limits.maxFileBytes`);
        continue;
      }
      const document = parseYaml(file.path, text);
      const invalid = document.findings.length > 0 || hasErrors(validateDocument(document, 'ChangeProposal'));
      if (invalid) {
        notes.push(`${where} skipped: not a valid proposal there`);
        continue;
      }
      const proposal = document.value as ChangeProposal;
      const resolved = resolveSchedule(proposal, document.positionOf, file.path, options.defaultTimezone);
      if (!resolved.schedule) {
        notes.push(`${where} skipped: its schedule does not resolve`);
        continue;
      }
      // why: another pull request's inventory may differ from ours; its declared targets are what
      // it claims, and every host a step reaches must be declared there.
      changes.push(
        scheduledChangeOf(
          {
            file: file.path,
            proposal,
            locate: document.positionOf,
            ...resolved.schedule,
            inventoryGroups: [],
          },
          { kind: 'pull-request', number: pull.number, author: pull.author, headSha: pull.headSha },
        ),
      );
    }
  }
  return { changes, notes, requests };
}
