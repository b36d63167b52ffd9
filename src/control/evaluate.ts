/**
 * Change control for one proposal: change type, RACI ownership, approvals, the co-managed playbook
 * and custom rules. Pure: the time, approvals, members and window verdict are passed in.
 */
import type { Temporal } from 'temporal-polyfill';
import { type EvaluatedRule, elide, type Finding, MAX_MESSAGE_LENGTH } from '../core/findings.js';
import {
  type Approval,
  type ApprovalRequest,
  type ApprovalRequirement,
  type AutonomyClass,
  type ChangeControlVerdict,
  type ChangeSubject,
  type ChangeType,
  RISK_ORDER,
  type Risk,
  type WindowVerdict,
} from '../core/model.js';
import { addCalendarDuration, formatLocalAndUtc, toRfc3339Utc } from '../core/time.js';
import {
  type ApprovalDemand,
  type ApprovalInput,
  addDemand,
  candidatesFor,
  crossTeamDemand,
  demandsFor,
  describeMatch,
  evaluateDemands,
  holdFindings,
  type MatchFacts,
  matches,
  standingHolds,
  teamsForRequest,
} from './approvals.js';
import { runCel } from './cel.js';
import {
  type CompiledChangeControlPolicy,
  type CompiledCustomRule,
  describeDuration,
} from './compile-policy.js';
import { checkDomainPaths } from './domain-paths.js';
import { celActivation, type RiskAssessment, type RiskContext } from './risk.js';

/** What `evaluateChangeControl` needs besides the policy and the proposal. */
export interface ChangeControlInput {
  /** The instant of evaluation (`--at`): lead times count from here unless `requestedAt` is given. */
  at: Date;
  /** When the change was requested (apply: the proposal's first commit); lead times count from here. */
  requestedAt?: Date;
  /** The risk verdict from `assessRisk`. */
  risk: RiskAssessment;
  /** Approvals given (`--approvals FILE`, pull-request reviews). */
  approvals: Approval[];
  /** The commit being evaluated; approvals recorded for another commit do not count. */
  commit?: string;
  /** Team members resolved outside the policy (GitHub teams): team name → logins. */
  members?: Map<string, string[]>;
  /** The window engine's verdict: its override approvals and overlapping windows. */
  windowVerdict: WindowVerdict;
  /** The policy windows evaluated (for context.windows in custom rules); default: windowVerdict.overlapping. */
  windows?: string[];
  /**
   * Missing approvals fail the change (apply, `validate --require-approvals`): an approval rule
   * still short of approvals is then `failed` rather than `pending`.
   */
  requireApprovals?: boolean;
}

/**
 * True when this change may bypass production windows: an emergency change, under a policy that
 * says emergencies bypass windows, with its incident named when the policy requires one.
 */
export function bypassesWindows(policy: CompiledChangeControlPolicy, subject: ChangeSubject): boolean {
  const proposal = subject.proposal;
  if (proposal.type !== 'emergency' || !policy.emergency.bypassWindows) return false;
  // why: "it's an emergency" without an incident is how window rules get skipped for convenience.
  return !policy.emergency.requireIncident || namesIncident(proposal);
}

/** Whether the proposal names its incident: a value of spaces names none. */
function namesIncident(proposal: ChangeSubject['proposal']): boolean {
  return proposal.incident !== undefined && proposal.incident.trim() !== '';
}

