/**
 * The forward schedule of change: every scheduled change in a period with its occupied interval,
 * targets, review state and conflicts, together with the windows that apply. `schedule` renders it;
 * the CAB pack's "Schedule" section is the same listing.
 */
import {
  type ConflictRules,
  findConflicts,
  NO_CONFLICT_RULES,
  scheduledChangeOf,
} from '../conflicts/find.js';
import type { ScheduledChange } from '../core/model.js';
import { reviewStateOf } from '../core/review-state.js';
import { toRfc3339Utc } from '../core/time.js';
import { type ValidatedWorkspace, validateWorkspaceWithSubjects } from '../pipeline/validate.js';
import { githubSettings, type Workspace } from '../pipeline/workspace.js';
import { createConfigRedactor } from '../redact/index.js';
import type { Schedule, ScheduleEntry, ScheduleWindow } from '../schedule/model.js';
import { compileWindowPolicy, listOccurrences, type Occurrence } from '../windows/index.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export type { Schedule, ScheduleEntry } from '../schedule/model.js';

const DAY_MS = 86_400_000;

export interface ScheduleRequest {
  /** Start of the period; changes still occupying it count. */
  from: Date;
  days: number;
  site?: string;
  /** Only changes that reach this device. */
  device?: string;
  /** The instant review states are evaluated at (normally now). */
  at: Date;
  /** Proposals of other open pull requests, shown as pending. */
  pending?: readonly ScheduledChange[];
  /** Redundancy groups and site limits; default: the change-control policy's. */
  rules?: ConflictRules;
  /** Told when --site or --device names what no change reaches (a typo lists nothing, silently). */
  warn?: (message: string) => void;
  /**
   * The repository's proposals and their verdict at `at`, when the caller already has them.
   * why: the CAB pack validates at the meeting for its cards; loading and validating again here
   * would read and judge every proposal twice.
   */
  loaded?: ValidatedWorkspace;
}

/** Builds the schedule of `workspace` for the request. */
export async function buildSchedule(
  workspace: Workspace,
  request: ScheduleRequest,
  version: string,
): Promise<Schedule> {
  const fromMs = request.from.getTime();
  const untilMs = fromMs + request.days * DAY_MS;
  const { subjects, report } =
    request.loaded ?? (await validateWorkspaceWithSubjects(workspace, { at: request.at, version }));
  const states = new Map(report.proposals.map((proposal) => [proposal.file, reviewStateOf(proposal)]));
  const revisions = workspace.git
    ? await workspace.git.revisions(workspace.config.paths.changes)
    : new Map<string, number>();

  const all: ScheduledChange[] = [
    ...subjects.map((subject) => scheduledChangeOf(subject)),
    ...(request.pending ?? []),
  ];
  // why: a conflict is judged over every change, then the listing is cut to the period and filters.
  const conflicts = findConflicts(all, request.rules ?? (await policyConflictRules(workspace)));
  const byId = new Map(all.map((change) => [change.id, change]));
  const inPeriod = all.filter(
    (change) =>
      change.startMs < untilMs &&
      change.occupiedEndMs > fromMs &&
      (!request.site || change.sites.includes(request.site)) &&
      (!request.device || change.devices.includes(request.device)),
  );
  if (request.warn) warnUnknownFilters(all, request, request.warn);
  const listed = new Set(inPeriod.map((change) => change.id));
  const changes = inPeriod
    .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id))
    .map(
      (change): ScheduleEntry => ({
        ...change,
        state: change.source.kind === 'pull-request' ? 'pending' : (states.get(change.file) ?? 'invalid'),
        revision: change.source.kind === 'pull-request' ? 0 : (revisions.get(change.file) ?? 0),
        conflicts: conflicts.flatMap((conflict) => {
          const otherId =
            conflict.a === change.id ? conflict.b : conflict.b === change.id ? conflict.a : undefined;
          const other = otherId === undefined ? undefined : byId.get(otherId);
          return other
            ? [
                {
                  id: other.id,
                  file: other.file,
                  source: other.source,
                  reasons: conflict.reasons,
                  overlap: conflict.overlap,
                },
              ]
            : [];
        }),
      }),
    );

  let windows: ScheduleWindow[] = [];
  let timezone = 'UTC';
  if (workspace.windowPolicyDocument) {
    const { policy } = compileWindowPolicy(workspace.windowPolicyDocument, { from: request.from });
    if (policy) {
      timezone = policy.timezone;
      const period = { from: request.from, days: request.days };
      // why: each occurrence says which of the listed changes' sites it applies to, so a per-site
      // timeline shows only its own windows; with no change listed, every window is shown.
      const sites = request.site
        ? [request.site]
        : [...new Set(changes.flatMap((change) => change.sites))].sort();
      const byKey = new Map<string, ScheduleWindow>();
      const add = (occurrence: Occurrence, site: string | undefined) => {
        const key = `${occurrence.window}|${occurrence.start}`;
        let window = byKey.get(key);
        if (!window) {
          window = { ...occurrence, sites: [] };
          byKey.set(key, window);
        }
        if (site) window.sites.push(site);
      };
      if (sites.length === 0)
        for (const occurrence of listOccurrences(policy, period)) add(occurrence, undefined);
      for (const site of sites) {
        for (const occurrence of listOccurrences(policy, { ...period, site })) add(occurrence, site);
      }
      windows = [...byKey.values()].sort((a, b) => a.startMs - b.startMs || a.window.localeCompare(b.window));
    }
  }
  return {
    from: toRfc3339Utc(fromMs),
    until: toRfc3339Utc(untilMs),
    timezone,
    ...(request.site ? { site: request.site } : {}),
    changes,
    windows,
    conflicts: conflicts.filter((conflict) => listed.has(conflict.a) || listed.has(conflict.b)),
  };
}

