/**
 * Approval requirements and their evaluation: who must approve, whose approvals count, who still can.
 */
import { isScalar, isSeq } from 'yaml';
import type { Finding } from '../core/findings.js';
import type {
  Approval,
  ApprovalRequest,
  ApprovalRequirement,
  ChangeType,
  Hold,
  RaciRole,
  Risk,
  TeamKind,
} from '../core/model.js';
import { HOLD_POLICY } from '../core/review-state.js';
import type { ControlMatch } from '../core/schema-types.generated.js';
import { parseYaml, type YamlDocument } from '../documents/parse-yaml.js';
import type { CompiledChangeControlPolicy } from './compile-policy.js';

/** An approval request with the teams whose members may satisfy it. */
export interface ApprovalDemand {
  /** The request as reported (team and/or role, count, reason). */
  request: ApprovalRequest;
  /** Teams whose members' approvals count. */
  teams: string[];
}

/** Who asks, and which approvals there are, for one evaluation. */
export interface ApprovalInput {
  /** GitHub login of the requester (their approval never counts under separation of duties). */
  requester?: string;
  /** GitHub login of the implementer, when the proposal names one (their approval never counts either). */
  implementer?: string;
  /** Approvals given. */
  approvals: readonly Approval[];
  /** The commit being evaluated; approvals of another commit do not count. */
  commit?: string;
  /** Team members resolved outside the policy (GitHub teams), added to the policy's lists. */
  members?: ReadonlyMap<string, readonly string[]>;
  /**
   * The proposal id being evaluated: approvals scoped to another proposal do not count, and a
   * reviewer's approvals do not count for a proposal they hold. Absent (a policy change): only
   * approvals of the whole pull request count.
   */
  proposal?: string;
}

/** The facts a `when` match looks at. */
export interface MatchFacts {
  type: ChangeType;
  risk: Risk;
  domain: string;
}

/** True when every key the match gives matches (AND), each by any of its values (OR). */
export function matches(match: ControlMatch | undefined, facts: MatchFacts): boolean {
  if (!match) return true;
  if (match.types && !match.types.includes(facts.type)) return false;
  if (match.risks && !match.risks.includes(facts.risk)) return false;
  if (match.domains && !match.domains.includes(facts.domain)) return false;
  return true;
}

/** The teams a request names: its team, or the team(s) holding its RACI role in `domain`. */
export function teamsForRequest(
  policy: CompiledChangeControlPolicy,
  request: ApprovalRequest,
  domain: string | undefined,
): string[] {
  if (request.team !== undefined) return [request.team];
  if (request.role === undefined || domain === undefined) return [];
  const entry = policy.raci.get(domain);
  if (!entry) return [];
  return teamsInRole(entry, request.role);
}

function teamsInRole(
  entry: { responsible: string; accountable: string; consulted?: string[]; informed?: string[] },
  role: RaciRole,
): string[] {
  switch (role) {
    case 'responsible':
      return [entry.responsible];
    case 'accountable':
      return [entry.accountable];
    case 'consulted':
      return entry.consulted ?? [];
    case 'informed':
      return entry.informed ?? [];
  }
}

/** Turns requests into demands, resolving roles against the domain and merging ones that ask the same people. */
export function demandsFor(
  policy: CompiledChangeControlPolicy,
  requests: readonly ApprovalRequest[],
  domain: string | undefined,
): ApprovalDemand[] {
  const demands: ApprovalDemand[] = [];
  for (const request of requests) {
    const teams = teamsForRequest(policy, request, domain);
    addDemand(demands, { request: withTeam(request, teams), teams });
  }
  return demands;
}

function withTeam(request: ApprovalRequest, teams: readonly string[]): ApprovalRequest {
  if (request.team !== undefined || teams.length !== 1) return request;
  return { team: teams[0]!, ...request };
}

/**
 * Adds a demand, merging it into an earlier one that asks the same teams: the higher count wins
 * and both reasons are kept (why: "accountable" and "team netops" are the same people for sdwan).
 */
