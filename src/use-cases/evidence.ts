/**
 * What netchange recorded, for the people who read it: the morning digest (and its GitHub issue),
 * `audit verify` (the chain and its anchors) and `audit export` (records for auditors). Each reads
 * the evidence branch once, after fetching it from origin unless asked not to.
 */

import { type ControlEvidence, evidenceByControl, frameworksOf } from '../audit/by-control.js';
import { refreshEvidence, resolveEvidenceRepository } from '../audit/cli-support.js';
import {
  buildDigest,
  type Digest,
  type ExpectedHead,
  loadEvidence,
  readEvidenceHead,
  type VerifyResult,
  verifyEvidence,
} from '../audit/index.js';
import type { AnyEvidenceRecord } from '../audit/types.js';
import { usageError } from '../core/errors.js';
import { githubSettings, openWorkspace, type ResolvedConfig } from '../pipeline/workspace.js';
import { createConfigRedactor } from '../redact/index.js';
import type { UseCaseContext } from './context.js';

/** Where the evidence is and whether to fetch it first. */
export interface EvidenceSource {
  repo?: string;
  /** Fetch the evidence branch from origin first (`--no-fetch` turns it off). */
  fetch: boolean;
}

export interface DigestRequest extends EvidenceSource {
  since: Date;
  until: Date;
  team?: string;
}

/** The digest, and a post of it to the day's GitHub issue once it is printed. */
export interface DigestRun {
  digest: Digest;
  /** Publishes the digest (`--post`); returns the line to print. */
  post(): Promise<string>;
}

export async function digestChanges(request: DigestRequest, context: UseCaseContext): Promise<DigestRun> {
  const root = await openEvidence(request, context);
  // why: no upper bound here: a started record is paired with its finished record even when that
  // finished after --until; buildDigest keeps the period.
  const loaded = await loadEvidence(root, { since: request.since, onNotice: context.notice });
  const config = await repositoryConfig(root, context);
  const timezone = loaded.drift.length > 0 ? config?.defaults.timezone : undefined;
  const built = buildDigest(
    loaded.records,
    {
      since: request.since,
      until: request.until,
      ...(request.team ? { team: request.team } : {}),
      ...(timezone ? { timezone } : {}),
    },
    loaded.unreadable,
    loaded.drift,
  );
  // why: records keep what was true when they were written, and a title or tool output can quote a
  // value that is a secret now (a community string, a webhook URL); the digest on a terminal or in a
  // file redacts the secrets configured today, as the CAB pack, notify and --post do. (`audit export`
  // keeps records byte for byte: it is the evidence itself.)
  const digest = createConfigRedactor(config ?? { secrets: { env: [] } }, context.env).redactValue(built);
  return {
    digest,
    async post() {
      const { postDigestIssue, describeDigestIssuePost } = await import('../github/digest-issue.js');
      // why: netchange.yaml `github` names the repository outside Actions, as for `netchange comment`.
      const workspace = await openWorkspace({ cwd: context.cwd, repo: root });
      const evidenceHead = await readEvidenceHead(root);
      const outcome = await postDigestIssue({
        ...(evidenceHead ? { evidenceHead } : {}),
        digest,
        env: context.env,
        config: githubSettings(workspace),
        at: context.clock.now(),
        warn: context.warn,
      });
      return describeDigestIssuePost(outcome);
    },
  };
}

/**
 * The repository's configuration (netchange.yaml), for the default zone of drift times (which belong
 * to no proposal) and the secrets to redact. One that cannot be read is said: drift times are then
 * shown in UTC and only the secrets the redactor knows by itself are redacted.
 */
async function repositoryConfig(root: string, context: UseCaseContext): Promise<ResolvedConfig | undefined> {
  try {
    return (await openWorkspace({ cwd: context.cwd, repo: root })).config;
  } catch (error) {
    context.warn(
      `drift times are shown in UTC only and the secrets netchange.yaml names are not redacted: the repository's configuration could not be read (${error instanceof Error ? error.message : String(error)})`,
    );
    return undefined;
  }
}

export interface VerifyRequest extends EvidenceSource {
  /** Anchors given on the command line (`--expect`). */
  expect: ExpectedHead[];
  /** Also check every anchor published on GitHub. */
  github: boolean;
  /** An SSH allowed-signers file, absolute: every record commit must be signed by one of them. */
  allowedSigners?: string;
}

export interface VerifyRun {
  result: VerifyResult;
  /** The anchors found on GitHub (`github`). */
  githubAnchors?: { count: number; repository: string; searched: string };
}

