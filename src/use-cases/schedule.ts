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
import type { Conflict, ConflictWith, ScheduledChange } from '../core/model.js';
import { type ReviewState, reviewStateOf } from '../core/review-state.js';
import { toRfc3339Utc } from '../core/time.js';
import { loadChangeSubjects } from '../pipeline/load-proposals.js';
import { validateWorkspace } from '../pipeline/validate.js';
import type { Workspace } from '../pipeline/workspace.js';
import { compileWindowPolicy, listOccurrences, type Occurrence } from '../windows/index.js';

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
  /** Redundancy groups and site limits (from the change-control policy). */
  rules?: ConflictRules;
}

/** One change in the schedule. */
export interface ScheduleEntry extends ScheduledChange {
  /** The review state on the evaluated commit; `pending` for another open pull request's proposal. */
  state: ReviewState | 'pending';
  conflicts: ConflictWith[];
}

export interface Schedule {
  /** RFC 3339 UTC. */
  from: string;
  /** RFC 3339 UTC, exclusive. */
  until: string;
  /** The window policy's zone (UTC when there is none). */
  timezone: string;
  changes: ScheduleEntry[];
  /** Window occurrences in the period, for the sites of the listed changes (all when filtered by none). */
  windows: Occurrence[];
  conflicts: Conflict[];
}

/** Builds the schedule of `workspace` for the request. */
export async function buildSchedule(
  workspace: Workspace,
  request: ScheduleRequest,
  version: string,
): Promise<Schedule> {
  const fromMs = request.from.getTime();
  const untilMs = fromMs + request.days * DAY_MS;
  const { subjects } = await loadChangeSubjects(workspace);
  const report = await validateWorkspace(workspace, { at: request.at, version });
  const states = new Map(report.proposals.map((proposal) => [proposal.file, reviewStateOf(proposal)]));

  const all: ScheduledChange[] = [
    ...subjects.map((subject) => scheduledChangeOf(subject)),
    ...(request.pending ?? []),
  ];
  // why: a conflict is judged over every change, then the listing is cut to the period and filters.
  const conflicts = findConflicts(all, request.rules ?? NO_CONFLICT_RULES);
  const byId = new Map(all.map((change) => [change.id, change]));
  const inPeriod = all.filter(
    (change) =>
      change.startMs < untilMs &&
      change.occupiedEndMs > fromMs &&
      (!request.site || change.sites.includes(request.site)) &&
      (!request.device || change.devices.includes(request.device)),
  );
  const listed = new Set(inPeriod.map((change) => change.id));
  const changes = inPeriod
    .sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id))
    .map(
      (change): ScheduleEntry => ({
        ...change,
        state: change.source.kind === 'pull-request' ? 'pending' : (states.get(change.file) ?? 'invalid'),
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

  let windows: Occurrence[] = [];
  let timezone = 'UTC';
  if (workspace.windowPolicyDocument) {
    const { policy } = compileWindowPolicy(workspace.windowPolicyDocument, { from: request.from });
    if (policy) {
      timezone = policy.timezone;
      const sites = request.site ? [request.site] : undefined;
      const occurrences = sites
        ? sites.flatMap((site) => listOccurrences(policy, { from: request.from, days: request.days, site }))
        : listOccurrences(policy, { from: request.from, days: request.days });
      const seen = new Set<string>();
      windows = occurrences.filter((occurrence) => {
        const key = `${occurrence.window}|${occurrence.start}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }
  }
  return {
    from: toRfc3339Utc(fromMs),
    until: toRfc3339Utc(untilMs),
    timezone,
    changes,
    windows,
    conflicts: conflicts.filter((conflict) => listed.has(conflict.a) || listed.has(conflict.b)),
  };
}
