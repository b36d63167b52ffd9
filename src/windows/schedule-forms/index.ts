/**
 * The schedule forms a window can take, in one registry: a new form is one file here plus one line
 * in SCHEDULE_FORMS (and its branch in schemas/window-policy.schema.json, which rejects unknown keys).
 */
import type { WindowScheduleFields } from '../../core/schema-types.generated.js';
import { cronForm } from './cron.js';
import type {
  ScheduleForm,
  ScheduleFormContext,
  ScheduleFormResult,
  ScheduleKey,
  ScheduleWith,
} from './form.js';
import { holidaysForm } from './holidays.js';
import { onceForm } from './once.js';
import { rruleForm } from './rrule.js';

export type { ScheduleForm, ScheduleFormContext, ScheduleFormFinding, ScheduleFormResult } from './form.js';

/**
 * Every schedule form, in the order the schema's `oneOf` lists them. The order also decides which
 * form a schedule takes when it holds the selecting keys of more than one.
 */
// biome-ignore format: one registration line per form keeps adding one a one-line change.
export const SCHEDULE_FORMS: readonly ScheduleForm[] = [
  rruleForm,
  cronForm,
  onceForm,
  holidaysForm,
];

/** The form a schedule takes: the first whose selecting keys are all present. */
export function scheduleFormOf(schedule: WindowScheduleFields): ScheduleForm | undefined {
  return SCHEDULE_FORMS.find((form) => form.selectedBy.every((key) => schedule[key] !== undefined));
}

/** Checks and compiles a schedule with its form; undefined when no form's keys are present. */
export function compileSchedule(
  schedule: WindowScheduleFields,
  context: ScheduleFormContext,
): ScheduleFormResult | undefined {
  const form = scheduleFormOf(schedule);
  // why: scheduleFormOf just checked that the form's selecting keys are present, which is all
  // a form's compile relies on; TypeScript cannot carry that through a list of different forms.
  return form?.compile(schedule as ScheduleWith<ScheduleKey>, context);
}

/** The forms spelled out for a message, e.g. `{rrule, start, duration}, {cron, duration} or {holidays}`. */
export function describeScheduleForms(): string {
  const shapes = SCHEDULE_FORMS.map((form) => `{${form.keys.join(', ')}}`);
  return shapes.length > 1 ? `${shapes.slice(0, -1).join(', ')} or ${shapes.at(-1)}` : shapes.join('');
}

// why: a DST-gap warning points at the first key present that says when occurrences start, in
// registry order, so a schedule carrying an extra form's key is placed as it always was.
const START_KEYS = SCHEDULE_FORMS.flatMap((form) => (form.startKey ? [form.startKey] : []));

/** The key a DST-gap warning points at below `schedule`: `[key]`, or `[]` for the schedule itself. */
export function startKeyOf(schedule: WindowScheduleFields): ScheduleKey[] {
  const key = START_KEYS.find((candidate) => schedule[candidate] !== undefined);
  return key ? [key] : [];
}