export function addDemand(demands: ApprovalDemand[], demand: ApprovalDemand): void {
  const key = teamsKey(demand.teams);
  const index = key === '' ? -1 : demands.findIndex((candidate) => teamsKey(candidate.teams) === key);
  const existing = demands[index];
  if (!existing) {
    demands.push(demand);
    return;
  }
  // why: replaced, never mutated, so demand lists can be cached and shared between proposals.
  demands[index] = {
    teams: existing.teams,
    request: {
      ...existing.request,
      count: Math.max(existing.request.count, demand.request.count),
      reason: existing.request.reason.includes(demand.request.reason)
        ? existing.request.reason
        : `${existing.request.reason}; ${demand.request.reason}`,
    },
  };
}

function teamsKey(teams: readonly string[]): string {
  return teams.length === 1 ? teams[0]! : [...teams].sort().join(',');
}

/** The cross-team demand for a requester of `kind`, unless another demand already implies it. */
export function crossTeamDemand(
  policy: CompiledChangeControlPolicy,
  requesterTeam: string,
  kind: TeamKind,
  demands: readonly ApprovalDemand[],
): ApprovalDemand | undefined {
  const needed = crossTeamKinds(policy, kind);
  if (!needed) return undefined;
  const reason =
    kind === 'internal'
      ? `cross-team: ${requesterTeam} is an internal team, so a partner or board member must approve`
      : `cross-team: ${requesterTeam} is a ${kind} team, so a member of an internal team must approve`;
  const teams = teamsOfKinds(policy, needed);
  // why: a demand on one of these teams already forces an approval from the other side.
  let implied = false;
  for (const demand of demands) {
    if (demand.teams.length === 0 || demand.request.count === 0) continue;
    let inside = true;
    for (const team of demand.teams) if (!teams.includes(team)) inside = false;
    if (inside) implied = true;
  }
  if (implied) return undefined;
  const request: ApprovalRequest = {
    count: 1,
    reason: `${reason} (${teams.join(', ') || 'no such team is defined'})`,
  };
  return { request: teams.length === 1 ? { team: teams[0]!, ...request } : request, teams };
}

/**
 * The teams a change by `requesterTeam` needs a cross-team approval from, in policy order; empty when
 * the policy asks none (or the team is unknown). Reports name them where a demand has no one team.
 */
export function crossTeamApprovers(policy: CompiledChangeControlPolicy, requesterTeam: string): string[] {
  const kind = policy.teams.get(requesterTeam)?.kind;
  const needed = kind === undefined ? undefined : crossTeamKinds(policy, kind);
  return needed ? teamsOfKinds(policy, needed) : [];
}

/** The kinds of team a requester of `kind` needs an approval from, or undefined when the policy asks none. */
function crossTeamKinds(policy: CompiledChangeControlPolicy, kind: TeamKind): TeamKind[] | undefined {
  if (kind === 'internal') return policy.crossTeam.internalChanges ? ['partner', 'board'] : undefined;
  return policy.crossTeam.partnerChanges ? ['internal'] : undefined;
}

const kindTeams = new WeakMap<CompiledChangeControlPolicy, Map<string, string[]>>();

/** Names of the policy's teams of the given kinds, in policy order (cached per policy). */
function teamsOfKinds(policy: CompiledChangeControlPolicy, kinds: readonly TeamKind[]): string[] {
  let cache = kindTeams.get(policy);
  if (!cache) {
    cache = new Map();
    kindTeams.set(policy, cache);
  }
  const key = kinds.join(',');
  let teams = cache.get(key);
  if (!teams) {
    teams = [...policy.teams.values()].filter((team) => kinds.includes(team.kind)).map((team) => team.name);
    cache.set(key, teams);
  }
  return teams;
}

/** Members of a team: the policy's list plus those resolved elsewhere (GitHub), de-duplicated. */
export function membersOf(
  policy: CompiledChangeControlPolicy,
  team: string,
  members: ReadonlyMap<string, readonly string[]> | undefined,
): string[] {
  const listed = policy.teams.get(team)?.members ?? [];
  const resolved = members?.get(team) ?? [];
  const seen = new Set<string>();
  const result: string[] = [];
  for (const login of [...listed, ...resolved]) {
    const key = login.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      result.push(login);
    }
  }
  return result;
}

const policyCandidates = new WeakMap<CompiledChangeControlPolicy, Map<string, [string, string][]>>();

/**
 * The people who may satisfy a demand on `teams`, as [lower-case login, login as written] pairs.
 * why: cached per policy when no outside member lists are given; every proposal asks the same teams.
 */
