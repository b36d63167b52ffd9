/**
 * Compiles policies/change-control.yaml once per run: schema, then the checks a schema cannot make
 * (teams that exist, members in one kind of team, durations, CEL that compiles), each with its line.
 */
import { Temporal } from 'temporal-polyfill';
import type { ControlReference, Finding, Severity } from '../core/findings.js';
import type { ApprovalRequest, Risk, TeamKind } from '../core/model.js';
import type {
  ApprovalRule,
  AutonomyPlaybook,
  ChangeControlPolicy,
  ControlMatch,
  RaciAssignment,
} from '../core/schema-types.generated.js';
import { formatLocalDay, parseCalendarDuration, startOfLocalDay } from '../core/time.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';
import { type CelExpression, compileCel, proposalPathOf } from './cel.js';

/** A team as the engine uses it. */
export interface CompiledTeam {
  /** The team's key in `teams`. */
  name: string;
  /** internal, partner or board. */
  kind: TeamKind;
  /** GitHub logins listed in the policy. */
  members: string[];
  /** GitHub team as org/slug, when given. */
  github?: string;
  /** How messages name the team ('the CAB'); the name when not given. */
  displayName: string;
}

/** A risk rule with its condition compiled. */
export interface CompiledRiskRule {
  /** The rule's name, or `risk.rules[N]`. */
  label: string;
  /** Compiled `when`. */
  when: CelExpression;
  /** The risk the rule raises a matching proposal to. */
  atLeast: Risk;
  /** Why, as the report shows it. */
  reason: string;
  /** Line of the rule in the policy file. */
  line: number;
  /** The file the rule is written in (a pack's or an extended file's when inherited). */
  file: string;
  /** The control the rule serves, when named. */
  control?: ControlReference;
}

/** A custom rule with its expressions compiled. */
export interface CompiledCustomRule {
  /** Rule name: the finding's `policy`. */
  name: string;
  /** Compiled `when`, when given. */
  when?: CelExpression;
  /** Compiled `assert`. */
  assert: CelExpression;
  /** The finding's message when the assertion fails. */
  message: string;
  /** The finding's severity. */
  severity: Severity;
  /** Line of the rule in the policy file. */
  line: number;
  /** The file the rule is written in (a pack's or an extended file's when inherited). */
  file: string;
  /** The proposal field the assertion reads first: where its finding points. */
  proposalPath: string[];
  /** The particulars of a failed assertion: rule name, file:line and CEL source (built once, not per proposal). */
  detail: string;
  /** The control the rule serves, when named. */
  control?: ControlReference;
}

/** A periodic review the CAB pack reminds the board of (`reviews` in the policy). */
export interface CompiledReview {
  /** The review's name. */
  name: string;
  /** How often it is due, as written (P6M). */
  every: string;
  /** `every`, parsed (calendar meaning: P6M is six calendar months). */
  interval: Temporal.Duration;
  /** Repository-relative files, directories or globs; a commit touching one counts as a review. */
  paths: string[];
  /** The day of the last review that changed no file (YYYY-MM-DD), when written. */
  lastReviewed?: string;
  /** Why the review is needed. */
  reason?: string;
  /** The control the review serves. */
  control?: ControlReference;
  /** Line of the review in the policy file. */
  line: number;
}

