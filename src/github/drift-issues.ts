/**
 * `netchange drift --github`: one living GitHub issue per drifted target, found by a hidden marker
 * and edited in place, closed with a comment when the drift is gone and reopened when it returns.
 * An unchanged run lists the label's issues once and writes nothing: each body carries a fingerprint
 * of what it says apart from "last seen", and equal fingerprints mean no write.
 */
import { createHash } from 'node:crypto';
import { NetchangeError } from '../core/errors.js';
import { formatLocalAndUtc, formatSpanLocalAndUtc } from '../core/time.js';
import type { DomainAnswer } from '../drift/domain.js';
import type { DriftExplanation, DriftReport, DriftTargetReport } from '../drift/model.js';
import type { GitHubSettings } from './context.js';
import { GITHUB_LIMITS, truncateToLimit } from './limits.js';
import type { GitHubPort, IssueInfo } from './port.js';
import { connectGitHub } from './publish.js';

/** The label every drift issue carries; the issue listing filters on it. */
export const DRIFT_LABEL = 'netchange-drift';

/** Where ignore rules live, named in the "waive" way out. */
export const DEFAULT_DRIFT_POLICY_FILE = 'policies/drift.yaml';

/** The hidden marker that identifies a target's issue. */
export function driftMarker(target: string): string {
  // why: an HTML comment ends at `-->` and must not hold `--`; encoding keeps any target name safe.
  return `<!-- netchange:drift:${encodeURIComponent(target).replace(/-(?=-)/g, '%2D')} -->`;
}

/** The issue title for a drifted target. */
export function driftIssueTitle(target: string, explanation: DriftExplanation | null): string {
  const proposal = explanation?.proposal?.id;
  if (explanation?.kind === 'applied-not-merged' && proposal)
    return `Drift: ${target} runs ${proposal}, which is not merged yet`;
  if (explanation?.kind === 'merged-not-applied' && proposal)
    return `Drift: ${target} waits for ${proposal} (merged, not applied yet)`;
  return `Drift: ${target} changed outside netchange`;
}

export interface DriftIssueOptions {
  /** Zone of local times (netchange.yaml `defaults.timezone`); UTC alone when absent. */
  timeZone?: string;
  /** Each target's RACI domain and teams (drift/domain.ts); a missing target shows its report's domain only. */
  owners?: ReadonlyMap<string, DomainAnswer>;
  /** GitHub team (`org/slug`) of a policy team, to mention it; the team name alone otherwise. */
  githubTeams?: ReadonlyMap<string, string>;
  /** Revert proposals `--propose` wrote in this run, by target (repository-relative paths). */
  proposals?: ReadonlyMap<string, string>;
  /** The drift policy file named in the "waive" way out; default policies/drift.yaml. */
  driftPolicyFile?: string;
  /** Applied to every text before it is posted (the run's redactor); identity when absent. */
  redact?: (text: string) => string;
}

/** What the issue of one drifted target should show. */
export interface DriftIssueContent {
  target: string;
  title: string;
  /** Markers first, within GITHUB_LIMITS.body. */
  body: string;
  /** sha256 of everything the body says except "last seen". */
  fingerprint: string;
  /** True when the diff had to be cut to fit. */
  truncated: boolean;
}