export function candidatesFor(
  policy: CompiledChangeControlPolicy,
  teams: readonly string[],
  members: ReadonlyMap<string, readonly string[]> | undefined,
): [string, string][] {
  const compute = (): [string, string][] => {
    const all = teams.flatMap((team) => membersOf(policy, team, members));
    return [...new Map(all.map((login) => [login.toLowerCase(), login])).entries()];
  };
  if (members) return compute();
  let cache = policyCandidates.get(policy);
  if (!cache) {
    cache = new Map();
    policyCandidates.set(policy, cache);
  }
  const key = teamsKey(teams);
  let candidates = cache.get(key);
  if (!candidates) {
    candidates = compute();
    cache.set(key, candidates);
  }
  return candidates;
}

/** True when two commit ids name the same commit (either may be abbreviated, 7+ characters). */
export function sameCommit(a: string, b: string): boolean {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  if (left.length < 7 || right.length < 7) return left === right;
  return left.startsWith(right) || right.startsWith(left);
}

/**
 * Evaluates demands against approvals: distinct users; under separation of duties neither the
 * requester's nor the implementer's own approval counts; an approval recorded for another commit
 * does not count when both commits are known. Notes explain approvals that were not counted.
 */
export function evaluateDemands(
  policy: CompiledChangeControlPolicy,
  demands: readonly ApprovalDemand[],
  input: ApprovalInput,
  // why: a function, so a proposal that needs no finding never pays for its position (a full parse).
  where: () => Pick<Finding, 'file' | 'line' | 'column'>,
): { required: ApprovalRequirement[]; satisfied: boolean; findings: Finding[] } {
  const requester = input.requester?.toLowerCase();
  const implementer = input.implementer?.toLowerCase();
  // why: under separation of duties, who asked for the change and who carries it out cannot approve it.
  const separates = policy.separationOfDuties;
  const counted = new Map<string, string>();
  const stale = new Map<string, string>();
  const selfApproved = new Set<string>();
  const holders = new Set(standingHolds(input).map((hold) => hold.user.toLowerCase()));
  for (const approval of input.approvals) {
    if (!countsFor(approval, input.proposal)) continue;
    const login = approval.user.toLowerCase();
    // why: "approve the pull request but hold CHG-0149" must not count that reviewer for CHG-0149.
    if (holders.has(login)) continue;
    if (
      input.commit !== undefined &&
      approval.commit !== undefined &&
      !sameCommit(input.commit, approval.commit)
    ) {
      stale.set(login, approval.commit);
      continue;
    }
    if (separates && (login === requester || login === implementer)) {
      selfApproved.add(login === requester ? (input.requester ?? login) : (input.implementer ?? login));
      continue;
    }
    if (!counted.has(login)) counted.set(login, approval.user);
  }

  // why: plain loops, no closures: this runs for every requirement of every proposal.
  const required: ApprovalRequirement[] = [];
  let satisfied = true;
  for (const demand of demands) {
    const approvedBy: string[] = [];
    const eligible: string[] = [];
    for (const [login, display] of candidatesFor(policy, demand.teams, input.members)) {
      const approver = counted.get(login);
      if (approver !== undefined) approvedBy.push(approver);
      else if (!(separates && (login === requester || login === implementer))) eligible.push(display);
    }
    approvedBy.sort();
    eligible.sort();
    const requirement: ApprovalRequirement = {
      ...demand.request,
      approvedBy,
      satisfied: approvedBy.length >= demand.request.count,
      eligible,
    };
    if (!requirement.satisfied) satisfied = false;
    required.push(requirement);
  }

  const findings: Finding[] = [];
  for (const login of selfApproved) {
    const implementing = login.toLowerCase() !== requester;
    findings.push({
      ruleId: 'approval',
      severity: 'note',
      message: implementing
        ? `${login}'s approval does not count: ${login} implements the change and the policy separates duties`
        : `${login}'s own approval does not count: the policy separates duties`,
      hint: 'Ask someone else from the required teams to approve: an approver is neither the requester nor the implementer.',
      ...where(),
    });
  }
  const staleUsers = [...stale.keys()].filter((login) => !counted.has(login));
  if (staleUsers.length > 0 && input.commit !== undefined) {
    findings.push({
      ruleId: 'approval',
      severity: 'note',
      message: `approval${staleUsers.length > 1 ? 's' : ''} by ${staleUsers.join(', ')} ${staleUsers.length > 1 ? 'were' : 'was'} given for another commit than ${input.commit.slice(0, 12)} and do${staleUsers.length > 1 ? '' : 'es'} not count`,
      hint: 'Approvals hold for the reviewed commit only; ask them to review the latest commit.',
      ...where(),
    });
  }
  return { required, satisfied, findings };
}

