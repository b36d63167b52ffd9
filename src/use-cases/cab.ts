/**
 * `netchange cab`: the board's pack for one meeting. Reads the evidence (failures, emergencies,
 * drift), validates the repository at the meeting instant (what needs the board), builds the
 * forward schedule, and assembles the pack; `--post` keeps one GitHub issue per meeting.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { refreshEvidence, resolveEvidenceRepository } from '../audit/cli-support.js';
import { loadEvidence, readEvidenceHead } from '../audit/index.js';
import { assembleCabPack, type CabPack, type CabTeam, SCHEDULE_DAYS } from '../cab/pack.js';
import { type ReviewFacts, reviewReminders } from '../cab/reviews.js';
import { type CompiledReview, compileChangeControlPolicy } from '../control/index.js';
import { usageError } from '../core/errors.js';
import type { ChangeProposal } from '../core/model.js';
import type { RaciAssignment } from '../core/schema-types.generated.js';
import { DAY_MS, toRfc3339Utc } from '../core/time.js';
import { type ExplainedWeakening, explainPolicy } from '../packs/explain.js';
import { utcDay } from '../packs/waivers.js';
import { validateWorkspaceWithSubjects } from '../pipeline/validate.js';
import { githubSettings, openWorkspace, type Workspace } from '../pipeline/workspace.js';
import { createConfigRedactor } from '../redact/index.js';
import { planViewsOf } from '../reporters/review/summary.js';
import { readRunPlan } from '../runs/plan-document.js';
import type { UseCaseContext } from './context.js';
import { buildSchedule } from './schedule.js';

export interface CabRequest {
  repo?: string;
  meeting: Date;
  since: Date;
  /** `--plan-dir DIR`: a `netchange plan` run directory whose plan.json gives the cards' plan lines. */
  planDir?: string;
  /** Fetch the evidence branch from origin first. */
  fetch: boolean;
}

/** The pack, and a post of it to the meeting's GitHub issue once it is printed. */
export interface CabRun {
  pack: CabPack;
  /** Publishes the pack (`--post`); returns the line to print. */
  post(): Promise<string>;
}