/** Composes a drifted target's issue. Pure. */
export function composeDriftIssue(
  report: DriftReport,
  entry: DriftTargetReport,
  options: DriftIssueOptions = {},
): DriftIssueContent {
  const redact = options.redact ?? ((text: string) => text);
  const zone = options.timeZone;
  const title = redact(driftIssueTitle(entry.target, entry.explanation));
  const when = (iso: string | null): string => (iso ? formatLocalAndUtc(Date.parse(iso), zone) : 'unknown');
  const facts = [
    '| | |',
    '|---|---|',
    `| First seen | ${when(entry.firstSeen)} |`,
    ...ownerRows(entry, options),
  ];
  const lead = `**${entry.target}** (${entry.kind === 'ansible' ? 'device' : 'Terraform stack'}) differs from its intended state on the default branch${report.commit ? ` (commit ${report.commit.slice(0, 12)})` : ''}.`;
  const stableHead = [lead, '', explain(entry.explanation, zone), '', ...facts].join('\n');
  const ignored = entry.ignored.reduce((count, rule) => count + rule.lines.length, 0);
  const ways = waysOut(entry, options);
  const tail = [
    ...(ignored > 0
      ? [
          '',
          `${ignored} more changed line${ignored === 1 ? '' : 's'} hidden by ignore rules (${entry.ignored.map((rule) => rule.rule).join(', ')}).`,
        ]
      : []),
    '',
    '### Ways out',
    '',
    ...ways,
  ].join('\n');
  const fingerprint = createHash('sha256')
    .update(title)
    .update('\0')
    .update(redact(stableHead))
    .update('\0')
    .update(redact(entry.diff))
    .update('\0')
    .update(redact(tail))
    .digest('hex');
  const lastSeen = `Last seen: ${when(entry.lastSeen ?? report.checkedAt)} — this issue is edited only when the drift changes; each run of \`netchange drift\` checks again.`;
  const head = `${driftMarker(entry.target)}\n${contentMarker(fingerprint)}\n${redact(stableHead)}\n\n${redact(lastSeen)}\n\n### Diff (running → intended)\n\n`;
  const footer = `\n\n---\n<sub>Kept by \`netchange drift --github\`: edited in place when the drift changes, closed when it is gone, reopened if it returns.</sub>\n`;
  const rest = redact(tail);
  const diff = redact(entry.diff.endsWith('\n') ? entry.diff : `${entry.diff}\n`);
  const room = GITHUB_LIMITS.body - head.length - rest.length - footer.length - 200;
  const shown = truncateToLimit(
    diff,
    Math.max(0, room),
    (cut) =>
      `… ${cut.toLocaleString('en-US')} more characters of the diff: run \`netchange drift\` for all of it.\n`,
    { atLineEnd: true },
  );
  const fence = fenceFor(shown);
  const body = `${head}${fence}diff\n${shown}${fence}\n${rest}${footer}`;
  return { target: entry.target, title, body, fingerprint, truncated: shown !== diff };
}

/** What happened to one target's issue. */
export type DriftIssueAction = 'created' | 'updated' | 'unchanged' | 'closed' | 'reopened' | 'none';

export interface DriftIssueOutcome {
  target: string;
  action: DriftIssueAction;
  /** The issue, when there is one. */
  issue?: IssueInfo;
}

/**
 * Keeps one issue per drifted target: lists the label's issues once (open and closed), creates the
 * issue of a new drift, edits it when its fingerprint differs, reopens a closed one when the drift
 * returns (with a comment), and closes an open one with a comment when its target is in sync or
 * ignored now. A target whose check failed (status `error`) keeps its issue as it is; so do issues of
 * targets the report does not list. Requests: 1 when nothing changed (more only past 100 issues).
 */
