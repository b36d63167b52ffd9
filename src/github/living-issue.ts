/**
 * A living issue: ONE GitHub issue per key (the digest's day, the CAB pack's meeting), found by a
 * label and a hidden marker, created once and then edited in place; nothing is written when the
 * content says the same as what the issue already shows. `digest --post` and `cab --post` use it.
 */
import { createHash } from 'node:crypto';
import { anchorBlock } from '../audit/anchor.js';
import type { ChainTip } from '../audit/chain.js';
import { NetchangeError } from '../core/errors.js';
import { formatLocalAndUtc } from '../core/time.js';
import type { Redactor } from '../redact/index.js';
import type { GitHubSettings } from './context.js';
import { GITHUB_LIMITS, truncateToLimit } from './limits.js';
import type { GitHubPort, IssueInfo } from './port.js';
import { connectGitHub } from './publish.js';

/** What kind of living issue: names its markers, its label and the words of its notes. */
export interface LivingIssueKind {
  /** The marker's name: `<!-- netchange:<name>:<key> -->`, `<!-- netchange:<name>-content sha256:… -->`. */
  name: string;
  /** The label every issue of the kind carries; the issue search filters on it. */
  label: string;
  /** The command that keeps it, named in the footer (`netchange digest --post`). */
  command: string;
  /** How the notes call the content (`digest`, `pack`). */
  noun: string;
}

/** The hidden marker that identifies the issue of one key. */
export function livingIssueMarker(kind: LivingIssueKind, key: string): string {
  return `<!-- netchange:${kind.name}:${key} -->`;
}

/** What the issue should show. */
export interface LivingIssueContent {
  /** The key the issue is for (a day). */
  key: string;
  title: string;
  /** The full body, markers first, within GITHUB_LIMITS.body. */
  body: string;
  /** sha256 of what the content says, without volatile parts. */
  fingerprint: string;
  /** True when the markdown had to be cut to fit. */
  truncated: boolean;
}

export interface ComposeLivingIssueInput {
  key: string;
  title: string;
  markdown: string;
  /**
   * The text whose change warrants a write: the content without volatile parts (period bounds,
   * times of generation). Hashed into a marker; equal fingerprints mean no write.
   */
  stableText: string;
  /** When this body was generated (shown in the footer, ignored by the comparison). */
  generatedAt: Date;
  /** Zone the footer shows `generatedAt` in; UTC alone when absent. */
  timeZone?: string;
  /** The local command that prints the full content, named in the truncation note. */
  localCommand: string;
  /** The evidence chain's head, published as an anchor (a new head is a change worth writing). */
  evidenceHead?: ChainTip;
}

/** Composes the issue body: markers, the content, a footer; cut to GitHub's limit with a note. Pure. */
export function composeLivingIssue(
  kind: LivingIssueKind,
  input: ComposeLivingIssueInput,
): LivingIssueContent {
  const anchor = input.evidenceHead ? `${anchorBlock(input.evidenceHead)}\n\n` : '';
  const fingerprint = createHash('sha256').update(input.stableText).update(anchor).digest('hex');
  // why: the anchor sits before the content, so cutting a long content never drops it.
  const head = `${livingIssueMarker(kind, input.key)}\n${contentMarker(kind, fingerprint)}\n${anchor}`;
  const footer = `\n---\n<sub>Updated in place by \`${kind.command}\` at ${formatLocalAndUtc(input.generatedAt.getTime(), input.timeZone)}.</sub>\n`;
  const whole = input.markdown.endsWith('\n') ? input.markdown : `${input.markdown}\n`;
  const note = (hidden: number) =>
    `\n> **Truncated:** ${hidden.toLocaleString('en-US')} more characters of this ${kind.noun} do not fit in a GitHub issue (at most ${GITHUB_LIMITS.body.toLocaleString('en-US')}). For the full ${kind.noun} run \`${input.localCommand}\` locally.\n`;
  const markdown = truncateToLimit(whole, GITHUB_LIMITS.body - head.length - footer.length, note, {
    markdown: true,
  });
  return {
    key: input.key,
    title: input.title,
    body: `${head}${markdown}${footer}`,
    fingerprint,
    truncated: markdown !== whole,
  };
}

