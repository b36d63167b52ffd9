/**
 * `netchange drift --propose`: for each device that drifted out of band, a change proposal that
 * re-applies its intended state (the drift source's playbook and inventory, limited to the device),
 * written under changes/ so the drift workflow can open it as a pull request. The revert then goes
 * through the same review, windows and approvals as any change.
 *
 * What the proposal holds:
 *  - type `standard` with template `drift-revert` when the change-control policy pre-approves that
 *    template, else `normal`; declared risk low (policy rules may raise it);
 *  - the device's RACI domain (drift/domain.ts), requested by the domain's responsible team;
 *  - the first slot the production windows allow, starting at the first midnight (UTC) after the
 *    check plus the normal lead time, so it still has its notice while the pull request is reviewed;
 *  - verification and rollback steps copied from the newest proposal that runs the same playbook
 *    (steps without extraVars, which belong to that change), limited to the device; otherwise a
 *    rollback that describes how to put back the running configuration.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { compileChangeControlPolicy } from '../control/index.js';
import { NetchangeError } from '../core/errors.js';
import type { AnsibleStep, ChangeProposal } from '../core/schema-types.generated.js';
import {
  addCalendarDuration,
  DAY_MS,
  formatLocalAndUtc,
  parseCalendarDuration,
  toRfc3339Utc,
} from '../core/time.js';
import { makeDirectory } from '../documents/write-paths.js';
import type { DomainAnswer } from '../drift/domain.js';
import type { DetectedTarget, DriftReport, DriftTargetReport } from '../drift/model.js';
import { openWorkspace, type Workspace } from '../pipeline/workspace.js';
import type { UseCaseContext } from './context.js';
import { findNextSlots } from './windows.js';

/** The standard-change template a policy lists to pre-approve drift reverts. */
export const REVERT_TEMPLATE = 'drift-revert';

/** How long a revert is scheduled for, and the time kept for its rollback. */
const REVERT_DURATION = 'PT1H';
const REVERT_ROLLBACK = 'PT30M';

export interface ProposeRevertsRequest {
  /** The repository (default branch checkout). */
  repo: string;
  /** The repository already opened (netchange drift has it); read again from `repo` when absent. */
  workspace?: Workspace;
  report: DriftReport;
  /** Where each target's intended state was read from (DetectedTarget.source), by target. */
  sources: ReadonlyMap<string, DetectedTarget['source']>;
  /** Each target's domain and teams (drift/domain.ts). */
  owners: ReadonlyMap<string, DomainAnswer>;
  /** GitHub login of whoever runs the check (actingUser); `[bot]` accounts lose the suffix. */
  requester: string;
}

export interface ProposeRevertsResult {
  /** Repository-relative paths of the proposals written, one per out-of-band Ansible target. */
  written: string[];
  /** The written path by target (for the drift issue). */
  byTarget: Map<string, string>;
  /** Drifted out-of-band targets that got no proposal, and why. */
  skipped: { target: string; reason: string }[];
}

/** Writes one revert proposal per out-of-band drifted Ansible target and returns the paths. */
export async function proposeReverts(
  request: ProposeRevertsRequest,
  context: UseCaseContext,
): Promise<ProposeRevertsResult> {
  const workspace = request.workspace ?? (await openWorkspace({ repo: request.repo, cwd: context.cwd }));
  const policy = compilePolicy(workspace);
  const changesDirectory = path.join(workspace.root, workspace.config.paths.changes);
  const existing = await readProposals(changesDirectory);
  const usedIds = new Map(existing.map((entry) => [entry.proposal.id, entry.file]));
  const zone = workspace.config.defaults.timezone ?? 'UTC';
  const result: ProposeRevertsResult = { written: [], byTarget: new Map(), skipped: [] };
  for (const entry of request.report.targets) {
    if (entry.status !== 'drifted' || entry.kind !== 'ansible') continue;
    if (entry.explanation && entry.explanation.kind !== 'out-of-band') continue;
    const source = request.sources.get(entry.target);
    if (!source?.playbook || !source.inventory) {
      result.skipped.push({
        target: entry.target,
        reason: 'its drift source names no playbook and inventory',
      });
      continue;
    }
    const owners = request.owners.get(entry.target);
    if (!owners?.ok) {
      result.skipped.push({
        target: entry.target,
        reason: `its RACI domain is unknown: ${owners?.reason ?? 'not resolved'}`,
      });
      continue;
    }
    const base = `drift-revert-${slug(entry.target)}-${compactTime(entry.firstSeen ?? request.report.checkedAt)}`;
    const id = uniqueId(base.toUpperCase().replace(/^DRIFT-REVERT/, 'DRIFT'), base, usedIds);
    const file = path.join(changesDirectory, `${base}.yaml`);
    const relative = path.relative(workspace.root, file).split(path.sep).join('/');
    const template = newestUsing(existing, source.playbook);
    const proposal = revertProposal({
      id,
      entry,
      source: { playbook: source.playbook, inventory: source.inventory },
      domain: owners.owners.domain,
      team: requestingTeam(login(request.requester), owners.owners.teams, policy.members),
      requester: request.requester,
      standard: policy.standardTemplates.includes(REVERT_TEMPLATE),
      zone,
      start: firstCandidateStart(request.report.checkedAt, policy.leadTime, zone),
      ...(template ? { template } : {}),
    });
    makeDirectory(changesDirectory, {
      what: 'the changes folder',
      hint: 'Make paths.changes (netchange.yaml) a folder you can write to.',
    });
    await writeFile(file, render(proposal, entry), 'utf8');
    // why: the slot search reads the proposal as validate does (its devices' sites, domain, risk);
    // without a window policy any time is allowed.
    const slot = workspace.windowPolicyDocument
      ? await firstAllowedSlot(relative, workspace, proposal, context)
      : undefined;
    if (slot) {
      proposal.schedule = { ...proposal.schedule, start: slot };
      await writeFile(file, render(proposal, entry), 'utf8');
    }
    usedIds.set(id, relative);
    result.written.push(relative);
    result.byTarget.set(entry.target, relative);
  }
  return result;
}

