/** The production-window engine: compile a WindowPolicy, evaluate changes, find next allowed slots. */

export { isWindowTimeZone } from '../core/time.js';
export { type ZoneClock, zoneClock } from '../core/zone-clock.js';
export { type CompileWindowPolicyOptions, compileWindowPolicy } from './compile.js';
export {
  applicableWindows,
  type BusyInterval,
  type BusyLookup,
  type EvaluateWindowsOptions,
  evaluateWindows,
  listOccurrences,
  type NextAllowedOptions,
  nextAllowedSlots,
  windowOutcomes,
} from './evaluate.js';
export type { CompiledWindow, CompiledWindowPolicy, Occurrence, WindowEffect } from './model.js';
export {
  type CalendarHeading,
  type NextReport,
  renderCalendarIcs,
  renderCalendarText,
  renderNextText,
} from './render.js';
export { parseLocalDateTime, toIsoLocal } from './time-text.js';
