/**
 * `netchange freeze` and `netchange unfreeze`: put a site or device on hold by hand, and lift it.
 * Locally the freeze goes into the freezes file (paths.freezes); with GitHub it is an open issue
 * labelled netchange-freeze, so it reaches every runner that applies. The holds stage reads both.
 */
import path from 'node:path';
import { actingUser } from '../core/acting-user.js';
import { NetchangeError, usageError } from '../core/errors.js';
import { formatLocalAndUtc, HOUR_MS, toRfc3339Utc } from '../core/time.js';
import { devicesNoFileNames } from '../freezes/device-names.js';
import { confirmFreezeIssue, FREEZE_LABEL, freezeIssue, freezeOfIssue } from '../freezes/github.js';
import { nextLocalId, readLocalFreezes, writeLocalFreezes } from '../freezes/local-file.js';
import type { Freeze, HoldableType } from '../freezes/model.js';
import { githubSettings, type Workspace } from '../pipeline/workspace.js';
import { windowScopeNames } from '../windows/scope-names.js';
import type { UseCaseContext } from './context.js';
import { openRequestedWorkspace } from './workspace.js';

export interface FreezeRequest {
  repo?: string;
  sites: string[];
  devices: string[];
  until: Date;
  reason: string;
  /** Only these change types are held; default every type. */
  types?: HoldableType[];
  /** Open a netchange-freeze issue instead of writing the local file. */
  github: boolean;
}

export interface FreezeOutcome {
  freeze: Freeze;
  /** Where it lives: the local file, or the issue's URL. */
  where: string;
  /** The zone to show its times in (defaults.timezone). */
  timeZone?: string;
  /** The policy has no `holds:` with freezes, so nothing reads the freeze yet. */
  unread: boolean;
}

/** The start of the hour after `epochMs`: an example instant that reads as one a person would pick. */
function nextHour(epochMs: number): number {
  return Math.ceil(epochMs / HOUR_MS) * HOUR_MS;
}

/**
 * A --site that no window's scope names, as `windows --site` warns: the freeze is still written
 * (a site may have only the windows for everyone), but a typo would hold no change at all.
 */
function warnUnknownSites(
  workspace: Workspace,
  sites: readonly string[],
  warn: (message: string) => void,
): void {
  // why: without a window policy there is no list of sites to hold a typo against.
  if (!workspace.windowPolicyDocument) return;
  const named = windowScopeNames(workspace.windowPolicyDocument.value, 'sites');
  const file = workspace.config.paths.windows;
  for (const site of sites) {
    if (named.includes(site)) continue;
    warn(
      `${file} no window is scoped to site '${site}': the freeze holds only changes whose targets name it; check the spelling, the windows name ${named.length > 0 ? `the sites ${named.join(', ')}` : 'no site'}`,
    );
  }
}

/**
 * A --device that no file of the repository names (no inventory, proposal or policy): the freeze is
 * still written, but a typo would hold no change at all. Outside git there is no list of files.
 */
async function warnUnknownDevices(
  workspace: Workspace,
  devices: readonly string[],
  warn: (message: string) => void,
): Promise<void> {
  if (devices.length === 0 || !workspace.git) return;
  // why: the check only warns; a git that cannot list the files must not keep the freeze from being made.
  const listing = await workspace.git.workTreeState().catch(() => undefined);
  if (!listing) return;
  const { freezes, runs } = workspace.config.paths;
  // why: what netchange wrote itself (an earlier freeze of the same typo, run records) vouches for nothing.
  const files = [...listing.blobs.keys(), ...listing.changed].filter(
    (file) => !isUnder(file, freezes) && !isUnder(file, runs),
  );
  const maxBytes = workspace.config.limits.maxFileBytes;
  for (const device of devicesNoFileNames(workspace.root, files, devices, maxBytes))
    warn(
      `no file of the repository names device '${device}' (no inventory, proposal or policy): the freeze holds only changes that reach a device of that name; check the spelling (a host made only by an inventory range or plugin is named in no file)`,
    );
}

/** Whether the repository-relative `file` is `folder` or lies under it. */
function isUnder(file: string, folder: string): boolean {
  const normalized = path.posix.normalize(folder).replace(/\/$/, '');
  return file === normalized || file.startsWith(`${normalized}/`);
}