interface ExistingProposal {
  file: string;
  proposal: ChangeProposal;
}

interface PolicyFacts {
  standardTemplates: string[];
  /** Team name → members listed in the policy. */
  members: Map<string, string[]>;
  leadTime?: string;
}

function compilePolicy(workspace: Workspace): PolicyFacts {
  const document = workspace.changeControlDocument;
  if (!document) {
    throw new NetchangeError(
      'E_CONFIG',
      `there is no change-control policy at ${workspace.config.paths.changeControl}`,
      {
        hint: 'A revert proposal names a RACI domain and a change type; create the policy (netchange init writes one).',
      },
    );
  }
  const compiled = compileChangeControlPolicy(document);
  if (!compiled.policy) {
    throw new NetchangeError('E_CONFIG', `${workspace.config.paths.changeControl} has errors`, {
      findings: compiled.findings.filter((finding) => finding.severity === 'error'),
      hint: 'Run netchange validate to see them.',
    });
  }
  const leadTime = compiled.policy.source.changeTypes?.normal?.leadTime;
  return {
    standardTemplates: compiled.policy.standard?.templates ?? [],
    members: new Map([...compiled.policy.teams].map(([name, team]) => [name, team.members])),
    ...(leadTime ? { leadTime } : {}),
  };
}

async function readProposals(directory: string): Promise<ExistingProposal[]> {
  if (!existsSync(directory)) return [];
  const names = (await readdir(directory)).filter((name) => /\.ya?ml$/.test(name)).sort();
  const found: ExistingProposal[] = [];
  for (const name of names) {
    try {
      const value = parse(await readFile(path.join(directory, name), 'utf8')) as unknown;
      // why: only ids and steps are read; a broken file is validate's to report, not ours.
      if (isProposal(value)) found.push({ file: name, proposal: value });
    } catch {}
  }
  return found;
}

function isProposal(value: unknown): value is ChangeProposal {
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { kind?: unknown }).kind === 'ChangeProposal' &&
    typeof (value as { id?: unknown }).id === 'string'
  );
}

function newestUsing(existing: readonly ExistingProposal[], playbook: string): ChangeProposal | undefined {
  const using = existing.filter(({ proposal }) =>
    (proposal.execution ?? []).some((step) => step.ansible?.playbook === playbook),
  );
  return using.at(-1)?.proposal;
}

interface RevertInput {
  id: string;
  entry: DriftTargetReport;
  source: { playbook: string; inventory: string };
  domain: string;
  team: string;
  requester: string;
  standard: boolean;
  zone: string;
  start: string;
  template?: ChangeProposal;
}

