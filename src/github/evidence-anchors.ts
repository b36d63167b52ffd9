/**
 * `audit verify --github`: the chain heads netchange published on GitHub (apply comments and any
 * other comment carrying the anchor marker, and the daily digest issues, open or closed), read back
 * as anchors the chain must hold.
 */
import { findAnchors } from '../audit/anchor.js';
import type { ExpectedHead } from '../audit/verify.js';
import type { GitHubSettings } from './context.js';
import { DIGEST_LABEL } from './digest-issue.js';
import type { GitHubPort } from './port.js';
import { connectGitHub } from './publish.js';

/** Anchors found, and where they were looked for. */
export interface GitHubAnchors {
  repository: string;
  anchors: ExpectedHead[];
  /** What was searched, for the command's note. */
  searched: string;
}

/** Every anchor in the repository's comments and digest issues (each named by its link). */
export async function collectEvidenceAnchors(github: GitHubPort): Promise<ExpectedHead[]> {
  const anchors: ExpectedHead[] = [];
  for (const comment of await github.listRepositoryComments()) {
    for (const head of findAnchors(comment.body))
      anchors.push({ ...head, source: `comment ${comment.htmlUrl ?? comment.id}` });
  }
  for (const issue of await github.listIssuesWithLabel(DIGEST_LABEL)) {
    for (const head of findAnchors(issue.body))
      anchors.push({ ...head, source: `digest issue #${issue.number}` });
  }
  return anchors;
}

/** Connects with `netchange comment`'s credentials and collects the anchors. */
export async function readGitHubAnchors(options: {
  env: NodeJS.ProcessEnv;
  config?: GitHubSettings;
  warn: (message: string) => void;
}): Promise<GitHubAnchors> {
  const { github, target } = await connectGitHub({
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
  });
  return {
    repository: target.repository,
    anchors: await collectEvidenceAnchors(github),
    searched: 'issue and pull-request comments and the digest issues',
  };
}