export async function prepareCabPack(request: CabRequest, context: UseCaseContext): Promise<CabRun> {
  if (request.since.getTime() >= request.meeting.getTime()) {
    // why: the meeting a week earlier is the usual previous one; a fixed date would often be wrong too.
    const weekBefore = toRfc3339Utc(request.meeting.getTime() - 7 * DAY_MS);
    throw usageError(
      '--since must be before --meeting',
      `Give the previous meeting, e.g. --since ${weekBefore}, or a duration back from the meeting, e.g. --since 7d.`,
    );
  }
  // why: a wrong --plan-dir is said before the slower reads and the validation.
  const plans = request.planDir ? await readPlans(request.planDir, context.cwd) : undefined;
  const workspace = await openWorkspace({
    cwd: context.cwd,
    ...(request.repo ? { repo: request.repo } : {}),
  });
  const root = await resolveEvidenceRepository(request.repo, context.cwd);
  if (request.fetch) await refreshEvidence(root, context.warn, context.notice);
  // why: every record is read: the period is cut in assembly, and a proposal applied long ago is
  // not pending, whatever its slot says.
  const evidence = await loadEvidence(root, { onNotice: context.notice });
  const { report, subjects } = await validateWorkspaceWithSubjects(workspace, {
    at: request.meeting,
    version: context.version,
  });
  const schedule = await buildSchedule(
    workspace,
    { from: request.meeting, days: SCHEDULE_DAYS, at: request.meeting, loaded: { subjects, report } },
    context.version,
  );
  const { teams, raci, reviews } = policyFacts(workspace);
  const zone = workspace.config.defaults.timezone ?? 'UTC';
  const now = context.clock.now();
  const reviewedBy = new Date(Math.min(request.meeting.getTime(), now.getTime()));
  const reminders = reviewReminders(
    await Promise.all(
      reviews.map(async (review): Promise<ReviewFacts> => {
        // why: a commit dated after the meeting, or after now, is no review the board can count
        // (a date in a commit is whatever its author set).
        const lastCommit = workspace.git
          ? await workspace.git.lastCommitted(review.paths, { before: reviewedBy })
          : undefined;
        return {
          name: review.name,
          every: review.every,
          interval: review.interval,
          paths: review.paths,
          ...(review.lastReviewed !== undefined ? { lastReviewed: review.lastReviewed } : {}),
          ...(lastCommit ? { lastCommit } : {}),
          ...(review.reason !== undefined ? { reason: review.reason } : {}),
          ...(review.control ? { control: review.control } : {}),
        };
      }),
    ),
    request.meeting,
    zone,
    now,
  );
  const pack = assembleCabPack({
    meeting: request.meeting,
    since: request.since,
    ...(workspace.config.defaults.timezone ? { timezone: workspace.config.defaults.timezone } : {}),
    records: evidence.records,
    drift: evidence.drift.filter((record) => {
      const checked = Date.parse(record.checkedAt);
      return checked >= request.since.getTime() && checked < request.meeting.getTime();
    }),
    unreadable: evidence.unreadable,
    driftConfigured: workspace.config.drift.ansible.length + workspace.config.drift.terraform.length > 0,
    report,
    proposals: new Map<string, ChangeProposal>(subjects.map((subject) => [subject.file, subject.proposal])),
    ...(workspace.git
      ? { blobs: await workspace.git.blobShas(subjects.map((subject) => subject.file)) }
      : {}),
    teams,
    raci,
    ...(plans ? { plans } : {}),
    schedule,
    policyWeakenings: policyWeakenings(workspace, request.meeting),
    reviews: reminders,
  });
  // why: cards quote proposal titles and plan lines, the authors' text, which may name a secret.
  const redactedPack = createConfigRedactor(workspace.config, context.env).redactValue(pack);
  return {
    pack: redactedPack,
    async post() {
      const { postCabIssue, describeCabIssuePost } = await import('../github/cab-issue.js');
      const evidenceHead = await readEvidenceHead(root);
      const outcome = await postCabIssue({
        pack: redactedPack,
        env: context.env,
        config: githubSettings(workspace),
        at: context.clock.now(),
        warn: context.warn,
        ...(evidenceHead ? { evidenceHead } : {}),
      });
      return describeCabIssuePost(outcome);
    },
  };
}

async function readPlans(directory: string, cwd: string) {
  const absolute = path.resolve(cwd, directory);
  if (!existsSync(absolute)) {
    throw usageError(
      `--plan-dir ${directory} does not exist`,
      'Name the --out-dir of a `netchange plan` run.',
    );
  }
  const { plan } = await readRunPlan(absolute);
  if (!plan) {
    throw usageError(
      `--plan-dir ${directory} holds no plan.json`,
      'Name the --out-dir of a `netchange plan` run.',
    );
  }
  return planViewsOf(plan);
}

/** The weakenings of both policies' extended rules, with their waivers judged on the meeting's day. */
function policyWeakenings(workspace: Workspace, meeting: Date): ExplainedWeakening[] {
  const day = utcDay(meeting);
  return [workspace.inheritance?.changeControl, workspace.inheritance?.windows].flatMap((resolved) =>
    resolved
      ? explainPolicy({
          kind: resolved.kind,
          file: resolved.document.file,
          layers: resolved.layers,
          merged: resolved.merged,
          waivers: resolved.waivers,
          day,
        }).weakenings
      : [],
  );
}

/**
 * Teams, RACI and periodic reviews from the change-control policy. validateWorkspace has already
 * refused a broken policy (exit 2), so a policy that does not compile here cannot happen; no
 * policy: no teams and no reviews.
 */
function policyFacts(workspace: Workspace): {
  teams: Map<string, CabTeam>;
  raci: Map<string, RaciAssignment>;
  reviews: CompiledReview[];
} {
  const policy = workspace.changeControlDocument
    ? compileChangeControlPolicy(workspace.changeControlDocument).policy
    : undefined;
  if (!policy) return { teams: new Map(), raci: new Map(), reviews: [] };
  const teams = new Map(
    [...policy.teams].map(([name, team]): [string, CabTeam] => [
      name,
      { name, kind: team.kind, displayName: team.displayName },
    ]),
  );
  return { teams, raci: new Map(policy.raci), reviews: policy.reviews };
}
