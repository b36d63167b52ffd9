/**
 * The production windows for people planning a change: `windows` lists when changes are allowed
 * or denied, `next` finds the next slots a proposal fits in and says what blocks the one it asks for.
 */
import {
  type BusyLookup,
  createConflictIndex,
  NO_CONFLICT_RULES,
  scheduledChangeOf,
} from '../conflicts/find.js';
import {
  assessRisk,
  bypassesWindows,
  compileChangeControlPolicy,
  compileConflictRules,
} from '../control/index.js';
import { configError, usageError } from '../core/errors.js';
import type { Finding } from '../core/findings.js';
import type { ChangeSubject } from '../core/model.js';
import { toRfc3339Utc } from '../core/time.js';
import { loadChangeSubjects } from '../pipeline/load-proposals.js';
import { listProposalFiles, type Workspace } from '../pipeline/workspace.js';
import { checkLeadTime } from '../proposals/schedule.js';
import { createConfigRedactor } from '../redact/index.js';
import type { NextOutput } from '../reporters/next/index.js';
import {
  type CompiledWindowPolicy,
  compileWindowPolicy,
  evaluateWindows,
  isWindowTimeZone,
  listOccurrences,
  nextAllowedSlots,
  type Occurrence,
  parseLocalDateTime,
  toIsoLocal,
  zoneClock,
} from '../windows/index.js';
import { windowScopeNames } from '../windows/scope-names.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

/** Where a listing starts: now, a day in the policy's zone, or an instant. */
export type ListingStart = { localDate: string } | { instant: Date } | undefined;

export interface WindowsRequest {
  repo?: string;
  from: ListingStart;
  days: number;
  site?: string;
  domain?: string;
}

export interface WindowsListing {
  occurrences: Occurrence[];
  from: Date;
  days: number;
  timezone: string;
  site?: string;
  domain?: string;
  /** Warnings about the window policy itself. */
  policyWarnings: Finding[];
}

/** `netchange windows`: the occurrences of every window in a period. */
export async function listWindows(request: WindowsRequest, context: UseCaseContext): Promise<WindowsListing> {
  const workspace = await openRequestedWorkspace(request, context);
  const now = context.clock.now();
  const { policy, warnings } = loadWindowPolicy(workspace, now);
  const from = listingStart(request.from, policy.timezone, now);
  const filter = {
    ...(request.site ? { site: request.site } : {}),
    ...(request.domain ? { domain: request.domain } : {}),
  };
  return {
    occurrences: listOccurrences(policy, { from, days: request.days, ...filter }),
    from,
    days: request.days,
    timezone: policy.timezone,
    ...filter,
    policyWarnings: [...warnings, ...unknownFilterWarnings(workspace, filter)],
  };
}

/**
 * A --site or --domain that no window's scope names (and, for a domain, no RACI entry either): the
 * listing then holds only the windows for everyone, which reads as "no restriction" when the value
 * is a typo.
 */
function unknownFilterWarnings(workspace: Workspace, filter: { site?: string; domain?: string }): Finding[] {
  const warnings: Finding[] = [];
  const named = (key: 'sites' | 'domains') => windowScopeNames(workspace.windowPolicyDocument?.value, key);
  const file = workspace.config.paths.windows;
  if (filter.site !== undefined) {
    const sites = named('sites');
    if (!sites.includes(filter.site)) {
      warnings.push({
        ruleId: 'window',
        severity: 'warning',
        message: `no window is scoped to site '${filter.site}': only the windows for every site are listed`,
        hint: `Check the spelling; the windows name ${sites.length > 0 ? `the sites ${sites.join(', ')}` : 'no site'}.`,
        file,
      });
    }
  }
  if (filter.domain !== undefined) {
    const raci = workspace.changeControlDocument?.value as { raci?: unknown } | undefined;
    const domains = [
      ...new Set([
        ...named('domains'),
        ...(raci?.raci && typeof raci.raci === 'object' ? Object.keys(raci.raci) : []),
      ]),
    ].sort();
    if (!domains.includes(filter.domain)) {
      warnings.push({
        ruleId: 'window',
        severity: 'warning',
        message: `domain '${filter.domain}' is in no window's scope and no RACI entry: only the windows for every domain are listed`,
        hint: `Check the spelling; the known domains are ${domains.length > 0 ? domains.join(', ') : 'none'}.`,
        file,
      });
    }
  }
  return warnings;
}

export interface NextRequest {
  /** The proposal file, relative to the context's `cwd`. */
  file: string;
  repo?: string;
  /** Search as of this instant; slots are never before it. */
  at: Date;
  /** How many slots to find. */
  count: number;
}

/** `next`: the slots, or why the proposal cannot be scheduled at all. */
export type NextResult =
  | { report: NextOutput; policyWarnings: Finding[]; errors?: undefined }
  | { errors: Finding[]; policyWarnings: Finding[]; report?: undefined };