export async function freezeTargets(request: FreezeRequest, context: UseCaseContext): Promise<FreezeOutcome> {
  if (request.sites.length + request.devices.length === 0)
    throw usageError('a freeze needs --site or --device', 'Name what to freeze, e.g. --site plant-a.');
  if (request.reason.trim() === '')
    throw usageError('--reason must say why', 'Give the incident, e.g. INC-0042.');
  const now = context.clock.now();
  if (request.until.getTime() <= now.getTime())
    throw usageError(
      `--until ${toRfc3339Utc(request.until.getTime())} is in the past`,
      `A freeze ends after now: give a duration like --until 4h, or an instant like ${toRfc3339Utc(nextHour(now.getTime() + 4 * HOUR_MS))}.`,
    );
  const workspace = await openRequestedWorkspace(request, context);
  warnUnknownSites(workspace, request.sites, context.warn);
  await warnUnknownDevices(workspace, request.devices, context.warn);
  const timeZone = workspace.config.defaults.timezone;
  const draft: Omit<Freeze, 'id'> = {
    sites: request.sites,
    devices: request.devices,
    until: toRfc3339Utc(request.until.getTime()),
    reason: request.reason.trim(),
    by: actingUser(context.env).name,
    createdAt: toRfc3339Utc(now.getTime()),
    ...(request.types && request.types.length > 0 ? { types: request.types } : {}),
  };
  const common = { ...(timeZone ? { timeZone } : {}), unread: !readsFreezes(workspace) };
  if (request.github) {
    const github = await connect(workspace, context);
    const issue = await github.createIssue({
      ...freezeIssue(draft, formatLocalAndUtc(request.until.getTime(), timeZone)),
      labels: [FREEZE_LABEL],
    });
    // why: the issue is read back as every runner will read it; one that carries no freeze (or
    // another) must fail here, not report "froze" for a site that nothing holds.
    const freeze = confirmFreezeIssue(issue, draft);
    return { freeze, where: issue.htmlUrl ?? `issue #${issue.number}`, ...common };
  }
  const file = workspace.config.paths.freezes;
  const freezes = await readLocalFreezes(workspace.root, file);
  const freeze: Freeze = { id: nextLocalId(freezes), ...draft };
  await writeLocalFreezes(workspace.root, file, [...freezes, freeze]);
  return { freeze, where: file, ...common };
}

export interface UnfreezeRequest {
  repo?: string;
  /** `FRZ-3`, or `#42` / `42` with --github. */
  id?: string;
  /** Lift every freeze in force that covers this site. */
  site?: string;
  github: boolean;
}

export interface UnfreezeOutcome {
  lifted: Freeze[];
  where: string;
}

export async function liftFreezes(
  request: UnfreezeRequest,
  context: UseCaseContext,
): Promise<UnfreezeOutcome> {
  if ((request.id === undefined) === (request.site === undefined))
    throw usageError(
      'name one freeze ID or --site S',
      'e.g. netchange unfreeze FRZ-3, or netchange unfreeze --site plant-a.',
    );
  const workspace = await openRequestedWorkspace(request, context);
  const now = context.clock.now();
  const by = actingUser(context.env).name;
  const inForce = (freeze: Freeze) =>
    freeze.liftedAt === undefined && Date.parse(freeze.until) > now.getTime();
  const chosen = (freeze: Freeze) =>
    request.id !== undefined
      ? freeze.id === request.id || (request.github && freeze.id === `#${request.id.replace(/^#/, '')}`)
      : freeze.sites.includes(request.site as string);

  if (request.github) {
    const github = await connect(workspace, context);
    const issues = (await github.listIssuesWithLabel(FREEZE_LABEL)).filter((issue) => issue.state === 'open');
    const lifted: Freeze[] = [];
    for (const issue of issues) {
      const freeze = freezeOfIssue(issue);
      if (!freeze || !chosen(freeze)) continue;
      // why: the comment is the record of who lifted it; closing is what lifts it.
      await github.createComment(
        issue.number,
        `Freeze lifted by @${by} at ${formatLocalAndUtc(now.getTime(), workspace.config.defaults.timezone)} (netchange unfreeze).`,
      );
      await github.updateIssue(issue.number, { state: 'closed' });
      lifted.push({ ...freeze, liftedBy: by, liftedAt: toRfc3339Utc(now.getTime()) });
    }
    return { lifted, where: github.repository };
  }
  const file = workspace.config.paths.freezes;
  const freezes = await readLocalFreezes(workspace.root, file);
  const lifted: Freeze[] = [];
  const updated = freezes.map((freeze) => {
    if (!inForce(freeze) || !chosen(freeze)) return freeze;
    const done = { ...freeze, liftedBy: by, liftedAt: toRfc3339Utc(now.getTime()) };
    lifted.push(done);
    return done;
  });
  if (lifted.length > 0) await writeLocalFreezes(workspace.root, file, updated);
  return { lifted, where: file };
}

async function connect(workspace: Workspace, context: UseCaseContext) {
  const { connectGitHub } = await import('../github/publish.js');
  try {
    return (await connectGitHub({ env: context.env, config: githubSettings(workspace), warn: context.warn }))
      .github;
  } catch (error) {
    if (error instanceof NetchangeError && error.code === 'E_USAGE')
      throw usageError(`--github: ${error.message}`, error.hint);
    throw error;
  }
}

function readsFreezes(workspace: Workspace): boolean {
  const holds = (workspace.changeControlDocument?.value as { holds?: { freezes?: boolean } } | undefined)
    ?.holds;
  return holds !== undefined && holds.freezes !== false;
}