/** The change-control policy, checked and compiled: what the evaluation functions take. */
export interface CompiledChangeControlPolicy {
  /** Repository-relative path of the policy file. */
  file: string;
  /** The document as written (schema-valid). */
  source: ChangeControlPolicy;
  /** Teams by name. */
  teams: Map<string, CompiledTeam>;
  /** RACI entries by domain. */
  raci: Map<string, RaciAssignment>;
  /** Standard changes, when the policy allows them. */
  standard?: { templates: string[]; maxRisk: Risk };
  /** Minimum notice for normal changes. */
  leadTime?: Temporal.Duration;
  /** Emergency change rules, defaults applied. */
  emergency: { bypassWindows: boolean; requireIncident: boolean; retrospectiveWithin?: Temporal.Duration };
  /** Risk rules in policy order. */
  riskRules: CompiledRiskRule[];
  /** Approval rules in policy order, each with its line. */
  approvalRules: { rule: ApprovalRule; line: number }[];
  /** What a change to policies/ needs (defaults applied). */
  policyChangeApprovals: ApprovalRequest[];
  /** The requester's own approval never counts. */
  separationOfDuties: boolean;
  /** Cross-team approval per requesting side. */
  crossTeam: { partnerChanges: boolean; internalChanges: boolean };
  /** Teams that own policies/ (defaults applied). */
  policyOwners: string[];
  /** Teams whose approval of the head commit lets plan run a pull request's changed code (default: the policy owners). */
  codeReviewers: string[];
  /** The co-managed playbook per requesting team. */
  autonomy: Map<string, AutonomyPlaybook>;
  /** Custom rules in policy order. */
  customRules: CompiledCustomRule[];
  /** Periodic reviews in policy order (the CAB pack's reminders). */
  reviews: CompiledReview[];
}

/**
 * Validates and compiles the change-control policy. Every problem is a finding with the policy's
 * file and line (`schema`, or `policy` for the semantic checks); errors mean no `policy` comes back
 * and the CLI exits 2. CEL expressions compile here, once.
 */