function revertProposal(input: RevertInput): ChangeProposal {
  const device = input.entry.target;
  const limited = (step: AnsibleStep): AnsibleStep => ({
    playbook: step.playbook,
    inventory: step.inventory ?? input.source.inventory,
    limit: device,
    ...(step.tags ? { tags: step.tags } : {}),
  });
  const verification = (input.template?.verification ?? []).flatMap((step) =>
    step.ansible && step.ansible.extraVars === undefined
      ? [{ ...(step.name ? { name: step.name } : {}), ansible: limited(step.ansible) }]
      : [],
  );
  const templateRollback = input.template?.rollback;
  const rollbackStep =
    templateRollback?.ansible && templateRollback.ansible.extraVars === undefined
      ? limited(templateRollback.ansible)
      : undefined;
  const rollback: NonNullable<ChangeProposal['rollback']> = rollbackStep
    ? {
        description: `Put back the configuration ${device} ran before this change (${rollbackStep.playbook})`,
        ...(templateRollback?.auto !== undefined ? { auto: templateRollback.auto } : {}),
        ansible: rollbackStep,
      }
    : {
        description: `Put back the configuration ${device} ran before this change: the apply saved it in its run directory, and the drift issue shows the lines`,
      };
  const seen = input.entry.firstSeen;
  const firstSeen = seen ? ` (drift first seen ${formatLocalAndUtc(Date.parse(seen), input.zone)})` : '';
  return {
    apiVersion: 'netchange/v1',
    kind: 'ChangeProposal',
    id: input.id,
    title: `Revert out-of-band changes on ${device}`,
    description: `${device} was changed outside netchange${firstSeen}. This change re-applies its intended state from the default branch. Merge it to revert; close it and change the intended state instead to adopt the change.`,
    requester: { team: input.team, github: login(input.requester) },
    type: input.standard ? 'standard' : 'normal',
    ...(input.standard ? { template: REVERT_TEMPLATE } : {}),
    domain: input.domain,
    risk: 'low',
    targets: { devices: [device] },
    schedule: {
      start: input.start,
      duration: REVERT_DURATION,
      timezone: input.zone,
      rollback: REVERT_ROLLBACK,
    },
    execution: [
      {
        name: `Re-apply the intended state of ${device}`,
        ansible: { playbook: input.source.playbook, inventory: input.source.inventory, limit: device },
      },
    ],
    ...(verification.length > 0 ? { verification } : {}),
    rollback,
    references: { drift: device },
  };
}

function render(proposal: ChangeProposal, entry: DriftTargetReport): string {
  const header = [
    '# yaml-language-server: $schema=https://netchange.dev/schemas/v1/change-proposal.schema.json',
    `# Written by \`netchange drift --propose\`: ${entry.target} drifted out of band; this re-applies its intended state.`,
  ].join('\n');
  return `${header}\n${stringify(proposal, { lineWidth: 0 })}`;
}

/** The first midnight (UTC) after `checkedAt`, plus the normal lead time, as a local time in `zone`. */
function firstCandidateStart(checkedAt: string, leadTime: string | undefined, zone: string): string {
  const checked = Date.parse(checkedAt);
  let start = Math.floor(checked / DAY_MS) * DAY_MS + DAY_MS;
  if (leadTime) {
    const duration = parseCalendarDuration(leadTime);
    if (duration) start = addCalendarDuration(duration, start, zone);
  }
  return toRfc3339Utc(start);
}

async function firstAllowedSlot(
  file: string,
  workspace: Workspace,
  proposal: ChangeProposal,
  context: UseCaseContext,
): Promise<string | undefined> {
  const at = new Date(Date.parse(proposal.schedule.start));
  const next = await findNextSlots({ file, repo: workspace.root, at, count: 1 }, context);
  return next.report?.slots[0]?.localStart;
}

function uniqueId(candidate: string, base: string, used: ReadonlyMap<string, string>): string {
  const own = `${base}.yaml`;
  // why: the same drift seen again writes the same file under the same id (the pull request stays one).
  const taken = (id: string) => used.has(id) && path.basename(used.get(id) ?? '') !== own;
  if (!taken(candidate)) return candidate;
  for (let index = 2; ; index += 1) {
    const next = `${candidate}-${index}`;
    if (!taken(next)) return next;
  }
}

/**
 * The team the proposal is requested by: the requester's own team, preferring the domain's
 * responsible and accountable teams; the responsible team when the requester is in none (a bot).
 */
function requestingTeam(
  requester: string,
  teams: { responsible: string; accountable: string },
  members: ReadonlyMap<string, string[]>,
): string {
  const order = [teams.responsible, teams.accountable, ...members.keys()];
  return order.find((team) => members.get(team)?.includes(requester)) ?? teams.responsible;
}

function slug(target: string): string {
  return target.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'target';
}

function compactTime(iso: string): string {
  return toRfc3339Utc(Date.parse(iso)).replace(/[-:]/g, '').slice(0, 13);
}

function login(name: string): string {
  const plain = name.replace(/\[bot\]$/, '');
  return /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(plain) ? plain : 'netchange';
}