export async function publishDriftIssues(
  github: GitHubPort,
  report: DriftReport,
  options: DriftIssueOptions = {},
): Promise<DriftIssueOutcome[]> {
  const redact = options.redact ?? ((text: string) => text);
  const existing = issuesByMarker(await github.listIssuesWithLabel(DRIFT_LABEL));
  const outcomes: DriftIssueOutcome[] = [];
  for (const entry of report.targets) {
    const issue = existing.get(driftMarker(entry.target));
    if (entry.status === 'drifted') {
      const content = composeDriftIssue(report, entry, options);
      if (!issue) {
        const created = await github.createIssue({
          title: content.title,
          body: content.body,
          labels: [DRIFT_LABEL],
        });
        outcomes.push({ target: entry.target, action: 'created', issue: created });
      } else if (issue.state === 'closed') {
        const reopened = await github.updateIssue(issue.number, {
          title: content.title,
          body: content.body,
          state: 'open',
        });
        await github.createComment(
          issue.number,
          redact(
            `The drift is back: ${entry.target} differs from its intended state again (seen ${formatLocalAndUtc(Date.parse(entry.lastSeen ?? report.checkedAt), options.timeZone)}). The description shows the new diff.`,
          ),
        );
        outcomes.push({ target: entry.target, action: 'reopened', issue: reopened });
      } else if (contentFingerprint(issue.body) !== content.fingerprint) {
        const updated = await github.updateIssue(issue.number, { title: content.title, body: content.body });
        outcomes.push({ target: entry.target, action: 'updated', issue: updated });
      } else {
        outcomes.push({ target: entry.target, action: 'unchanged', issue });
      }
      continue;
    }
    if ((entry.status === 'in-sync' || entry.status === 'ignored') && issue?.state === 'open') {
      const why =
        entry.status === 'in-sync'
          ? `${entry.target} matches its intended state again`
          : `what differs on ${entry.target} is waived by ignore rules (${entry.ignored.map((rule) => rule.rule).join(', ') || 'see the drift policy'})`;
      await github.createComment(
        issue.number,
        redact(
          `The drift is gone: ${why} (checked ${formatLocalAndUtc(Date.parse(report.checkedAt), options.timeZone)}). Closing; this issue reopens if it drifts again.`,
        ),
      );
      const closed = await github.updateIssue(issue.number, { state: 'closed' });
      outcomes.push({ target: entry.target, action: 'closed', issue: closed });
      continue;
    }
    outcomes.push({ target: entry.target, action: 'none', ...(issue ? { issue } : {}) });
  }
  return outcomes;
}

/** One line per issue that changed, for stderr. */
export function describeDriftIssues(repository: string, outcomes: readonly DriftIssueOutcome[]): string {
  const lines = outcomes
    .filter((outcome) => outcome.action !== 'none' && outcome.issue)
    .map((outcome) => {
      const issue = outcome.issue as IssueInfo;
      const link = issue.htmlUrl ? ` (${issue.htmlUrl})` : '';
      return `drift issue ${outcome.action}: ${outcome.target} → ${repository}#${issue.number}${link}\n`;
    });
  return lines.join('');
}

export interface DriftIssuePostOptions extends DriftIssueOptions {
  report: DriftReport;
  env: NodeJS.ProcessEnv;
  /** netchange.yaml `github` (repository, apiUrl); the environment wins, as for `netchange comment`. */
  config?: GitHubSettings;
  /** Where retries are reported (already redacted). */
  warn: (message: string) => void;
}

/** What `drift --github` reports on stderr. */
export interface DriftIssuePostOutcome {
  repository: string;
  outcomes: DriftIssueOutcome[];
}

/**
 * `netchange drift --github`: connects with `netchange comment`'s credentials and environment and
 * keeps the drift issues. Everything posted passes the connection's redactor (the credentials, the
 * configured secret variables, known token formats) after the caller's own `redact`.
 */
export async function postDriftIssues(options: DriftIssuePostOptions): Promise<DriftIssuePostOutcome> {
  const { github, target, redactor } = await connectGitHub({
    env: options.env,
    warn: options.warn,
    ...(options.config ? { config: options.config } : {}),
  });
  const own = options.redact ?? ((text: string) => text);
  const redact = (text: string): string => redactor.redactText(own(text));
  try {
    const outcomes = await publishDriftIssues(github, options.report, { ...options, redact });
    return { repository: target.repository, outcomes };
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_GITHUB') {
      throw new NetchangeError(
        'E_GITHUB',
        `could not keep the drift issues: ${redactor.redactText(error.message)}`,
        {
          hint: `${error.hint ? `${redactor.redactText(error.hint)} ` : ''}The drift report above is complete; run the command again (it edits the issues in place).`,
          cause: error,
        },
      );
    }
    throw error;
  }
}

function issuesByMarker(issues: readonly IssueInfo[]): Map<string, IssueInfo> {
  const found = new Map<string, IssueInfo>();
  for (const issue of issues) {
    const marker = /<!-- netchange:drift:\S+ -->/.exec(issue.body)?.[0];
    if (!marker) continue;
    const known = found.get(marker);
    // why: newest first; an open issue wins over a closed one, so a duplicate opened by hand never
    // makes netchange reopen an old one.
    if (!known || (known.state === 'closed' && issue.state === 'open')) found.set(marker, issue);
  }
  return found;
}