export function compileChangeControlPolicy(document: YamlDocument): {
  policy?: CompiledChangeControlPolicy;
  findings: Finding[];
} {
  if (document.findings.length > 0) return { findings: [...document.findings] };
  const schemaFindings = validateDocument(document, 'ChangeControlPolicy');
  if (schemaFindings.length > 0) return { findings: schemaFindings };
  const source = document.value as ChangeControlPolicy;
  const findings: Finding[] = [];
  const report = (
    severity: Severity,
    message: string,
    at: DocumentPath,
    hint?: string,
    key = false,
  ): void => {
    const position = key ? document.keyPositionOf(at) : document.positionOf(at);
    findings.push({
      ruleId: 'policy',
      severity,
      message,
      ...(hint ? { hint } : {}),
      file: document.file,
      ...position,
    });
  };

  const teams = compileTeams(source, report);
  const teamNames = [...teams.keys()];
  const requireTeam = (name: string, at: DocumentPath, what: string): void => {
    if (!teams.has(name)) {
      report(
        'error',
        `${what} names team '${name}', which is not defined under teams`,
        at,
        teamHint(name, teamNames),
      );
    }
  };

  const raci = new Map<string, RaciAssignment>();
  for (const [domain, entry] of Object.entries(source.raci)) {
    if (!entry) continue;
    raci.set(domain, entry);
    requireTeam(entry.responsible, ['raci', domain, 'responsible'], `raci.${domain}.responsible`);
    requireTeam(entry.accountable, ['raci', domain, 'accountable'], `raci.${domain}.accountable`);
    for (const role of ['consulted', 'informed'] as const) {
      (entry[role] ?? []).forEach((team, index) => {
        requireTeam(team, ['raci', domain, role, index], `raci.${domain}.${role}`);
      });
    }
  }
  const knownDomain = (domain: string, at: DocumentPath): void => {
    if (!raci.has(domain)) {
      report(
        'warning',
        `'${domain}' is not a domain of the RACI, so this never matches`,
        at,
        `RACI domains: ${[...raci.keys()].join(', ')}.`,
      );
    }
  };
  const checkMatch = (match: ControlMatch | undefined, at: DocumentPath): void => {
    match?.domains?.forEach((domain, index) => {
      knownDomain(domain, [...at, 'domains', index]);
    });
  };

  const types = source.changeTypes ?? {};
  const duration = (text: string | undefined, at: DocumentPath): Temporal.Duration | undefined => {
    if (text === undefined) return undefined;
    const parsed = parseDuration(text);
    if (!parsed) {
      report(
        'error',
        `'${text}' is not a valid positive ISO 8601 duration`,
        at,
        'Write a duration such as P2D (two days) or PT4H (four hours).',
      );
    } else if (longerThanPolicyAllows(parsed)) {
      report('error', `'${text}' is longer than ${MAX_POLICY_DURATION}`, at, LONG_DURATION_HINT);
      return undefined;
    }
    return parsed;
  };
  const leadTime = duration(types.normal?.leadTime, ['changeTypes', 'normal', 'leadTime']);
  const retrospectiveWithin = duration(types.emergency?.retrospectiveWithin, [
    'changeTypes',
    'emergency',
    'retrospectiveWithin',
  ]);

  const compileExpression = (text: string, at: DocumentPath, what: string): CelExpression | undefined => {
    const compiled = compileCel(text);
    if (compiled.error !== undefined) {
      report('error', `${what} is not a valid CEL boolean expression: ${compiled.error}`, at, CEL_HINT);
      return undefined;
    }
    return compiled.expression;
  };

  const riskRules: CompiledRiskRule[] = [];
  (source.risk?.rules ?? []).forEach((rule, index) => {
    const label = rule.name ?? `risk.rules[${index}]`;
    const when = compileExpression(rule.when, ['risk', 'rules', index, 'when'], `risk rule ${label}: when`);
    if (when) {
      const where = document.positionOf(['risk', 'rules', index]);
      riskRules.push({
        label,
        when,
        atLeast: rule.atLeast,
        reason: rule.reason,
        line: where.line,
        file: where.file ?? document.file,
        ...(rule.control ? { control: rule.control } : {}),
      });
    }
  });

  const approvalRules: CompiledChangeControlPolicy['approvalRules'] = [];
  (source.approvals ?? []).forEach((rule, index) => {
    rule.require.forEach((requirement, requirementIndex) => {
      if (requirement.team !== undefined) {
        requireTeam(
          requirement.team,
          ['approvals', index, 'require', requirementIndex, 'team'],
          `approvals[${index}]`,
        );
      }
    });
    checkMatch(rule.when, ['approvals', index, 'when']);
    approvalRules.push({ rule, line: document.positionOf(['approvals', index]).line });
  });

  (source.policyChanges?.approvals ?? []).forEach((requirement, index) => {
    if (requirement.role !== undefined) {
      report(
        'error',
        `policyChanges.approvals[${index}] names the role '${requirement.role}', but a policy change belongs to no domain`,
        ['policyChanges', 'approvals', index, 'role'],
        'Name a team instead, e.g. {team: netops, count: 1}.',
      );
    }
    if (requirement.team !== undefined) {
      requireTeam(
        requirement.team,
        ['policyChanges', 'approvals', index, 'team'],
        `policyChanges.approvals[${index}]`,
      );
    }
  });
  (source.policyOwners ?? []).forEach((team, index) => {
    requireTeam(team, ['policyOwners', index], 'policyOwners');
  });
  (source.codeReviewers ?? []).forEach((team, index) => {
    requireTeam(team, ['codeReviewers', index], 'codeReviewers');
  });

  const autonomy = new Map<string, AutonomyPlaybook>();
  for (const [team, entry] of Object.entries(source.autonomy ?? {})) {
    if (!entry) continue;
    if (!teams.has(team)) {
      report(
        'error',
        `autonomy is given for team '${team}', which is not defined under teams`,
        ['autonomy', team],
        teamHint(team, teamNames),
        true,
      );
      continue;
    }
    autonomy.set(team, entry);
    for (const key of ['inputFrom', 'escalateTo'] as const) {
      (entry[key] ?? []).forEach((name, index) => {
        requireTeam(name, ['autonomy', team, key, index], `autonomy.${team}.${key}`);
      });
    }
    for (const key of ['autonomous', 'needsInput', 'escalate'] as const)
      checkMatch(entry[key], ['autonomy', team, key]);
  }

  const customRules: CompiledCustomRule[] = [];
  const ruleNames = new Map<string, number>();
  (source.rules ?? []).forEach((rule, index) => {
    const previous = ruleNames.get(rule.name);
    if (previous !== undefined) {
      report(
        'error',
        `rule name '${rule.name}' is used twice (also rules[${previous}])`,
        ['rules', index, 'name'],
        'Give every rule its own name; findings are reported by it.',
      );
    }
    ruleNames.set(rule.name, index);
    const when =
      rule.when === undefined
        ? undefined
        : compileExpression(rule.when, ['rules', index, 'when'], `rule ${rule.name}: when`);
    const assertion = compileExpression(rule.assert, ['rules', index, 'assert'], `rule ${rule.name}: assert`);
    if (assertion && (rule.when === undefined || when)) {
      const where = document.positionOf(['rules', index]);
      const file = where.file ?? document.file;
      customRules.push({
        name: rule.name,
        ...(when ? { when } : {}),
        assert: assertion,
        message: rule.message,
        severity: rule.severity ?? 'error',
        line: where.line,
        file,
        proposalPath: proposalPathOf(rule.assert),
        detail: `rule ${rule.name}, ${file}:${where.line}: ${rule.assert}`,
        ...(rule.control ? { control: rule.control } : {}),
      });
    }
  });

  const reviews = compileReviews(source, report);

  if (findings.some((finding) => finding.severity === 'error')) return { findings };

  const accountableTeams = [...new Set([...raci.values()].map((entry) => entry.accountable))];
  const boards = [...teams.values()].filter((team) => team.kind === 'board').map((team) => team.name);
  const policyChangeApprovals: ApprovalRequest[] = source.policyChanges?.approvals
    ? source.policyChanges.approvals.map((requirement) => ({
        team: requirement.team ?? '',
        count: requirement.count ?? 1,
        reason: 'policyChanges: changes to the policies need this approval',
      }))
    : [...new Set([...accountableTeams, ...boards])].map((team) => ({
        team,
        count: 1,
        reason: `a change to the policies needs every accountable team and every board; ${team} is ${boards.includes(team) ? 'a board' : 'accountable for a domain'}`,
      }));
  const crossTeam =
    typeof source.crossTeam === 'object'
      ? {
          partnerChanges: source.crossTeam.partnerChanges ?? false,
          internalChanges: source.crossTeam.internalChanges ?? false,
        }
      : { partnerChanges: source.crossTeam === true, internalChanges: source.crossTeam === true };

  const policyOwners = source.policyOwners ?? [...new Set([...accountableTeams, ...boards])];
  const policy: CompiledChangeControlPolicy = {
    file: document.file,
    source,
    teams,
    raci,
    ...(types.standard
      ? { standard: { templates: types.standard.templates, maxRisk: types.standard.maxRisk ?? 'low' } }
      : {}),
    ...(leadTime ? { leadTime } : {}),
    emergency: {
      bypassWindows: types.emergency?.bypassWindows ?? false,
      requireIncident: types.emergency?.requireIncident ?? true,
      ...(retrospectiveWithin ? { retrospectiveWithin } : {}),
    },
    riskRules,
    approvalRules,
    policyChangeApprovals,
    // why: the safe default; a policy must say `separationOfDuties: false` to let people approve their own changes.
    separationOfDuties: source.separationOfDuties ?? true,
    crossTeam,
    policyOwners,
    codeReviewers: source.codeReviewers ?? policyOwners,
    autonomy,
    customRules,
    reviews: reviews.map((review) => ({
      ...review,
      line: document.positionOf(['reviews', review.index]).line,
    })),
  };
  return { policy, findings };
}

