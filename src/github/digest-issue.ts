/**
 * `netchange digest --post`: the morning digest as ONE GitHub issue per day, found by a hidden
 * marker, created once and then edited in place; nothing is written when the digest says the same
 * as what the issue already shows (src/github/living-issue.ts does the keeping).
 */
import type { ChainTip } from '../audit/chain.js';
import type { Digest } from '../audit/digest.js';
import type { GitHubSettings } from './context.js';
import {
  type ComposeLivingIssueInput,
  composeLivingIssue,
  describeLivingIssuePost,
  type LivingIssueContent,
  type LivingIssueKind,
  type LivingIssuePostOutcome,
  type LivingIssueResult,
  livingIssueMarker,
  postLivingIssue,
  publishLivingIssue,
} from './living-issue.js';
import type { GitHubPort } from './port.js';

/** The label every digest issue carries; the issue search filters on it. */
export const DIGEST_LABEL = 'netchange-digest';

/** The digest's living issue: its markers, label and words. */
export const DIGEST_ISSUE: LivingIssueKind = {
  name: 'digest',
  label: DIGEST_LABEL,
  command: 'netchange digest --post',
  noun: 'digest',
};

/** `YYYY-MM-DD` of `at` in `timeZone` (default UTC): the day a digest issue is for. */
export function digestDay(at: Date, timeZone = 'UTC'): string {
  // why: en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/** The hidden marker that identifies the day's issue. */
export function digestMarker(day: string): string {
  return livingIssueMarker(DIGEST_ISSUE, day);
}

/** The issue title for a day. */
export function digestTitle(day: string): string {
  return `netchange digest ${day}`;
}

/** What the day's issue should show. */
export interface DigestIssueContent extends LivingIssueContent {
  day: string;
}

/** The living issue's input, keyed by the day; the markdown is `renderDigestMarkdown(digest)`. */
export interface ComposeDigestIssueInput extends Omit<ComposeLivingIssueInput, 'key' | 'title'> {
  day: string;
}

/** Composes the issue body: markers, the digest, a footer; cut to GitHub's limit with a note. Pure. */
export function composeDigestIssue(input: ComposeDigestIssueInput): DigestIssueContent {
  const { day, ...rest } = input;
  return { ...composeLivingIssue(DIGEST_ISSUE, { ...rest, key: day, title: digestTitle(day) }), day };
}

/** What posting did. */
export type DigestIssueResult = LivingIssueResult;

/**
 * Finds the day's open issue (label + marker), creates it when there is none, edits it when its
 * content fingerprint differs, and writes nothing otherwise. Requests: 1 (unchanged), 2 (created or updated).
 */
export function publishDigestIssue(
  github: GitHubPort,
  content: DigestIssueContent,
): Promise<DigestIssueResult> {
  return publishLivingIssue(github, DIGEST_ISSUE, content);
}

export interface DigestIssuePostOptions {
  digest: Digest;
  env: NodeJS.ProcessEnv;
  /** netchange.yaml `github` (repository, apiUrl); the environment wins, as for `netchange comment`. */
  config?: GitHubSettings;
  /** Generation time (the footer; not compared). */
  at: Date;
  /** Time zone of the issue's day; default UTC. */
  timeZone?: string;
  /** Where retries are reported (already redacted). */
  warn: (message: string) => void;
  /** The evidence chain's head, anchored in the issue. */
  evidenceHead?: ChainTip;
}

/** What the command reports on stderr. */
export interface DigestIssuePostOutcome extends LivingIssuePostOutcome {
  day: string;
}

/** Posts a digest to the repository's day issue, with `netchange comment`'s credentials and environment. */
export async function postDigestIssue(options: DigestIssuePostOptions): Promise<DigestIssuePostOutcome> {
  const { renderDigestMarkdown } = await import('../reporters/digest/markdown.js');
  const day = digestDay(new Date(options.digest.until), options.timeZone);
  // why: the period bounds move with every run of `--since 24h`; only what the digest says counts.
  const stable = renderDigestMarkdown({ ...options.digest, since: '', until: '' });
  const outcome = await postLivingIssue({
    kind: DIGEST_ISSUE,
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
    compose: (redactor) =>
      composeDigestIssue({
        day,
        markdown: redactor.redactText(renderDigestMarkdown(options.digest)),
        stableText: redactor.redactText(stable),
        generatedAt: options.at,
        ...(options.timeZone ? { timeZone: options.timeZone } : {}),
        localCommand: localCommand(options.digest),
        ...(options.evidenceHead ? { evidenceHead: options.evidenceHead } : {}),
      }),
  });
  return { ...outcome, day };
}

/** One line for stderr. */
export function describeDigestIssuePost(outcome: DigestIssuePostOutcome): string {
  return describeLivingIssuePost(DIGEST_ISSUE, outcome);
}

function localCommand(digest: Digest): string {
  return `netchange digest --since ${digest.since} --until ${digest.until}${digest.team ? ` --team ${digest.team}` : ''}`;
}