function explain(explanation: DriftExplanation | null, zone: string | undefined): string {
  const proposal = explanation?.proposal;
  const named = proposal
    ? `${proposal.id}${proposal.title ? ` (${proposal.title})` : ''}, \`${proposal.file}\``
    : '';
  if (explanation?.kind === 'applied-not-merged') {
    const evidence = explanation.evidence;
    const where = evidence
      ? ` (evidence record #${evidence.sequence}, commit ${evidence.commit.slice(0, 12)}${evidence.pullRequest ? `, pull request #${evidence.pullRequest}` : ''})`
      : '';
    return `**Explained — applied but not merged:** ${named || 'a proposal'} was applied from a branch${where} that is not merged into the default branch yet. The drift ends when it merges (or when the branch is abandoned and the device reverted).`;
  }
  if (explanation?.kind === 'merged-not-applied') {
    const slot = proposal?.slot
      ? ` Its slot: ${formatSpanLocalAndUtc(Date.parse(proposal.slot.start), Date.parse(proposal.slot.end), zone)}.`
      : '';
    return `**Explained — merged but not applied yet:** ${named || 'a proposal'} changed the intended state and has not been applied.${slot} The drift ends when it is applied.`;
  }
  return '**Out-of-band:** no netchange change explains it — no applied proposal waits to merge and no merged one waits to be applied. Someone changed it directly (a CLI session, a console, another tool).';
}

function ownerRows(entry: DriftTargetReport, options: DriftIssueOptions): string[] {
  const answer = options.owners?.get(entry.target);
  const team = (name: string): string => {
    const slug = options.githubTeams?.get(name);
    return slug ? `${name} (@${slug})` : name;
  };
  const list = (names: string[]): string => (names.length > 0 ? names.map(team).join(', ') : '—');
  if (answer?.ok) {
    const { owners } = answer;
    return [
      `| Domain | ${owners.domain} (${owners.detail}) |`,
      `| Responsible | ${team(owners.teams.responsible)} |`,
      `| Accountable | ${team(owners.teams.accountable)} |`,
      `| Consulted | ${list(owners.teams.consulted)} |`,
      `| Informed | ${list(owners.teams.informed)} |`,
    ];
  }
  if (answer) return [`| Domain | unknown: ${answer.reason.replace(/\|/g, '\\|')} |`];
  return entry.domain ? [`| Domain | ${entry.domain} |`] : ['| Domain | unknown |'];
}

function waysOut(entry: DriftTargetReport, options: DriftIssueOptions): string[] {
  const policy = options.driftPolicyFile ?? DEFAULT_DRIFT_POLICY_FILE;
  const proposal = options.proposals?.get(entry.target);
  const revert =
    entry.kind === 'ansible'
      ? proposal
        ? `\`netchange drift --propose\` wrote \`${proposal}\`, a proposal that re-applies the intended state to ${entry.target}; the drift workflow opens it as a pull request to review, approve and apply like any change.`
        : `run \`netchange drift --propose\`: it writes a proposal under changes/ that re-applies the intended state to ${entry.target}, and the drift workflow opens it as a pull request to review, approve and apply like any change.`
      : `write a proposal that runs the stack (\`terraform\` step for ${entry.target}) and apply it: the plan puts the real objects back to the code.`;
  return [
    `1. **Adopt** — the change on ${entry.target} is right: change the intended state (templates, host_vars, Terraform code) in a pull request, so the default branch says what the ${entry.kind === 'ansible' ? 'device' : 'stack'} runs.`,
    `2. **Revert** — the intended state is right: ${revert}`,
    `3. **Waive** — the difference is expected: add an ignore rule for ${entry.target} to \`${policy}\` with a reason, an owner team and an \`expires\` date.`,
  ];
}

function contentMarker(fingerprint: string): string {
  return `<!-- netchange:drift-content sha256:${fingerprint} -->`;
}

function contentFingerprint(body: string): string | undefined {
  return /<!-- netchange:drift-content sha256:([0-9a-f]{64}) -->/.exec(body)?.[1];
}

/** A code fence longer than any backtick run in `text`, so the diff cannot close it early. */
function fenceFor(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