/** What posting did. */
export interface LivingIssueResult {
  action: 'created' | 'updated' | 'unchanged';
  issue: IssueInfo;
}

/**
 * Finds the key's open issue (label + marker), creates it when there is none, edits it when its
 * content fingerprint differs, and writes nothing otherwise. Requests: 1 (unchanged), 2 (created or updated).
 */
export async function publishLivingIssue(
  github: GitHubPort,
  kind: LivingIssueKind,
  content: LivingIssueContent,
): Promise<LivingIssueResult> {
  const existing = await github.findOpenIssue(kind.label, livingIssueMarker(kind, content.key));
  if (!existing) {
    const issue = await github.createIssue({
      title: content.title,
      body: content.body,
      labels: [kind.label],
    });
    return { action: 'created', issue };
  }
  if (contentFingerprint(kind, existing.body) === content.fingerprint)
    return { action: 'unchanged', issue: existing };
  const issue = await github.updateIssue(existing.number, { body: content.body });
  return { action: 'updated', issue };
}

export interface PostLivingIssueOptions {
  kind: LivingIssueKind;
  env: NodeJS.ProcessEnv;
  /** netchange.yaml `github` (repository, apiUrl); the environment wins, as for `netchange comment`. */
  config?: GitHubSettings;
  /** Where retries are reported (already redacted). */
  warn: (message: string) => void;
  /** The content, composed with the connection's redactor (credentials included). */
  compose(redactor: Redactor): LivingIssueContent;
}

/** What a command reports on stderr. */
export interface LivingIssuePostOutcome extends LivingIssueResult {
  repository: string;
  key: string;
  truncated: boolean;
}

/** Connects with `netchange comment`'s credentials and environment and publishes the issue. */
export async function postLivingIssue(options: PostLivingIssueOptions): Promise<LivingIssuePostOutcome> {
  const { github, target, redactor } = await connectGitHub({
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
  });
  const content = options.compose(redactor);
  try {
    const result = await publishLivingIssue(github, options.kind, content);
    return { ...result, repository: target.repository, key: content.key, truncated: content.truncated };
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_GITHUB') {
      const { noun } = options.kind;
      throw new NetchangeError(
        'E_GITHUB',
        `could not post the ${noun}: ${redactor.redactText(error.message)}`,
        {
          hint: `${error.hint ? `${redactor.redactText(error.hint)} ` : ''}The ${noun} above is complete; run the command again to post it (it edits the issue in place).`,
          cause: error,
        },
      );
    }
    throw error;
  }
}

/** One line for stderr. */
export function describeLivingIssuePost(kind: LivingIssueKind, outcome: LivingIssuePostOutcome): string {
  const where = `${outcome.repository}#${outcome.issue.number}`;
  const link = outcome.issue.htmlUrl ? ` (${outcome.issue.htmlUrl})` : '';
  const cut = outcome.truncated ? '; the body was truncated to fit GitHub' : '';
  if (outcome.action === 'unchanged') return `${kind.name} issue is up to date: ${where}${link}\n`;
  return `posted to ${where}${link}${outcome.action === 'updated' ? ', updated in place' : ''}${cut}\n`;
}

function contentMarker(kind: LivingIssueKind, fingerprint: string): string {
  return `<!-- netchange:${kind.name}-content sha256:${fingerprint} -->`;
}

function contentFingerprint(kind: LivingIssueKind, body: string): string | undefined {
  const pattern = new RegExp(`<!-- netchange:${kind.name}-content sha256:([0-9a-f]{64}) -->`);
  return pattern.exec(body)?.[1];
}