/**
 * Warns about a --site or --device that no change of the repository reaches at any time: the
 * listing is then empty, which reads as "nothing scheduled there" when the value is a typo.
 */
function warnUnknownFilters(
  changes: readonly ScheduledChange[],
  filter: { site?: string; device?: string },
  warn: (message: string) => void,
): void {
  const check = (flag: string, value: string | undefined, known: string[]) => {
    if (value === undefined || known.includes(value)) return;
    const shown = [...new Set(known)].sort();
    warn(
      `${flag} '${value}': no change of the repository reaches it, so nothing is listed; ` +
        `${shown.length > 0 ? `the changes reach ${shown.slice(0, 20).join(', ')}${shown.length > 20 ? ', …' : ''}` : 'no change reaches any'}`,
    );
  };
  check(
    '--site',
    filter.site,
    changes.flatMap((change) => change.sites),
  );
  check(
    '--device',
    filter.device,
    changes.flatMap((change) => change.devices),
  );
}

/** The change-control policy's redundancy groups and site limits (none without a policy). */
async function policyConflictRules(workspace: Workspace): Promise<ConflictRules> {
  if (!workspace.changeControlDocument) return NO_CONFLICT_RULES;
  const { compileConflictRules } = await import('../control/conflict-rules.js');
  return compileConflictRules(workspace.changeControlDocument).rules ?? NO_CONFLICT_RULES;
}

export interface ScheduleListingRequest {
  repo?: string;
  /** Start of the listing; default now. */
  from?: Date;
  days: number;
  site?: string;
  device?: string;
  /** Show other open pull requests' proposals as pending (`--github`). */
  github?: boolean;
}

/**
 * `netchange schedule`: the schedule of the repository the request names, review states as of now;
 * with `github`, other open pull requests' proposals as pending.
 */
export async function listSchedule(
  request: ScheduleListingRequest,
  context: UseCaseContext,
): Promise<Schedule> {
  const workspace = await openRequestedWorkspace(request, context);
  const now = context.clock.now();
  let pending: ScheduledChange[] = [];
  if (request.github) {
    const { connectGitHub } = await import('../github/publish.js');
    const { fetchOpenPullRequestChanges } = await import('../github/open-pull-request-changes.js');
    const { github } = await connectGitHub({
      env: context.env,
      config: githubSettings(workspace),
      warn: context.warn,
    });
    const others = await fetchOpenPullRequestChanges(github, {
      changesDir: workspace.config.paths.changes,
      maxFileBytes: workspace.config.limits.maxFileBytes,
      ...(workspace.config.defaults.timezone ? { defaultTimezone: workspace.config.defaults.timezone } : {}),
    });
    for (const note of others.notes) context.warn(note);
    pending = others.changes;
  }
  const schedule = await buildSchedule(
    workspace,
    {
      from: request.from ?? now,
      days: request.days,
      at: now,
      ...(request.site ? { site: request.site } : {}),
      ...(request.device ? { device: request.device } : {}),
      ...(pending.length > 0 ? { pending } : {}),
      warn: context.warn,
    },
    context.version,
  );
  // why: titles are the authors' text and may quote a secret netchange.yaml names, as in validate.
  return createConfigRedactor(workspace.config, context.env).redactValue(schedule);
}
