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