/**
 * A `lastReviewed` day that begins after `at` in `zone`, as a warning at its line. why: the CAB pack
 * does not count a review that has not happened yet (a typo such as 2030-01-01 would otherwise keep
 * it current for years); the pull request that writes the day is where its author should learn that.
 */
export function reviewsDatedAhead(
  document: YamlDocument,
  policy: CompiledChangeControlPolicy,
  at: Date,
  zone: string,
): Finding[] {
  const written = (document.value as ChangeControlPolicy).reviews ?? [];
  return policy.reviews.flatMap((review) => {
    const day = review.lastReviewed;
    const startMs = day === undefined ? undefined : startOfLocalDay(day, zone);
    if (startMs === undefined || startMs <= at.getTime()) return [];
    const index = written.findIndex((entry) => entry.name === review.name);
    return [
      {
        ruleId: 'policy' as const,
        severity: 'warning' as const,
        message: `review ${review.name}: lastReviewed ${day} is after today (${formatLocalDay(at.getTime(), zone)}), so the CAB pack does not count it until that day`,
        hint: 'Write the day the review took place; a day still ahead counts once it has come.',
        file: document.file,
        ...document.positionOf(['reviews', index, 'lastReviewed']),
      },
    ];
  });
}

/**
 * The policy's periodic reviews, checked: unique names, a real interval, a real `lastReviewed`
 * day, paths that stay inside the repository, and a way to be done (paths or lastReviewed).
 */
