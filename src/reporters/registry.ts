/**
 * Every output format of every result kind, in one place. A command takes its `--format` choices
 * from here (`formatChoices`) and renders through here (`renderResult`), so the two cannot drift.
 * Adding a format: one file in the kind's folder and one line in its table; adding a kind: one
 * folder and one line below.
 */
import type { Digest } from '../audit/digest.js';
import type { VerifyResult } from '../audit/verify.js';
import type { CabPack } from '../cab/pack.js';
import { neutralizeDeep } from '../core/control-characters.js';
import { usageError } from '../core/errors.js';
import type { PolicyExplainOutput } from '../packs/explain.js';
import type { Schedule } from '../schedule/model.js';
import { APPLY_REPORTERS, type ApplyOutput } from './apply/index.js';
import { CAB_REPORTERS } from './cab/index.js';
import { CALENDAR_REPORTERS, type CalendarOutput } from './calendar/index.js';
import { CONTROL_EXPORT_REPORTERS, type ControlExportOutput } from './controls/index.js';
import { DIGEST_REPORTERS } from './digest/index.js';
import { DRIFT_REPORTERS, type DriftOutput } from './drift/index.js';
import { EXPORT_REPORTERS, type ExportOutput } from './export/index.js';
import { NEXT_REPORTERS, type NextOutput } from './next/index.js';
import { PLAN_REPORTERS, type PlanOutput } from './plan/index.js';
import { POLICY_REPORTERS } from './policy/index.js';
import type { ReporterTable } from './reporter.js';
import { SCHEDULE_REPORTERS } from './schedule/index.js';
import { VALIDATION_REPORTERS, type ValidationOutput } from './validation/index.js';
import { VERIFY_REPORTERS } from './verify/index.js';

/** The data each result kind's formats render. */
export interface ResultData {
  validation: ValidationOutput;
  plan: PlanOutput;
  apply: ApplyOutput;
  digest: Digest;
  export: ExportOutput;
  controls: ControlExportOutput;
  calendar: CalendarOutput;
  verify: VerifyResult;
  next: NextOutput;
  drift: DriftOutput;
  cab: CabPack;
  schedule: Schedule;
  policy: PolicyExplainOutput;
}

/** Result kind → its formats, each in the order `--help` lists them. */
export const REPORTERS = {
  validation: VALIDATION_REPORTERS,
  plan: PLAN_REPORTERS,
  apply: APPLY_REPORTERS,
  digest: DIGEST_REPORTERS,
  export: EXPORT_REPORTERS,
  controls: CONTROL_EXPORT_REPORTERS,
  calendar: CALENDAR_REPORTERS,
  verify: VERIFY_REPORTERS,
  next: NEXT_REPORTERS,
  drift: DRIFT_REPORTERS,
  cab: CAB_REPORTERS,
  schedule: SCHEDULE_REPORTERS,
  policy: POLICY_REPORTERS,
} satisfies ReporterTables;

/** The registry's shape: every kind of ResultData has a table of reporters for its data. */
type ReporterTables = { [Kind in keyof ResultData]: ReporterTable<ResultData[Kind]> };

// why: indexed through a mapped type, TypeScript relates a generic kind's table to its data.
const TABLES: ReporterTables = REPORTERS;

export type ResultKind = keyof typeof REPORTERS;

/** The format names one result kind supports. */
export type FormatName<Kind extends ResultKind> = Extract<keyof (typeof REPORTERS)[Kind], string>;

/** A kind's format names, for commander's `.choices()` and for help texts. */
export function formatChoices<Kind extends ResultKind>(kind: Kind): FormatName<Kind>[] {
  return Object.keys(REPORTERS[kind]) as FormatName<Kind>[];
}

/**
 * Renders a result in a format of its kind. Pure once the format's module is loaded. A format the
 * kind does not have is a usage error (exit 2) naming the ones it has.
 */
export async function renderResult<Kind extends ResultKind>(
  kind: Kind,
  format: string,
  data: ResultData[Kind],
): Promise<string> {
  const table = TABLES[kind];
  const load = Object.hasOwn(table, format) ? table[format] : undefined;
  if (!load) {
    throw usageError(
      `--format '${format}' is not supported`,
      `Use one of: ${formatChoices(kind).join(', ')}.`,
    );
  }
  const reporter = await load();
  // why: JSON is data for programs (its serializer escapes control characters); every other format is
  // read by people, in terminals, logs and calendars, where a pull request's control characters act.
  return reporter(format === 'json' ? data : neutralizeDeep(data));
}