export async function verifyChain(request: VerifyRequest, context: UseCaseContext): Promise<VerifyRun> {
  const root = await openEvidence(request, context);
  const expect = [...request.expect];
  let githubAnchors: VerifyRun['githubAnchors'];
  if (request.github) {
    const { readGitHubAnchors } = await import('../github/evidence-anchors.js');
    const workspace = await openWorkspace({ cwd: context.cwd, repo: root });
    const found = await readGitHubAnchors({
      env: context.env,
      config: githubSettings(workspace),
      warn: context.warn,
    });
    githubAnchors = { count: found.anchors.length, repository: found.repository, searched: found.searched };
    expect.push(...found.anchors);
  }
  const result = await verifyEvidence(root, {
    expect,
    now: context.clock.now(),
    onNotice: context.notice,
    ...(request.allowedSigners ? { allowedSigners: request.allowedSigners } : {}),
  });
  return { result, ...(githubAnchors ? { githubAnchors } : {}) };
}

export interface ExportRequest extends EvidenceSource {
  from?: Date;
  to?: Date;
}

/** The change records that finished, and the drift records whose check ran, in the period, in chain order. */
export async function exportEvidence(
  request: ExportRequest,
  context: UseCaseContext,
): Promise<AnyEvidenceRecord[]> {
  const loaded = await loadExportedEvidence(request, context);
  return [...loaded.records, ...loaded.drift].sort((a, b) => a.sequence - b.sequence);
}

/**
 * The period's records for an export, with a warning for every stored file that could not be read.
 * why: an export is what an auditor keeps; one that leaves a record out must say so, as the digest
 * and the CAB pack do, instead of handing over a shorter chain as if it were the whole.
 */
async function loadExportedEvidence(
  request: ExportRequest,
  context: UseCaseContext,
): Promise<Awaited<ReturnType<typeof loadEvidence>>> {
  const root = await openEvidence(request, context, { notices: false });
  const loaded = await loadEvidence(root, {
    ...(request.from ? { since: request.from } : {}),
    ...(request.to ? { until: request.to } : {}),
  });
  if (loaded.unreadable.length > 0) {
    context.warn(
      `${loaded.unreadable.length} evidence record(s) could not be read and are not in the export: ` +
        `${loaded.unreadable.join(', ')}; run \`netchange audit verify\` to see why`,
    );
  }
  return loaded;
}

export interface ControlExportRequest extends ExportRequest {
  /** Keep one framework (case-insensitive), e.g. PCI-DSS-4.0. */
  framework?: string;
}

/** `audit export --by-control`: per control, the changes that exercised it, with approvals and record hashes. */
export interface ControlExport {
  controls: ControlEvidence[];
  /** Every framework the period's records name. */
  frameworks: string[];
  /** How many change records the period holds (with or without controls). */
  records: number;
}

/**
 * The period's change records grouped by the controls they list. A `framework` no record of the
 * period names is a usage error (exit 2) naming the frameworks there are.
 */
export async function exportEvidenceByControl(
  request: ControlExportRequest,
  context: UseCaseContext,
): Promise<ControlExport> {
  const loaded = await loadExportedEvidence(request, context);
  const frameworks = frameworksOf(loaded.records);
  const wanted = request.framework;
  if (wanted !== undefined && !frameworks.some((name) => name.toLowerCase() === wanted.toLowerCase())) {
    throw usageError(
      `no evidence record${request.from || request.to ? ' of the period' : ''} names the framework '${wanted}'`,
      frameworks.length > 0
        ? `Frameworks in the evidence: ${frameworks.join(', ')}.`
        : 'No record names a control yet: a record lists the controls of the rules that applied to its change, once the policy gives its rules control: {framework, id, title} (docs/change-control.md).',
    );
  }
  if (frameworks.length === 0)
    context.warn(
      `none of the ${loaded.records.length} change record(s)${request.from || request.to ? ' of the period' : ''} lists a control: the policy's rules name none, or the changes ran before they did (docs/change-control.md)`,
    );
  return {
    controls: evidenceByControl(loaded.records, wanted !== undefined ? { framework: wanted } : {}),
    frameworks,
    records: loaded.records.length,
  };
}

/** The repository whose evidence branch is read, refreshed from origin first when asked. */
async function openEvidence(
  source: EvidenceSource,
  context: UseCaseContext,
  options: { notices: boolean } = { notices: true },
): Promise<string> {
  const root = await resolveEvidenceRepository(source.repo, context.cwd);
  if (source.fetch) await refreshEvidence(root, context.warn, options.notices ? context.notice : undefined);
  return root;
}