function compileReviews(
  source: ChangeControlPolicy,
  report: Report,
): (Omit<CompiledReview, 'line'> & { index: number })[] {
  const reviews: (Omit<CompiledReview, 'line'> & { index: number })[] = [];
  const names = new Map<string, number>();
  (source.reviews ?? []).forEach((review, index) => {
    const at = ['reviews', index] as const;
    const previous = names.get(review.name);
    if (previous !== undefined) {
      report(
        'error',
        `review name '${review.name}' is used twice (also reviews[${previous}])`,
        [...at, 'name'],
        'Give every review its own name; the CAB pack reminds the board of each by name.',
      );
      return;
    }
    names.set(review.name, index);
    const interval = parseDuration(review.every);
    if (!interval) {
      report(
        'error',
        `review ${review.name}: '${review.every}' is not a valid positive ISO 8601 duration`,
        [...at, 'every'],
        'Write how often the review is due, e.g. P6M (six months) or P1Y (a year).',
      );
    } else if (longerThanPolicyAllows(interval)) {
      report(
        'error',
        `review ${review.name}: '${review.every}' is longer than ${MAX_POLICY_DURATION}`,
        [...at, 'every'],
        LONG_DURATION_HINT,
      );
    }
    if (review.lastReviewed !== undefined && startOfLocalDay(review.lastReviewed, 'UTC') === undefined) {
      report(
        'error',
        `review ${review.name}: lastReviewed '${review.lastReviewed}' is not a calendar date`,
        [...at, 'lastReviewed'],
        'Write the day of the review as YYYY-MM-DD, e.g. 2026-06-15.',
      );
    }
    const paths = review.paths ?? [];
    if (paths.length === 0 && review.lastReviewed === undefined) {
      report(
        'error',
        `review ${review.name} names neither paths nor lastReviewed, so it can never be done`,
        [...at],
        'List the paths a review changes (the rule set, or a sign-off file such as reviews/nsc.md), or write lastReviewed: YYYY-MM-DD.',
      );
    }
    paths.forEach((entry, pathIndex) => {
      if (!isRepositoryPath(entry)) {
        report(
          'error',
          `review ${review.name}: '${entry}' is not a path inside the repository`,
          [...at, 'paths', pathIndex],
          'Write a repository-relative path or glob with / separators, e.g. playbooks/firewall/** (no .., no leading / or :).',
        );
      }
    });
    if (!interval) return;
    reviews.push({
      index,
      name: review.name,
      every: review.every,
      interval,
      paths,
      ...(review.lastReviewed !== undefined ? { lastReviewed: review.lastReviewed } : {}),
      ...(review.reason !== undefined ? { reason: review.reason } : {}),
      ...(review.control ? { control: review.control } : {}),
    });
  });
  return reviews;
}

/**
 * True for a repository-relative POSIX path or glob. why: the paths go to `git log` as pathspecs;
 * `..`, an absolute path or pathspec magic (`:(top)`, `:!`) could reach outside what was meant.
 */
function isRepositoryPath(entry: string): boolean {
  if (entry.startsWith('/') || entry.startsWith(':') || entry.includes('\\') || entry.includes('\0'))
    return false;
  return entry.split('/').every((segment) => segment !== '..');
}

const CEL_HINT =
  'Expressions see `proposal` (the proposal as written) and `context` (risk, inventoryGroups, deviceCount, windows), e.g. "\'core\' in proposal.targets.tags".';

type Report = (severity: Severity, message: string, at: DocumentPath, hint?: string, key?: boolean) => void;