/** Evaluates change control for one proposal. Never throws for bad input: problems are findings. */
export function evaluateChangeControl(
  policy: CompiledChangeControlPolicy,
  subject: ChangeSubject,
  input: ChangeControlInput,
): ChangeControlVerdict {
  const proposal = subject.proposal;
  const findings: Finding[] = [...input.risk.findings];
  const effective = input.risk.effective;
  const facts: MatchFacts = { type: proposal.type, risk: effective, domain: proposal.domain };

  const requesterTeam = policy.teams.get(proposal.requester.team);
  if (!requesterTeam) {
    findings.push({
      ruleId: 'reference',
      severity: 'error',
      message: `requester team '${proposal.requester.team}' is not a team of the change-control policy`,
      hint: `Teams: ${[...policy.teams.keys()].join(', ')} (${policy.file}).`,
      ...where(subject, ['requester', 'team']),
    });
  } else {
    const members = candidatesFor(policy, [requesterTeam.name], input.members);
    const login = proposal.requester.github.toLowerCase();
    // why: an error when they are in another team: the cross-team approval depends on the
    // requester's side, so two internal engineers naming a partner team would need no one from the
    // other side. A login in no team (a bot raising a drift revert for the team) is a warning.
    if (members.length > 0 && !members.some(([member]) => member === login)) {
      const own = [...policy.teams.keys()].filter((team) =>
        candidatesFor(policy, [team], input.members).some(([member]) => member === login),
      );
      findings.push({
        ruleId: 'reference',
        severity: own.length > 0 ? 'error' : 'warning',
        message: `${proposal.requester.github} is not a member of ${requesterTeam.name}${own.length > 0 ? ` (they are in ${own.join(', ')})` : ''}`,
        hint: `Name the requester's own team: which approvals a change needs depends on it. Members of ${requesterTeam.name}: ${members.map(([, member]) => member).join(', ')}; or add them to it in ${policy.file}.`,
        ...where(subject, ['requester', 'github']),
      });
    }
  }

  const raci = policy.raci.get(proposal.domain);
  if (!raci) {
    findings.push({
      ruleId: 'approval',
      policy: 'raci',
      severity: 'error',
      message: `no one is accountable for domain '${proposal.domain}'`,
      hint: `Add raci.${proposal.domain} with responsible and accountable teams to ${policy.file}, or use a domain it lists: ${[...policy.raci.keys()].join(', ')}.`,
      ...where(subject, ['domain']),
    });
  }

  // why: a domain without an entry is an error already; which domain the paths name is in its hint.
  if (raci) findings.push(...checkDomainPaths(policy, subject));
  const typeVerdict = checkChangeType(policy, subject, input, findings);

  const demands = [...policyDemands(policy, proposal.type, proposal.template, facts)];
  // why: the policy's own demands name only defined teams (compilation checked); window overrides may not.
  for (const override of input.windowVerdict.overrideApprovals) {
    if (override.team !== undefined && !policy.teams.has(override.team)) {
      findings.push({
        ruleId: 'approval',
        severity: 'error',
        message: `a window override requires team ${override.team}, which is not defined in ${policy.file}`,
        hint: `Requirement: ${override.reason}. Define the team, or correct the window's override.`,
        ...where(subject, ['schedule']),
      });
    }
    for (const demand of demandsFor(policy, [override], raci ? proposal.domain : undefined))
      addDemand(demands, demand);
  }
  // why: standard changes are pre-approved; the playbook lets the responsible team run them alone.
  if (requesterTeam && proposal.type !== 'standard') {
    const crossTeam = crossTeamDemand(policy, requesterTeam.name, requesterTeam.kind, demands);
    if (crossTeam) demands.push(crossTeam);
  }
  const approvalInput: ApprovalInput = {
    requester: proposal.requester.github,
    ...(proposal.implementer ? { implementer: proposal.implementer.github } : {}),
    approvals: input.approvals,
    proposal: proposal.id,
    ...(input.commit !== undefined ? { commit: input.commit } : {}),
    ...(input.members ? { members: input.members } : {}),
  };
  const approvals = evaluateDemands(policy, demands, approvalInput, () => where(subject, ['requester']));
  findings.push(...approvals.findings);
  const evaluated: EvaluatedRule[] = [...input.risk.evaluated];
  evaluated.push(
    ...approvalRuleOutcomes(policy, proposal.type, facts, raci ? proposal.domain : undefined, {
      demands,
      required: approvals.required,
      requireApprovals: input.requireApprovals === true,
    }),
  );
  // why: a hold is an error like any refusal, so the proposal fails and apply refuses it.
  findings.push(...holdFindings(standingHolds(approvalInput), () => where(subject, ['id'])));

  const autonomy = requesterTeam ? classifyAutonomy(policy, requesterTeam.name, facts) : undefined;

  evaluated.push(
    ...runCustomRules(
      policy,
      subject,
      {
        windows: input.windows ?? input.windowVerdict.overlapping,
        at: input.at,
        windowsOpen: input.windowVerdict.open,
        ...(typeVerdict.retrospectiveDue ? { retrospectiveDue: new Date(typeVerdict.retrospectiveDue) } : {}),
      },
      effective,
      findings,
    ),
  );

  return {
    risk: { declared: input.risk.declared, effective, reasons: input.risk.reasons },
    approvals: { required: approvals.required, satisfied: approvals.satisfied },
    ...(autonomy ? { autonomy } : {}),
    ...(typeVerdict.retrospectiveDue ? { retrospectiveDue: typeVerdict.retrospectiveDue } : {}),
    findings,
    evaluated,
  };
}