/** True when an approval (not a hold) applies to `proposal`: it names it, or names no proposal. */
function countsFor(approval: Approval, proposal: string | undefined): boolean {
  if (approval.hold) return false;
  return approval.proposal === undefined || approval.proposal === proposal;
}

/** The holds on `input.proposal` given for the evaluated commit (or with no commit recorded). */
export function standingHolds(input: ApprovalInput): Hold[] {
  if (input.proposal === undefined) return [];
  const holds: Hold[] = [];
  const seen = new Set<string>();
  for (const approval of input.approvals) {
    if (!approval.hold || approval.proposal !== input.proposal) continue;
    if (
      input.commit !== undefined &&
      approval.commit !== undefined &&
      !sameCommit(input.commit, approval.commit)
    )
      continue;
    const login = approval.user.toLowerCase();
    if (seen.has(login)) continue;
    seen.add(login);
    holds.push({
      user: approval.user,
      proposal: approval.proposal,
      ...(approval.commit ? { commit: approval.commit } : {}),
      ...(approval.at ? { at: approval.at } : {}),
    });
  }
  return holds;
}

/** The error finding for each hold: it blocks the proposal (and apply) until lifted. */
export function holdFindings(
  holds: readonly Hold[],
  where: () => Pick<Finding, 'file' | 'line' | 'column'>,
): Finding[] {
  return holds.map((hold) => ({
    ruleId: 'approval',
    severity: 'error',
    policy: HOLD_POLICY,
    message: `held by ${hold.user}`,
    hint: `${hold.user} lifts it with a later review without /netchange hold ${hold.proposal} (an approving review, or /netchange approve ${hold.proposal}).`,
    ...where(),
  }));
}

/**
 * A warning for every approval or hold naming a proposal that is not among `known` (the proposals
 * of the run), so a typo in `/netchange hold CHG-2026-0194` is never silently ignored.
 */
export function unknownProposalFindings(
  approvals: readonly Approval[],
  known: ReadonlySet<string>,
  file: string,
): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const approval of approvals) {
    if (approval.proposal === undefined || known.has(approval.proposal)) continue;
    const verb = approval.hold ? 'hold' : 'approve';
    const key = `${approval.user}\u0000${verb}\u0000${approval.proposal}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push({
      ruleId: 'approval',
      severity: 'warning',
      message: `${approval.user}'s ${verb} of ${approval.proposal} names no proposal here, so it does nothing`,
      hint: `Check the id; proposals here: ${[...known].sort().join(', ') || 'none'}.`,
      file,
    });
  }
  return findings;
}

/** "high-risk normal changes in firewall" — what an approval rule's `when` covers, in words. */
export function describeMatch(match: ControlMatch | undefined): string {
  if (!match || (!match.types && !match.risks && !match.domains)) return 'every change';
  const risks = match.risks ? `${match.risks.join('/')}-risk ` : '';
  const types = match.types ? `${match.types.join('/')} ` : '';
  const domains = match.domains ? ` in ${match.domains.join(', ')}` : '';
  return `${risks}${types}changes${domains}`;
}

/**
 * A scalar as it was written, when YAML read it as a number: `commit: 1234567` (an abbreviated sha
 * of decimal digits), `commit: 12e4567` (one that reads as a float) or `user: 12345`. why the source text, not
 * String(value): `0123456` reads as 123456 and `12e4567` as Infinity, which name no commit.
 */