function compileTeams(source: ChangeControlPolicy, report: Report): Map<string, CompiledTeam> {
  const teams = new Map<string, CompiledTeam>();
  // why: a person in both an internal and a partner team could satisfy cross-team approval alone.
  const kindOfUser = new Map<string, { team: string; kind: TeamKind }>();
  for (const [name, team] of Object.entries(source.teams)) {
    if (!team) continue;
    const members: string[] = [];
    const seen = new Set<string>();
    (team.members ?? []).forEach((member, index) => {
      const login = member.toLowerCase();
      if (seen.has(login)) {
        report(
          'error',
          `'${member}' is listed twice in team ${name}`,
          ['teams', name, 'members', index],
          'Remove the duplicate.',
        );
        return;
      }
      seen.add(login);
      members.push(member);
      const earlier = kindOfUser.get(login);
      if (earlier && conflictingKinds(earlier.kind, team.kind)) {
        report(
          'error',
          `'${member}' is in ${earlier.team} (${earlier.kind}) and in ${name} (${team.kind}); a person belongs to one side`,
          ['teams', name, 'members', index],
          'Keep the person in the team of the organisation that employs them; cross-team approval depends on it.',
        );
      } else if (!earlier || earlier.kind === 'board') {
        kindOfUser.set(login, { team: name, kind: team.kind });
      }
    });
    if (members.length === 0 && team.github === undefined) {
      report(
        'warning',
        `team ${name} has no members and no GitHub team, so nobody can approve for it`,
        ['teams', name],
        'List members (GitHub logins) or give github: org/slug.',
        true,
      );
    }
    teams.set(name, {
      name,
      kind: team.kind,
      members,
      ...(team.github ? { github: team.github } : {}),
      displayName: team.displayName ?? name,
    });
  }
  return teams;
}

function conflictingKinds(a: TeamKind, b: TeamKind): boolean {
  return (a === 'internal' && b === 'partner') || (a === 'partner' && b === 'internal');
}

function teamHint(name: string, known: readonly string[]): string {
  const suggestion = known.find(
    (team) => team.toLowerCase() === name.toLowerCase() || team.startsWith(name) || name.startsWith(team),
  );
  return suggestion
    ? `Did you mean '${suggestion}'? Teams: ${known.join(', ')}.`
    : `Define it under teams, or use one of: ${known.join(', ')}.`;
}

/**
 * The longest duration a change-control policy may give (lead time, retrospective, review interval).
 * why: P99999999D reaches past the dates a clock can hold, and the first proposal it was added to
 * crashed validate; no real notice or review period is longer than years.
 */
const MAX_POLICY_DURATION = 'P10Y';
const LONG_DURATION_HINT =
  'A policy duration is days, weeks or months, at most ten years (P10Y); a longer one is a typo.';
// why: years and months have no fixed length; measured from one fixed day, so the check is the same every day.
const MEASURED_FROM = '2000-01-01';

function longerThanPolicyAllows(duration: Temporal.Duration): boolean {
  try {
    return (
      Temporal.Duration.compare(duration, MAX_POLICY_DURATION, {
        relativeTo: MEASURED_FROM,
      }) > 0
    );
  } catch {
    // why: so long that even the comparison leaves the range dates can have.
    return true;
  }
}

/** Parses a positive ISO 8601 duration, or undefined. */
export function parseDuration(text: string): Temporal.Duration | undefined {
  // why: policy durations have the calendar meaning (P2D is two local days); see core/time.ts.
  const duration = parseCalendarDuration(text);
  return duration && duration.sign > 0 ? duration : undefined;
}

/** Human words for a duration: P2D → "2 days", PT36H → "36 hours". */
export function describeDuration(duration: Temporal.Duration): string {
  const parts: string[] = [];
  const units = [
    [duration.years, 'year'],
    [duration.months, 'month'],
    [duration.weeks, 'week'],
    [duration.days, 'day'],
    [duration.hours, 'hour'],
    [duration.minutes, 'minute'],
  ] as const;
  for (const [amount, unit] of units) {
    if (amount !== 0) parts.push(`${amount} ${unit}${Math.abs(amount) === 1 ? '' : 's'}`);
  }
  return parts.join(' ') || duration.toString();
}
