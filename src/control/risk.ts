import type { EvaluatedRule, Finding } from '../core/findings.js';
import { type ChangeSubject, RISK_ORDER, type Risk } from '../core/model.js';
import { touchedDevices } from '../core/targets.js';
import { type CelActivation, proposalForCel, runCel, toCelValue } from './cel.js';
import type { CompiledChangeControlPolicy } from './compile-policy.js';

/** The risk verdict: declared, effective (never lower) and why. */
export interface RiskAssessment {
  /** The risk the proposal declares. */
  declared: Risk;
  /** max(declared, every matching rule). */
  effective: Risk;
  /** The reasons of the matching rules, in policy order. */
  reasons: string[];
  /** `rule` warnings for rules that could not be evaluated against this proposal. */
  findings: Finding[];
  /**
   * The risk rules that applied: those whose condition held (`passed`: the change is judged at the
   * risk they ask for) and those that could not be evaluated (`warned`). A rule whose condition is
   * false did not apply.
   */
  evaluated: EvaluatedRule[];
}

/** Facts about a change that the proposal does not state itself. */
export interface RiskContext {
  /** Names of the windows whose occurrences the change overlaps. */
  windows: string[];
  /** The instant of evaluation (`--at`), never the clock read here: `context.at` in CEL. */
  at?: Date;
  /** Custom rules only: the occupied interval satisfies every applicable window (`context.windowsOpen`). */
  windowsOpen?: boolean;
  /** Custom rules only, emergency changes under `retrospectiveWithin`: when the review is due. */
  retrospectiveDue?: Date;
}

/** The higher of two risks. */
export function maxRisk(a: Risk, b: Risk): Risk {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/**
 * What CEL expressions see for one proposal. `context.risk` is the declared risk while risk rules
 * run and the effective risk for custom rules.
 */
export function celActivation(subject: ChangeSubject, context: RiskContext, risk: Risk): CelActivation {
  return {
    proposal: proposalForCel(subject),
    context: {
      risk,
      inventoryGroups: subject.inventoryGroups,
      // why: a CEL int, so `context.deviceCount > 2` and `context.deviceCount * 2` both work.
      deviceCount: BigInt(touchedDevices(subject).length),
      windows: toCelValue(context.windows),
      // why: facts a rule can only test when they are known; absent keys make has() false, not an error.
      ...(context.at ? { at: context.at } : {}),
      ...(context.windowsOpen !== undefined ? { windowsOpen: context.windowsOpen } : {}),
      ...(context.retrospectiveDue ? { retrospectiveDue: context.retrospectiveDue } : {}),
    },
  };
}

/**
 * Effective risk = max(declared, every rule whose condition holds). A rule that cannot be evaluated
 * (it reads a field this proposal lacks, or compares a string to a number) is a warning naming the
 * rule, and does not raise the risk.
 */
export function assessRisk(
  policy: CompiledChangeControlPolicy,
  subject: ChangeSubject,
  context: RiskContext,
): RiskAssessment {
  const declared = subject.proposal.risk;
  let effective = declared;
  const reasons: string[] = [];
  const findings: Finding[] = [];
  const evaluated: EvaluatedRule[] = [];
  const activation = celActivation(subject, context, declared);
  for (const rule of policy.riskRules) {
    const control = rule.control ? { control: rule.control } : {};
    const outcome = runCel(rule.when, activation);
    if (typeof outcome !== 'boolean') {
      evaluated.push({ kind: 'risk-rule', rule: rule.label, outcome: 'warned', ...control });
      findings.push({
        ruleId: 'rule',
        policy: rule.label,
        severity: 'warning',
        message: `risk rule ${rule.label} could not be evaluated for this proposal: ${outcome.problem}`,
        hint: `Guard optional fields with has(), e.g. has(proposal.targets.tags) && ... (${rule.file}:${rule.line}).`,
        file: subject.file,
        ...subject.locate([]),
        ...control,
      });
      continue;
    }
    if (outcome) {
      effective = maxRisk(effective, rule.atLeast);
      reasons.push(rule.reason);
      evaluated.push({ kind: 'risk-rule', rule: rule.label, outcome: 'passed', ...control });
    }
  }
  return { declared, effective, reasons, findings, evaluated };
}