export async function findNextSlots(request: NextRequest, context: UseCaseContext): Promise<NextResult> {
  const { at } = request;
  const workspace = await openRequestedWorkspace(request, context);
  // why: the report quotes the proposal (its id, schema messages with its values), the authors' text.
  const redactor = createConfigRedactor(workspace.config, context.env);
  const { policy, warnings } = loadWindowPolicy(workspace, at);
  const { subjects, findings } = await loadChangeSubjects(workspace, { paths: [request.file] });
  if (subjects.length > 1) {
    throw usageError(
      `next finds the slots of one proposal; ${request.file} holds ${subjects.length}`,
      `Name one file, e.g. netchange next ${subjects[0]?.file}.`,
    );
  }
  const subject = subjects[0];
  const tooFar = subject && checkLeadTime(subject, at.getTime(), subject.file, subject.locate);
  if (!subject || tooFar) {
    const errors = [
      ...findings.filter((finding) => finding.severity === 'error'),
      ...(tooFar ? [tooFar] : []),
    ];
    return redactor.redactValue({ errors, policyWarnings: warnings });
  }

  // why: windows may be scoped by risk, and an emergency may bypass them; both come from change control.
  let risk = subject.proposal.risk;
  let bypass = false;
  if (workspace.changeControlDocument) {
    const compiled = compileChangeControlPolicy(workspace.changeControlDocument);
    if (!compiled.policy) {
      throw configError(`${workspace.config.paths.changeControl} has errors`, {
        findings: compiled.findings.filter((finding) => finding.severity === 'error'),
      });
    }
    const declared = evaluateWindows(policy, subject, { at, risk, bypass: false });
    risk = assessRisk(compiled.policy, subject, { windows: declared.overlapping, at }).effective;
    bypass = bypassesWindows(compiled.policy, subject);
  }

  const verdict = evaluateWindows(policy, subject, { at, risk, bypass });
  const busy = await conflictingIntervals(workspace, subject, Math.max(subject.startMs, at.getTime()));
  const slots = nextAllowedSlots(policy, subject, {
    at,
    risk,
    count: request.count,
    ...(busy ? { busy } : {}),
  });
  const clock = zoneClock(isWindowTimeZone(subject.timezone) ? subject.timezone : policy.timezone);
  return redactor.redactValue({
    report: {
      file: subject.file,
      id: subject.proposal.id,
      requested: {
        start: toRfc3339Utc(subject.startMs),
        end: toRfc3339Utc(subject.endMs + subject.rollbackMs),
      },
      timezone: clock.zone,
      open: verdict.open,
      risk,
      bypass,
      blockedBy: verdict.findings,
      overrideApprovals: verdict.overrideApprovals,
      slots: slots.map((slot) => ({
        ...slot,
        localStart: toIsoLocal(Date.parse(slot.start), clock),
        localEnd: toIsoLocal(Date.parse(slot.end), clock),
      })),
      horizon: policy.horizon,
    },
    policyWarnings: warnings,
  });
}

/**
 * The intervals the other proposals of the repository hold that `subject` would conflict with
 * (shared device, stack, redundancy group, or a site at its limit): the slot search skips them.
 */
async function conflictingIntervals(
  workspace: Workspace,
  subject: ChangeSubject,
  fromMs: number,
): Promise<BusyLookup | undefined> {
  const files = (await listProposalFiles(workspace)).filter((file) => file !== subject.file);
  if (files.length === 0) return undefined;
  const { subjects } = await loadChangeSubjects(workspace, { files });
  const rules =
    (workspace.changeControlDocument && compileConflictRules(workspace.changeControlDocument).rules) ||
    NO_CONFLICT_RULES;
  const change = scheduledChangeOf(subject);
  const all = [change, ...subjects.map((other) => scheduledChangeOf(other))];
  const index = createConflictIndex(all, rules);
  return (untilMs) => index.busyFor(change, fromMs, untilMs);
}

/**
 * Compiles the workspace's window policy as of `at`; a missing or invalid policy is a configuration
 * error (exit 2) carrying the lint findings with lines. Its warnings are returned.
 */
function loadWindowPolicy(
  workspace: Workspace,
  at: Date,
): { policy: CompiledWindowPolicy; warnings: Finding[] } {
  const file = workspace.config.paths.windows;
  const document = workspace.windowPolicyDocument;
  if (!document) {
    throw configError(`there is no window policy at ${file}`, {
      hint: 'Create it (netchange init writes one) or set paths.windows in netchange.yaml.',
    });
  }
  const { policy, findings } = compileWindowPolicy(document, { from: at });
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (!policy || errors.length > 0) {
    throw configError(`${file} has errors`, {
      findings: errors,
      hint: 'Fix the window policy; netchange does not evaluate changes against a policy it cannot read.',
    });
  }
  return { policy, warnings: findings };
}

function listingStart(start: ListingStart, zone: string, now: Date): Date {
  if (start === undefined) return now;
  if ('instant' in start) return start.instant;
  const wall = parseLocalDateTime(start.localDate);
  if (wall !== undefined) return new Date(zoneClock(zone).toInstant(wall).epochMs);
  throw usageError(
    `--from '${start.localDate}' is not a date or an RFC 3339 instant`,
    'Write it like 2026-12-01 or 2026-12-01T06:00:00-06:00.',
  );
}
