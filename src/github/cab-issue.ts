/**
 * `netchange cab --post`: the board's pack as ONE GitHub issue per meeting (`netchange CAB
 * YYYY-MM-DD`, label `netchange-cab`), created once and edited in place, as `digest --post` keeps
 * its day issue (src/github/living-issue.ts).
 */
import type { ChainTip } from '../audit/chain.js';
import type { CabPack } from '../cab/pack.js';
import type { GitHubSettings } from './context.js';
import { digestDay } from './digest-issue.js';
import {
  composeLivingIssue,
  describeLivingIssuePost,
  type LivingIssueKind,
  type LivingIssuePostOutcome,
  postLivingIssue,
} from './living-issue.js';

/** The label every pack issue carries. */
export const CAB_LABEL = 'netchange-cab';

/** The pack's living issue: its markers, label and words. */
export const CAB_ISSUE: LivingIssueKind = {
  name: 'cab',
  label: CAB_LABEL,
  command: 'netchange cab --post',
  noun: 'pack',
};

/** The issue title of a meeting day. */
export function cabTitle(day: string): string {
  return `netchange CAB ${day}`;
}

export interface CabIssuePostOptions {
  pack: CabPack;
  env: NodeJS.ProcessEnv;
  /** netchange.yaml `github` (repository, apiUrl); the environment wins. */
  config?: GitHubSettings;
  /** Generation time (the footer; not compared). */
  at: Date;
  warn: (message: string) => void;
  /** The evidence chain's head, anchored in the issue. */
  evidenceHead?: ChainTip;
}

/**
 * Posts the pack to its meeting's issue. The meeting's day is taken in the pack's zone
 * (netchange.yaml `defaults.timezone`, else UTC): a board meeting is a local event.
 */
export async function postCabIssue(options: CabIssuePostOptions): Promise<LivingIssuePostOutcome> {
  const { renderCabMarkdown } = await import('../reporters/cab/markdown.js');
  const { pack } = options;
  const day = digestDay(new Date(pack.meeting), pack.timezone);
  const markdown = renderCabMarkdown(pack);
  return postLivingIssue({
    kind: CAB_ISSUE,
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
    compose: (redactor) => {
      const redacted = redactor.redactText(markdown);
      return composeLivingIssue(CAB_ISSUE, {
        key: day,
        title: cabTitle(day),
        markdown: redacted,
        // why: the pack holds no volatile part (its period is the meeting's), so the whole text counts.
        stableText: redacted,
        generatedAt: options.at,
        ...(pack.timezone ? { timeZone: pack.timezone } : {}),
        localCommand: `netchange cab --meeting ${pack.meeting} --since ${pack.since}`,
        ...(options.evidenceHead ? { evidenceHead: options.evidenceHead } : {}),
      });
    },
  });
}

/** One line for stderr. */
export function describeCabIssuePost(outcome: LivingIssuePostOutcome): string {
  return describeLivingIssuePost(CAB_ISSUE, outcome);
}