function writtenText(document: YamlDocument, path: (string | number)[], value: unknown): unknown {
  if (typeof value !== 'number' && typeof value !== 'bigint') return value;
  const root = document.root;
  const node = isSeq(root) ? root.getIn(path, true) : undefined;
  return isScalar(node) && typeof node.source === 'string' ? node.source : value;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const COMMIT = /^[0-9a-fA-F]{7,64}$/;

/** A commit sha as approvals and `--commit` name it: 7 to 64 hex digits (abbreviated, SHA-1 or SHA-256). */
export function isCommitSha(value: string): boolean {
  return COMMIT.test(value);
}
// why: loose on purpose: the proposal schema owns the id format; this only rejects what cannot be one.
const PROPOSAL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Reads an `--approvals FILE`: a YAML or JSON list of `{user, proposal?, commit?, at?}` approvals and
 * `{user, proposal, hold: true, commit?, at?}` holds. Every problem is an `approval` finding with
 * the line; the entries that are well-formed are returned.
 */
export function loadApprovals(text: string, file: string): { approvals: Approval[]; findings: Finding[] } {
  // why: an approvals file is a list, so an empty one is told what a list entry looks like.
  const document = parseYaml(file, text, { expected: 'one approval per line, like "- {user: alice}"' });
  if (document.findings.length > 0) return { approvals: [], findings: document.findings };
  const findings: Finding[] = [];
  const problem = (message: string, path: (string | number)[], hint: string): void => {
    findings.push({
      ruleId: 'approval',
      severity: 'error',
      message,
      hint,
      file,
      ...document.positionOf(path),
    });
  };
  const value = document.value;
  if (!Array.isArray(value)) {
    problem(
      `the approvals file must be a list of approvals, not ${value === null || value === undefined ? 'an empty document' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`}`,
      [],
      'Write one entry per approval, e.g. "- {user: alice, commit: 3f2a9c1}".',
    );
    return { approvals: [], findings };
  }
  const approvals: Approval[] = [];
  value.forEach((entry: unknown, index) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      problem(`approval ${index + 1} must be a mapping with user`, [index], 'Write "- {user: alice}".');
      return;
    }
    const record = entry as Record<string, unknown>;
    const unknown = Object.keys(record).filter(
      (key) => !['user', 'proposal', 'hold', 'commit', 'at'].includes(key),
    );
    if (unknown.length > 0) {
      findings.push({
        ruleId: 'approval',
        severity: 'error',
        message: `unknown key '${unknown[0]}' in approval ${index + 1}`,
        hint: 'An approval has user, and optionally proposal, hold, commit and at.',
        file,
        ...document.keyPositionOf([index, unknown[0]!]),
      });
      return;
    }
    // why: a login of digits (GitHub allows them) reads as a number; the login is what was written.
    const user = writtenText(document, [index, 'user'], record.user);
    if (typeof user !== 'string' || !LOGIN.test(user)) {
      problem(
        `approval ${index + 1} needs user: a GitHub login`,
        [index, 'user'],
        'Write the approver\'s GitHub login, e.g. "user: alice".',
      );
      return;
    }
    const approval: Approval = { user };
    if (record.proposal !== undefined) {
      if (typeof record.proposal !== 'string' || !PROPOSAL_ID.test(record.proposal)) {
        problem(
          `approval ${index + 1}: proposal must be a proposal id`,
          [index, 'proposal'],
          'Write the id from the proposal file, e.g. "proposal: CHG-2026-0147".',
        );
        return;
      }
      approval.proposal = record.proposal;
    }
    if (record.hold !== undefined) {
      if (typeof record.hold !== 'boolean') {
        problem(`approval ${index + 1}: hold must be true or false`, [index, 'hold'], 'Write "hold: true".');
        return;
      }
      if (record.hold && approval.proposal === undefined) {
        problem(
          `approval ${index + 1}: a hold needs the proposal it holds`,
          [index, 'hold'],
          'Write e.g. "- {user: carol, proposal: CHG-2026-0149, hold: true}".',
        );
        return;
      }
      if (record.hold) approval.hold = true;
    }
    if (record.commit !== undefined) {
      const commit = writtenText(document, [index, 'commit'], record.commit);
      if (typeof commit !== 'string' || !isCommitSha(commit)) {
        problem(
          `approval ${index + 1}: commit must be a commit sha (7 to 64 hex digits)`,
          [index, 'commit'],
          'Copy the sha from `git rev-parse HEAD`.',
        );
        return;
      }
      approval.commit = commit;
    }
    if (record.at !== undefined) {
      const at = record.at;
      if (typeof at !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(Date.parse(at))) {
        problem(
          `approval ${index + 1}: at must be an RFC 3339 date-time`,
          [index, 'at'],
          'Write e.g. "at: 2026-11-28T09:00:00Z".',
        );
        return;
      }
      approval.at = at;
    }
    approvals.push(approval);
  });
  return { approvals, findings };
}
