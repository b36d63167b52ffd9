/**
 * `netchange digest --post`: the morning digest as ONE GitHub issue per day, found by a hidden
 * marker, created once and then edited in place; nothing is written when the digest says the same
 * as what the issue already shows.
 */
import { createHash } from 'node:crypto';
import { anchorBlock } from '../audit/anchor.js';
import type { ChainTip } from '../audit/chain.js';
import type { Digest } from '../audit/digest.js';
import { NetchangeError } from '../core/errors.js';
import { formatLocalAndUtc } from '../core/time.js';
import { GITHUB_LIMITS, truncateToLimit } from './limits.js';
import type { GitHubPort, IssueInfo } from './port.js';
import { connectGitHub } from './publish.js';

/** The label every digest issue carries; the issue search filters on it. */
export const DIGEST_LABEL = 'netchange-digest';

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
  return `<!-- netchange:digest:${day} -->`;
}

/** The issue title for a day. */
export function digestTitle(day: string): string {
  return `netchange digest ${day}`;
}

/** What the day's issue should show. */
export interface DigestIssueContent {
  day: string;
  title: string;
  /** The full body, markers first, within GITHUB_LIMITS.body. */
  body: string;
  /** sha256 of what the digest says, without the period and the generation time. */
  fingerprint: string;
  /** True when the markdown had to be cut to fit. */
  truncated: boolean;
}

export interface ComposeDigestIssueInput {
  day: string;
  /** The digest as markdown (`renderDigestMarkdown(digest)`). */
  markdown: string;
  /**
   * The text whose change warrants a write: the digest without volatile parts (period bounds, times
   * of generation). Hashed into a marker; equal fingerprints mean no write.
   */
  stableText: string;
  /** When this body was generated (shown in the footer, ignored by the comparison). */
  generatedAt: Date;
  /** Zone the footer shows `generatedAt` in (netchange.yaml `defaults.timezone`); UTC alone when absent. */
  timeZone?: string;
  /** The local command that prints the full digest, named in the truncation note. */
  localCommand: string;
  /** The evidence chain's head, published as an anchor (a new head is a change worth writing). */
  evidenceHead?: ChainTip;
}

/** Composes the issue body: markers, the digest, a footer; cut to GitHub's limit with a note. Pure. */
export function composeDigestIssue(input: ComposeDigestIssueInput): DigestIssueContent {
  const anchor = input.evidenceHead ? `${anchorBlock(input.evidenceHead)}\n\n` : '';
  const fingerprint = createHash('sha256').update(input.stableText).update(anchor).digest('hex');
  // why: the anchor sits before the digest, so cutting a long digest never drops it.
  const head = `${digestMarker(input.day)}\n${contentMarker(fingerprint)}\n${anchor}`;
  const footer = `\n---\n<sub>Updated in place by \`netchange digest --post\` at ${formatLocalAndUtc(input.generatedAt.getTime(), input.timeZone)}.</sub>\n`;
  const whole = input.markdown.endsWith('\n') ? input.markdown : `${input.markdown}\n`;
  const note = (hidden: number) =>
    `\n> **Truncated:** ${hidden.toLocaleString('en-US')} more characters of this digest do not fit in a GitHub issue (at most ${GITHUB_LIMITS.body.toLocaleString('en-US')}). For the full digest run \`${input.localCommand}\` locally.\n`;
  const markdown = truncateToLimit(whole, GITHUB_LIMITS.body - head.length - footer.length, note, {
    atLineEnd: true,
  });
  const truncated = markdown !== whole;
  return {
    day: input.day,
    title: digestTitle(input.day),
    body: `${head}${markdown}${footer}`,
    fingerprint,
    truncated,
  };
}

/** What posting did. */
export interface DigestIssueResult {
  action: 'created' | 'updated' | 'unchanged';
  issue: IssueInfo;
}

/**
 * Finds the day's open issue (label + marker), creates it when there is none, edits it when its
 * content fingerprint differs, and writes nothing otherwise. Requests: 1 (unchanged), 2 (created or updated).
 */
export async function publishDigestIssue(
  github: GitHubPort,
  content: DigestIssueContent,
): Promise<DigestIssueResult> {
  const existing = await github.findOpenIssue(DIGEST_LABEL, digestMarker(content.day));
  if (!existing) {
    const issue = await github.createIssue({
      title: content.title,
      body: content.body,
      labels: [DIGEST_LABEL],
    });
    return { action: 'created', issue };
  }
  if (contentFingerprint(existing.body) === content.fingerprint)
    return { action: 'unchanged', issue: existing };
  const issue = await github.updateIssue(existing.number, { body: content.body });
  return { action: 'updated', issue };
}

function contentMarker(fingerprint: string): string {
  return `<!-- netchange:digest-content sha256:${fingerprint} -->`;
}

function contentFingerprint(body: string): string | undefined {
  return /<!-- netchange:digest-content sha256:([0-9a-f]{64}) -->/.exec(body)?.[1];
}

export interface DigestIssuePostOptions {
  digest: Digest;
  env: NodeJS.ProcessEnv;
  /** netchange.yaml `github` (repository, apiUrl); the environment wins, as for `netchange comment`. */
  config?: { repository?: string; apiUrl?: string };
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
export interface DigestIssuePostOutcome extends DigestIssueResult {
  repository: string;
  day: string;
  truncated: boolean;
}

/** Posts a digest to the repository's day issue, with `netchange comment`'s credentials and environment. */
export async function postDigestIssue(options: DigestIssuePostOptions): Promise<DigestIssuePostOutcome> {
  const { renderDigestMarkdown } = await import('../reporters/digest/markdown.js');
  const { github, target, redactor } = await connectGitHub({
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
  });
  const day = digestDay(new Date(options.digest.until), options.timeZone);
  // why: the period bounds move with every run of `--since 24h`; only what the digest says counts.
  const stable = renderDigestMarkdown({ ...options.digest, since: '', until: '' });
  const content = composeDigestIssue({
    day,
    markdown: redactor.redactText(renderDigestMarkdown(options.digest)),
    stableText: redactor.redactText(stable),
    generatedAt: options.at,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    localCommand: localCommand(options.digest),
    ...(options.evidenceHead ? { evidenceHead: options.evidenceHead } : {}),
  });
  try {
    const result = await publishDigestIssue(github, content);
    return { ...result, repository: target.repository, day, truncated: content.truncated };
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_GITHUB') {
      throw new NetchangeError(
        'E_GITHUB',
        `could not post the digest: ${redactor.redactText(error.message)}`,
        {
          hint: `${error.hint ? `${redactor.redactText(error.hint)} ` : ''}The digest above is complete; run the command again to post it (it edits the day's issue in place).`,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** One line for stderr. */
export function describeDigestIssuePost(outcome: DigestIssuePostOutcome): string {
  const where = `${outcome.repository}#${outcome.issue.number}`;
  const link = outcome.issue.htmlUrl ? ` (${outcome.issue.htmlUrl})` : '';
  const cut = outcome.truncated ? '; the body was truncated to fit GitHub' : '';
  if (outcome.action === 'unchanged') return `digest issue is up to date: ${where}${link}\n`;
  return `posted to ${where}${link}${outcome.action === 'updated' ? ', updated in place' : ''}${cut}\n`;
}

function localCommand(digest: Digest): string {
  return `netchange digest --since ${digest.since} --until ${digest.until}${digest.team ? ` --team ${digest.team}` : ''}`;
}
