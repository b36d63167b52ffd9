/**
 * What a schedule form is: the keys that select it in a window's `schedule`, and a pure `compile`
 * that checks the form's fields and turns them into an expander. compile.ts knows no form by name;
 * it asks the registry (index.ts) which form a schedule takes.
 */
import type { WindowScheduleFields } from '../../core/schema-types.generated.js';
import type { DocumentPath } from '../../documents/parse-yaml.js';
import type { HolidayCalendar } from '../holidays.js';
import type { Expander } from '../schedules.js';

/** A key of a window's `schedule` object. */
export type ScheduleKey = keyof WindowScheduleFields;

/** A schedule in which the keys `K` are present. */
export type ScheduleWith<K extends ScheduleKey> = WindowScheduleFields &
  Required<Pick<WindowScheduleFields, K>>;

/** What a form needs to know about the window around its schedule. */
export interface ScheduleFormContext {
  /** The window's name, for messages. */
  window: string;
  /** The window's IANA zone (the window's own, else the policy's). */
  zone: string;
  /** The schedule's `duration` in milliseconds, when one is given and valid. */
  durationMs: number | undefined;
  /**
   * False when something outside the form (the zone, the duration) already made the window
   * invalid: the form still checks its fields, but builds no expander.
   */
  usable: boolean;
  /** Where `holidays` windows get their days. */
  holidays: HolidayCalendar;
}

/** A problem in a schedule's fields, placed below the window's `schedule`. */
export interface ScheduleFormFinding {
  /** error: the window is not compiled; warning: it is, but probably not as meant. */
  severity: 'error' | 'warning';
  /** Path below the window's `schedule`, e.g. `['rrule']` or `['holidays', 'country']`. */
  path: DocumentPath;
  /** One line naming the window, e.g. `window 'x': invalid cron '0 25 * * *': ...`. */
  message: string;
  /** How to fix it. */
  hint: string;
}

/** A schedule ready to expand. */
export interface CompiledSchedule {
  /** Lists the occurrences starting in a span. */
  expand: Expander;
  /** The schedule in a few words, e.g. `cron '0 1 * * 0' for 4h`. */
  description: string;
  /** The longest an occurrence can last, so a query knows how far back to look. */
  maxLengthMs: number;
}

/** What a form's `compile` returns: its findings, in order, and the schedule when it has no error. */
export interface ScheduleFormResult {
  /** Findings in the order they are reported. */
  findings: ScheduleFormFinding[];
  /** Present only when the context is usable and the form found no error. */
  compiled?: CompiledSchedule;
}

/** One way to write a window's schedule (rrule, cron, a one-off span, holidays). */
export interface ScheduleForm<K extends ScheduleKey = ScheduleKey> {
  /**
   * The keys that, all present, select this form. When several forms' keys are present (the
   * schema allows some extra keys), the first form in the registry wins.
   */
  readonly selectedBy: readonly K[];
  /** The keys the form takes, as the schema's branch for it requires them; spelled out when a schedule mixes forms. */
  readonly keys: readonly ScheduleKey[];
  /** The key saying when an occurrence starts, where a DST-gap warning points; without one it points at the schedule. */
  readonly startKey?: ScheduleKey;
  /** Checks the form's fields and, when they are valid and the context is usable, compiles them. Pure. */
  compile(schedule: ScheduleWith<K>, context: ScheduleFormContext): ScheduleFormResult;
}

/** Collects a form's findings in order, so a form's `compile` reads like a list of checks. */
export function findingList(): {
  findings: ScheduleFormFinding[];
  error: (path: DocumentPath, message: string, hint: string) => void;
  warning: (path: DocumentPath, message: string, hint: string) => void;
} {
  const findings: ScheduleFormFinding[] = [];
  return {
    findings,
    error: (path, message, hint) => findings.push({ severity: 'error', path, message, hint }),
    warning: (path, message, hint) => findings.push({ severity: 'warning', path, message, hint }),
  };
}