/**
 * The approval rules that applied to the change (their `when` matched), each `passed` when every
 * approval it asks for was given, else `failed` (approvals required) or `pending`.
 * why: requirements from several rules on the same teams merge into one (the higher count); a rule
 * is satisfied when the merged requirement's approvers reach the rule's own count.
 */
function approvalRuleOutcomes(
  policy: CompiledChangeControlPolicy,
  type: ChangeType,
  facts: MatchFacts,
  domain: string | undefined,
  evaluated: {
    demands: readonly ApprovalDemand[];
    required: readonly ApprovalRequirement[];
    requireApprovals: boolean;
  },
): EvaluatedRule[] {
  const outcomes: EvaluatedRule[] = [];
  policy.approvalRules.forEach(({ rule }, index) => {
    if (type === 'standard' && !rule.when?.types?.includes('standard')) return;
    if (!matches(rule.when, facts)) return;
    const satisfied = rule.require.every((requirement) => {
      const request: ApprovalRequest = {
        ...(requirement.role !== undefined ? { role: requirement.role } : { team: requirement.team }),
        count: requirement.count ?? 1,
        reason: '',
      };
      const teams = teamsForRequest(policy, request, domain);
      if (teams.length === 0) return false;
      const at = evaluated.demands.findIndex((demand) => sameTeams(demand.teams, teams));
      const given = at === -1 ? undefined : evaluated.required[at];
      return given !== undefined && given.approvedBy.length >= request.count;
    });
    outcomes.push({
      kind: 'approval-rule',
      rule: rule.name ?? `approvals[${index}]`,
      outcome: satisfied ? 'passed' : evaluated.requireApprovals ? 'failed' : 'pending',
      ...(rule.control ? { control: rule.control } : {}),
    });
  });
  return outcomes;
}

function sameTeams(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((team) => b.includes(team));
}

const demandCache = new WeakMap<CompiledChangeControlPolicy, Map<string, readonly ApprovalDemand[]>>();

/**
 * The approvals the policy itself demands for a type, template, effective risk and domain.
 * why: cached per policy; thousands of proposals share a handful of these combinations.
 */
