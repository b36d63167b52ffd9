/**
 * The one shape every problem takes, from a YAML syntax error to a blocked production window.
 * Parsing, validation and policy evaluation return findings; they never throw for bad input.
 */

export type Severity = 'error' | 'warning' | 'note';

/** Which check produced a finding. Stable: SARIF rule ids and CI filters depend on these. */
export type RuleId =
  | 'yaml'
  | 'schema'
  | 'reference'
  | 'lint'
  | 'window'
  | 'approval'
  | 'change-type'
  | 'rule'
  | 'policy'
  | keyof StageRuleIds;

/**
 * Rule ids a gate stage brings, each declared in the stage's own folder by module augmentation:
 * `declare module '../../../core/findings.js' { interface StageRuleIds { hold: true } }`.
 * why: a new stage is one folder plus one registration line, and core still imports no stage.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled in by the gate stages' augmentations.
export interface StageRuleIds {}

/** A finding's `message` is at most this long; `hint` and `detail` carry the rest. */
export const MAX_MESSAGE_LENGTH = 160;

/**
 * The control a policy rule serves, as the policy names it: `{framework: PCI-DSS-4.0, id: '6.5.1',
 * title: …}` (the `control` field of rules, approval requirements, windows and redundancy groups).
 */
export interface ControlReference {
  /** Framework and version, e.g. PCI-DSS-4.0. */
  framework: string;
  /** The requirement's identifier in that framework, e.g. 6.5.1. */
  id: string;
  /** The requirement in a few words. */
  title: string;
}

/** What kind of policy rule was evaluated: the policy list it is written in. */
export type RuleKind = 'risk-rule' | 'approval-rule' | 'rule' | 'window' | 'redundancy-group';

/**
 * How a rule that applied to a change came out (docs/change-control.md):
 * - `passed`: it held (an assertion true, approvals given, a window respected, a risk rule applied);
 * - `failed`: it raised an error, or its approvals are missing when they are required;
 * - `warned`: it raised a warning or note, or could not be evaluated for this change;
 * - `waived`: it was broken through the exception the policy itself provides — a deny window's
 *   override approvals, an emergency bypassing windows, an emergency in a redundancy-group conflict;
 * - `pending`: its approvals are still being collected (review only: apply never runs with one).
 * Rules that did not apply (their `when`, `scope` or members do not match) are not listed at all.
 */
export type RuleOutcome = 'passed' | 'failed' | 'warned' | 'waived' | 'pending';

/** One policy rule the gate evaluated for a change, and its outcome. */
export interface EvaluatedRule {
  /** The list the rule is written in. */
  kind: RuleKind;
  /** The rule's name (a window, group or rule name; `approvals[1]` or `risk.rules[0]` when unnamed). */
  rule: string;
  /** How it came out for this change. */
  outcome: RuleOutcome;
  /** The control the rule serves, when the policy names one. */
  control?: ControlReference;
}

/** A rule that names its control, as reports and evidence list it: the control, the rule, the outcome. */
export interface ControlOutcome extends ControlReference {
  /** The rule's name. */
  rule: string;
  /** The list the rule is written in. */
  kind: RuleKind;
  /** How the rule came out for the change. */
  outcome: RuleOutcome;
}

/** The evaluated rules that name a control, as `{framework, id, title, rule, kind, outcome}`. */
export function controlOutcomes(rules: readonly EvaluatedRule[]): ControlOutcome[] {
  const outcomes: ControlOutcome[] = [];
  for (const rule of rules) {
    if (!rule.control) continue;
    const { framework, id, title } = rule.control;
    outcomes.push({ framework, id, title, rule: rule.rule, kind: rule.kind, outcome: rule.outcome });
  }
  return outcomes;
}

/** The outcome a rule's own findings give it: failed on an error, warned on a warning or note, else passed. */
export function outcomeOfFindings(findings: readonly Finding[]): RuleOutcome {
  if (findings.some((finding) => finding.severity === 'error')) return 'failed';
  return findings.length > 0 ? 'warned' : 'passed';
}

export interface Interval {
  /** Inclusive start, RFC 3339 UTC (`…Z`). */
  start: string;
  /** Exclusive end, RFC 3339 UTC (`…Z`). */
  end: string;
}

export interface Finding {
  /** The check that produced the finding. */
  ruleId: RuleId;
  /** The policy element involved: a window name, a rule name, a change type. */
  policy?: string;
  /** `error` fails the proposal; `warning` and `note` are reported only. */
  severity: Severity;
  /**
   * One sentence for a person: what is wrong, in the proposal's own terms, in plain words, at most
   * {@link MAX_MESSAGE_LENGTH} characters. The particulars go in `detail`, what to do in `hint`.
   */
  message: string;
  /** What to do about it. */
  hint?: string;
  /**
   * The particulars behind the message, for those who unfold them: occurrence intervals, the
   * rule's expression and where it is written. The pull-request comment folds it away.
   */
  detail?: string;
  /** Repository-relative POSIX path of the file the finding is about. */
  file: string;
  /** 1-based line in `file`, when the finding has a position. */
  line?: number;
  /** 1-based column in `file`, when the finding has a position. */
  column?: number;
  /** For window findings: the earliest occupied interval that would be allowed. */
  nextAllowed?: Interval;
  /** The control the rule behind the finding serves, when the policy names one. */
  control?: ControlReference;
}

/** `text` cut to `max` characters with an ellipsis. why: user-written names and rule messages vary in length. */
export function elide(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The finding with its message within {@link MAX_MESSAGE_LENGTH}: an over-long message is cut at a
 * word and kept whole at the top of `detail`. why: the limit holds for every finding, whichever
 * check wrote it, including text that comes from ajv, the YAML parser or a user's own rule.
 */
export function withBoundedMessage(finding: Finding): Finding {
  if (finding.message.length <= MAX_MESSAGE_LENGTH) return finding;
  const room = finding.message.slice(0, MAX_MESSAGE_LENGTH - 1);
  const lastSpace = room.lastIndexOf(' ');
  const cut = lastSpace > MAX_MESSAGE_LENGTH / 2 ? room.slice(0, lastSpace) : room;
  return {
    ...finding,
    message: `${cut.replace(/[\s,;:(—-]+$/u, '')}…`,
    detail: finding.detail ? `${finding.message}\n${finding.detail}` : finding.message,
  };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/** Orders findings by file, then position, so every output lists them the way an editor would. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.message.localeCompare(b.message)
  );
}