function policyDemands(
  policy: CompiledChangeControlPolicy,
  type: ChangeType,
  template: string | undefined,
  facts: MatchFacts,
): readonly ApprovalDemand[] {
  let cache = demandCache.get(policy);
  if (!cache) {
    cache = new Map();
    demandCache.set(policy, cache);
  }
  const key = `${type}|${template ?? ''}|${facts.risk}|${facts.domain}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const requests: ApprovalRequest[] = [];
  if (type === 'standard') {
    requests.push({
      role: 'responsible',
      count: 1,
      reason: `standard change${template ? ` (template ${template})` : ''}: pre-approved, one review from the responsible team`,
    });
  }
  for (const { rule } of policy.approvalRules) {
    // why: standard changes are pre-approved; a rule applies to them only when it says so.
    if (type === 'standard' && !rule.when?.types?.includes('standard')) continue;
    if (!matches(rule.when, facts)) continue;
    const label = rule.name ?? describeMatch(rule.when);
    for (const requirement of rule.require) {
      requests.push({
        ...(requirement.role !== undefined ? { role: requirement.role } : { team: requirement.team }),
        count: requirement.count ?? 1,
        reason:
          requirement.role !== undefined
            ? `the ${requirement.role} team for ${facts.domain}; ${label}`
            : label,
      });
    }
  }
  const demands = demandsFor(policy, requests, policy.raci.has(facts.domain) ? facts.domain : undefined);
  cache.set(key, demands);
  return demands;
}

function checkChangeType(
  policy: CompiledChangeControlPolicy,
  subject: ChangeSubject,
  input: ChangeControlInput,
  findings: Finding[],
): { retrospectiveDue?: string } {
  const proposal = subject.proposal;
  const fail = (message: string, path: readonly (string | number)[], hint: string): void => {
    findings.push({
      ruleId: 'change-type',
      policy: proposal.type,
      severity: 'error',
      message,
      hint,
      ...where(subject, path),
    });
  };
  switch (proposal.type) {
    case 'standard': {
      const standard = policy.standard;
      if (!standard) {
        fail(
          'the change-control policy allows no standard changes',
          ['type'],
          `Make it a normal change, or list templates under changeTypes.standard in ${policy.file}.`,
        );
        return {};
      }
      if (proposal.template === undefined) {
        fail(
          'a standard change must name its pre-approved template',
          ['type'],
          `Add template: one of ${standard.templates.join(', ')}.`,
        );
      } else if (!standard.templates.includes(proposal.template)) {
        fail(
          `template '${proposal.template}' is not a pre-approved standard change`,
          ['template'],
          `Pre-approved templates: ${standard.templates.join(', ') || 'none'}. Otherwise make it a normal change.`,
        );
      }
      const effective = input.risk.effective;
      if (RISK_ORDER.indexOf(effective) > RISK_ORDER.indexOf(standard.maxRisk)) {
        const why = input.risk.reasons.length > 0 ? ` (${input.risk.reasons.join('; ')})` : '';
        fail(
          `standard changes may carry at most ${standard.maxRisk} risk; this one is ${effective}${why}`,
          ['risk'],
          'Make it a normal change so it gets the reviews its risk needs.',
        );
      }
      return {};
    }
    case 'normal': {
      if (!policy.leadTime) return {};
      // why: at apply time the notice was given when the change was requested, not now.
      const noticeFrom = (input.requestedAt ?? input.at).getTime();
      const earliest = addInZone(policy.leadTime, noticeFrom, subject.timezone);
      if (subject.startMs < earliest) {
        const from = display(noticeFrom, subject.timezone);
        // why: at apply (and in its rehearsal at another --at), "passed" would be judged against the
        // request, not the instant shown, so the message names the request.
        const requested = input.requestedAt ? ', when it was requested' : '';
        const short =
          subject.startMs >= noticeFrom
            ? `less than ${describeDuration(policy.leadTime)} after ${from}${requested}`
            : input.requestedAt
              ? `before it was requested, ${from}`
              : 'which has passed';
        fail(
          `normal changes need ${describeDuration(policy.leadTime)} notice: this one starts ${display(subject.startMs, subject.timezone)}, ${short}`,
          ['schedule', 'start'],
          `Start at ${display(earliest, subject.timezone)} or later, or raise it as an emergency change with its incident.`,
        );
      }
      return {};
    }
    case 'emergency': {
      if (policy.emergency.requireIncident && !namesIncident(proposal)) {
        fail(
          'an emergency change must name its incident',
          ['type'],
          'Add incident: the incident number (e.g. INC-0042), or make it a normal change.',
        );
      }
      const within = policy.emergency.retrospectiveWithin;
      if (!within) return {};
      const due = addInZone(within, subject.startMs, subject.timezone);
      const retrospectiveDue = utc(due);
      findings.push({
        ruleId: 'change-type',
        policy: 'emergency',
        severity: 'note',
        message: `emergency change: a retrospective review is due by ${display(due, subject.timezone)}`,
        hint: `The policy asks for a retrospective within ${describeDuration(within)} of the start.`,
        ...where(subject, ['type']),
      });
      return { retrospectiveDue };
    }
  }
}

/** The co-managed playbook: escalate, then needs input, then autonomous; no match means needs input. */
export function classifyAutonomy(
  policy: CompiledChangeControlPolicy,
  team: string,
  facts: MatchFacts,
): AutonomyVerdict | undefined {
  if (!policy.autonomy.has(team)) return undefined;
  let cache = autonomyCache.get(policy);
  if (!cache) {
    cache = new Map();
    autonomyCache.set(policy, cache);
  }
  const key = `${team}|${facts.type}|${facts.risk}|${facts.domain}`;
  let verdict = cache.get(key);
  if (!verdict) {
    verdict = computeAutonomy(policy, team, facts);
    cache.set(key, verdict);
  }
  // why: a copy, so a caller that edits its report cannot change another proposal's verdict.
  return { ...verdict };
}

type AutonomyVerdict = { team: string; class: AutonomyClass; message: string };

const autonomyCache = new WeakMap<CompiledChangeControlPolicy, Map<string, AutonomyVerdict>>();

function computeAutonomy(
  policy: CompiledChangeControlPolicy,
  team: string,
  facts: MatchFacts,
): AutonomyVerdict {
  const playbook = policy.autonomy.get(team)!;
  const display = (name: string): string => policy.teams.get(name)?.displayName ?? name;
  const accountable = policy.raci.get(facts.domain)?.accountable;
  const others = (names: readonly (string | undefined)[]): string[] => [
    ...new Set(names.filter((name): name is string => name !== undefined && name !== team)),
  ];
  const boards = [...policy.teams.values()]
    .filter((entry) => entry.kind === 'board')
    .map((entry) => entry.name);

  if (playbook.escalate && matches(playbook.escalate, facts)) {
    const to = playbook.escalateTo ?? others([accountable, ...boards]);
    return {
      team,
      class: 'escalate',
      message: `escalate to ${listWords(to.map(display)) || 'the accountable team'}`,
    };
  }
  const needsInput = playbook.needsInput !== undefined && matches(playbook.needsInput, facts);
  const alone = playbook.autonomous !== undefined && matches(playbook.autonomous, facts);
  if (needsInput || !alone) {
    const from =
      playbook.inputFrom ??
      others([accountable, ...(policy.raci.get(facts.domain)?.consulted ?? [])]).slice(0, 1);
    return {
      team,
      class: 'needs-input',
      message: `needs ${listWords(from.map(display)) || 'another team\u2019s'} input`,
    };
  }
  return { team, class: 'autonomous', message: `${display(team)} may run this alone` };
}

/** Runs the custom rules, adding their findings; returns the rules that applied (their `when` held). */
function runCustomRules(
  policy: CompiledChangeControlPolicy,
  subject: ChangeSubject,
  context: RiskContext,
  risk: Risk,
  findings: Finding[],
): EvaluatedRule[] {
  if (policy.customRules.length === 0) return [];
  const evaluated: EvaluatedRule[] = [];
  const activation = celActivation(subject, context, risk);
  for (const rule of policy.customRules) {
    const control = rule.control ? { control: rule.control } : {};
    const applied = (outcome: EvaluatedRule['outcome']): void => {
      evaluated.push({ kind: 'rule', rule: rule.name, outcome, ...control });
    };
    if (rule.when) {
      const selected = runCel(rule.when, activation);
      if (typeof selected !== 'boolean') {
        findings.push(unusableRule(subject, rule, 'when', selected.problem));
        applied('warned');
        continue;
      }
      if (!selected) continue;
    }
    const holds = runCel(rule.assert, activation);
    if (typeof holds !== 'boolean') {
      findings.push(unusableRule(subject, rule, 'assert', holds.problem));
      applied('warned');
      continue;
    }
    if (holds) {
      applied('passed');
      continue;
    }
    findings.push({
      ruleId: 'rule',
      policy: rule.name,
      severity: rule.severity,
      message: elide(rule.message, MAX_MESSAGE_LENGTH),
      detail: rule.detail,
      file: subject.file,
      ...subject.locate(rule.proposalPath),
      ...control,
    });
    applied(rule.severity === 'error' ? 'failed' : 'warned');
  }
  return evaluated;
}

function unusableRule(
  subject: ChangeSubject,
  rule: CompiledCustomRule,
  what: 'when' | 'assert',
  error: string,
): Finding {
  return {
    ruleId: 'rule',
    policy: rule.name,
    severity: 'warning',
    message: `rule ${rule.name} could not be evaluated for this proposal (${what}): ${error}`,
    hint: `Guard optional fields with has(), e.g. has(proposal.rollback) && ... (${rule.file}:${rule.line}).`,
    file: subject.file,
    ...subject.locate([]),
    ...(rule.control ? { control: rule.control } : {}),
  };
}

const instantsAfter = new WeakMap<Temporal.Duration, Map<string, number>>();

/**
 * `epochMs` + `duration` in `timezone` (calendar days: P2D across a DST change is two local days).
 * why: memoised, because the proposals of a run share `--at` and mostly their zone, and Temporal
 * arithmetic was the most expensive step of evaluating a proposal.
 */
function addInZone(duration: Temporal.Duration, epochMs: number, timezone: string): number {
  let byInstant = instantsAfter.get(duration);
  if (!byInstant) {
    byInstant = new Map();
    instantsAfter.set(duration, byInstant);
  }
  const key = `${epochMs}|${timezone}`;
  let result = byInstant.get(key);
  if (result === undefined) {
    result = addCalendarDuration(duration, epochMs, timezone);
    if (byInstant.size > 10_000) byInstant.clear();
    byInstant.set(key, result);
  }
  return result;
}

/** File and position of a proposal field, for a finding. */
function where(
  subject: ChangeSubject,
  path: readonly (string | number)[],
): { file: string; line: number; column: number } {
  return { file: subject.file, ...subject.locate(path) };
}

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** A time in the one display format for people, in the change's zone. */
function display(epochMs: number, zone: string | undefined): string {
  return formatLocalAndUtc(epochMs, zone);
}

function utc(epochMs: number): string {
  return toRfc3339Utc(epochMs);
}
