/**
 * Compiles policies/windows.yaml: schema first, then the semantic lint only a window engine can do
 * (zones, RRULEs, cron, durations, holidays, DST gaps, shadowed and duplicate windows), each finding
 * at its line. Returns the compiled policy only when there is no error.
 */
import picomatch from 'picomatch';
import type { Finding } from '../core/findings.js';
import type { WindowDefinition, WindowPolicy, WindowScope } from '../core/schema-types.generated.js';
import {
  DAY_MS,
  formatLocalAndUtc,
  formatLocalDay,
  isWindowTimeZone,
  parseElapsedDuration,
} from '../core/time.js';
import { zoneClock } from '../core/zone-clock.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';
import { type HolidayCalendar, libraryHolidays } from './holidays.js';
import type { CompiledWindow, CompiledWindowPolicy } from './model.js';
import { ensureCovered, mergeIntervals, overlappingOccurrences, upperBound } from './occurrence-store.js';
import { compileSchedule, describeScheduleForms, startKeyOf } from './schedule-forms/index.js';
import { siteIndexOf, windowsAtSites } from './site-index.js';

/**
 * The longest horizon: P731D, two years. why: windows are expanded across it on every run, so
 * P36500D cost seconds per validate and P99999999D ran for minutes before it crashed.
 */
const MAX_HORIZON_MS = 731 * DAY_MS;
/** The longest duration of a repeating window: P366D. why: a larger one (P99999999999D) reaches past the dates a clock can hold. */
const MAX_DURATION_MS = 366 * 24 * 3_600_000;

export interface CompileWindowPolicyOptions {
  /**
   * Start of the horizon: occurrences are expanded from here, and the horizon-wide lint (DST gaps,
   * allow windows always denied) looks at `[from, from + horizon)`. Without it those lint checks are skipped.
   */
  from?: Date;
  /** Sites and devices the repository knows (inventories), to warn about scope values matching nothing. */
  knownScopeValues?: { sites?: string[]; devices?: string[] };
  /** Where `holidays` windows get their days (default: date-holidays, loaded on first use). */
  holidays?: HolidayCalendar;
}

const DEFAULT_HORIZON = 'P90D';

/** Compiles a WindowPolicy document; `policy` is undefined when any finding is an error. */
export function compileWindowPolicy(
  document: YamlDocument,
  options: CompileWindowPolicyOptions = {},
): { policy?: CompiledWindowPolicy; findings: Finding[] } {
  if (document.findings.length > 0) return { findings: document.findings };
  const schemaFindings = validateDocument(document, 'WindowPolicy');
  if (schemaFindings.length > 0)
    return { findings: schemaFindings.map((finding) => clarifyScheduleForm(finding, document)) };
  const value = document.value as WindowPolicy;
  const holidays = options.holidays ?? libraryHolidays;
  const findings: Finding[] = [];
  const at = (path: DocumentPath) => ({ file: document.file, ...document.positionOf(path) });
  const error = (path: DocumentPath, message: string, hint?: string) =>
    findings.push({ ruleId: 'policy', severity: 'error', message, ...(hint ? { hint } : {}), ...at(path) });
  const warning = (path: DocumentPath, policy: string | undefined, message: string, hint?: string) =>
    findings.push({
      ruleId: 'policy',
      ...(policy ? { policy } : {}),
      severity: 'warning',
      message,
      ...(hint ? { hint } : {}),
      ...at(path),
    });

  const policyZone = value.timezone ?? 'UTC';
  const policyZoneValid = isWindowTimeZone(policyZone);
  if (!policyZoneValid) {
    error(
      ['timezone'],
      `unknown time zone '${policyZone}'`,
      'Use an IANA zone name such as America/Chicago; netchange never falls back to UTC.',
    );
  }
  const horizon = value.horizon ?? DEFAULT_HORIZON;
  const horizonMs = parseElapsedDuration(horizon);
  if (horizonMs === undefined || horizonMs <= 0) {
    error(
      ['horizon'],
      `invalid horizon '${horizon}'`,
      'Give an ISO 8601 duration in weeks or days, e.g. P90D.',
    );
  } else if (horizonMs > MAX_HORIZON_MS) {
    error(
      ['horizon'],
      `horizon '${horizon}' is longer than two years (P731D)`,
      'The horizon is how far ahead a free slot is searched, and every window is expanded that far on each run: give weeks or days, e.g. P90D.',
    );
  }

  const windows: CompiledWindow[] = [];
  const seenNames = new Map<string, number>();
  const seenShapes = new Map<string, string>();
  value.windows.forEach((definition, index) => {
    const base: DocumentPath = ['windows', index];
    const previous = seenNames.get(definition.name);
    if (previous !== undefined) {
      warning(
        [...base, 'name'],
        definition.name,
        `window name '${definition.name}' is used twice (first at windows[${previous}])`,
        'Give every window a unique name; findings name windows.',
      );
    } else seenNames.set(definition.name, index);
    const shape = JSON.stringify([
      definition.effect,
      definition.scope ?? {},
      definition.schedule,
      definition.timezone ?? policyZone,
    ]);
    const twin = seenShapes.get(shape);
    if (twin !== undefined) {
      warning(
        base,
        definition.name,
        `window '${definition.name}' duplicates window '${twin}' (same effect, scope, schedule and zone)`,
        'Remove one of them.',
      );
    } else seenShapes.set(shape, definition.name);
    const compiled = compileWindow(definition, index, policyZone, policyZoneValid, holidays, {
      error,
      warning,
    });
    if (compiled) windows.push(compiled);
    lintScope(definition, base, options.knownScopeValues, warning);
  });

  if (findings.some((finding) => finding.severity === 'error') || horizonMs === undefined) {
    return { findings };
  }
  const policy: CompiledWindowPolicy = {
    file: document.file,
    timezone: policyZone,
    horizon,
    horizonMs,
    windows,
    coveredFrom: 0,
    coveredTo: 0,
    version: 0,
    applicable: new Map(),
  };
  if (options.from) {
    const fromMs = options.from.getTime();
    // why: proposals are usually scheduled weeks ahead and each searches a horizon further, so two
    // horizons expanded once up front spare a second expansion and union rebuild later.
    ensureCovered(policy, fromMs, fromMs + 2 * horizonMs + DAY_MS);
    lintHorizon(policy, value, fromMs, fromMs + horizonMs, warning);
  }
  return { policy, findings };
}

// why: the schema's oneOf can only say which keys exist; people need the four forms spelled out.
function clarifyScheduleForm(finding: Finding, document: YamlDocument): Finding {
  const match = /^windows\[(\d+)\]\.schedule needs exactly one of /.exec(finding.message);
  if (!match) return finding;
  const windows = (document.value as { windows?: { schedule?: object }[] }).windows;
  const given = Object.keys(windows?.[Number(match[1])]?.schedule ?? {});
  return {
    ...finding,
    message: `windows[${match[1]}].schedule must take exactly one form: ${describeScheduleForms()}; it has ${given.length ? given.join(', ') : 'no keys'}`,
    hint: 'Keep the keys of one form and remove the others (see docs/windows.md).',
  };
}

interface Reporters {
  error: (path: DocumentPath, message: string, hint?: string) => void;
  warning: (path: DocumentPath, policy: string | undefined, message: string, hint?: string) => void;
}

function compileWindow(
  definition: WindowDefinition,
  index: number,
  policyZone: string,
  policyZoneValid: boolean,
  holidays: HolidayCalendar,
  { error, warning }: Reporters,
): CompiledWindow | undefined {
  const base: DocumentPath = ['windows', index];
  const schedulePath: DocumentPath = [...base, 'schedule'];
  const schedule = definition.schedule;
  const zone = definition.timezone ?? policyZone;
  let valid = true;
  if (definition.timezone !== undefined && !isWindowTimeZone(definition.timezone)) {
    error(
      [...base, 'timezone'],
      `window '${definition.name}': unknown time zone '${definition.timezone}'`,
      'Use an IANA zone name such as Europe/Berlin; netchange never falls back to UTC.',
    );
    valid = false;
  } else if (definition.timezone === undefined && !policyZoneValid) {
    valid = false;
  }
  if (definition.override && definition.effect !== 'deny') {
    warning(
      [...base, 'override'],
      definition.name,
      `window '${definition.name}' is an allow window; override only applies to deny windows`,
      'Remove override, or make the window a deny window.',
    );
  }

  let durationMs: number | undefined;
  if (schedule.duration !== undefined) {
    durationMs = parseElapsedDuration(schedule.duration);
    if (durationMs === undefined) {
      error(
        [...schedulePath, 'duration'],
        `window '${definition.name}': invalid duration '${schedule.duration}'`,
        'Use an ISO 8601 duration in weeks, days, hours, minutes or seconds, e.g. PT4H or P1DT2H (months and years have no fixed length).',
      );
      valid = false;
    } else if (durationMs > MAX_DURATION_MS) {
      error(
        [...schedulePath, 'duration'],
        `window '${definition.name}': duration '${schedule.duration}' is longer than a year (P366D)`,
        'A repeating window longer than a year overlaps itself; for one long span write from and to instead.',
      );
      valid = false;
    } else if (durationMs === 0) {
      warning(
        [...schedulePath, 'duration'],
        definition.name,
        `window '${definition.name}' has zero length and never blocks or allows anything`,
        'Give a positive duration.',
      );
    }
  }

  const compiled = compileSchedule(schedule, {
    window: definition.name,
    zone,
    durationMs,
    usable: valid,
    holidays,
  });
  for (const finding of compiled?.findings ?? []) {
    const path: DocumentPath = [...schedulePath, ...finding.path];
    if (finding.severity === 'error') error(path, finding.message, finding.hint);
    else warning(path, definition.name, finding.message, finding.hint);
  }
  if (!compiled?.compiled) return undefined;
  const { expand, description, maxLengthMs } = compiled.compiled;
  return {
    name: definition.name,
    effect: definition.effect,
    ...(definition.reason ? { reason: definition.reason } : {}),
    scope: definition.scope ?? {},
    timezone: zone,
    clock: zoneClock(zone),
    ...(definition.override ? { override: definition.override.approvals } : {}),
    ...(definition.control ? { control: definition.control } : {}),
    index,
    schedule: description,
    maxLengthMs,
    expand,
    starts: [],
    ends: [],
    labels: [],
    gapStarts: [],
    mergedStarts: [],
    mergedEnds: [],
  };
}

function lintScope(
  definition: WindowDefinition,
  base: DocumentPath,
  known: CompileWindowPolicyOptions['knownScopeValues'],
  warning: Reporters['warning'],
): void {
  const scope = definition.scope;
  if (!scope || !known) return;
  // why: with no site known (no proposals, no inventory read) nothing can be judged.
  if (known.sites && known.sites.length > 0) {
    const sites = new Set(known.sites);
    scope.sites?.forEach((site, position) => {
      if (!sites.has(site)) {
        warning(
          [...base, 'scope', 'sites', position],
          definition.name,
          `window '${definition.name}': site '${site}' matches no site in the repository`,
          `Known sites: ${known.sites!.join(', ') || 'none'}.`,
        );
      }
    });
  }
  if (known.devices && known.devices.length > 0) {
    scope.devices?.forEach((pattern, position) => {
      const matches = picomatch(pattern);
      if (!known.devices!.some((device) => matches(device))) {
        warning(
          [...base, 'scope', 'devices', position],
          definition.name,
          `window '${definition.name}': device pattern '${pattern}' matches no device in the inventories`,
          'Check the host names in inventory/.',
        );
      }
    });
  }
}

/** Lint that needs occurrences: DST-gap starts and allow windows that a deny window always covers. */
function lintHorizon(
  policy: CompiledWindowPolicy,
  value: WindowPolicy,
  fromMs: number,
  toMs: number,
  warning: Reporters['warning'],
): void {
  for (const window of policy.windows) {
    const definition = value.windows[window.index]!;
    const gapStart = window.gapStarts
      .filter((start) => start >= fromMs && start < toMs)
      .sort((a, b) => a - b)[0];
    const gap = gapStart === undefined ? undefined : { startMs: gapStart };
    if (gap) {
      const startPath: DocumentPath = [
        'windows',
        window.index,
        'schedule',
        ...startKeyOf(definition.schedule),
      ];
      warning(
        startPath,
        window.name,
        `window '${window.name}' starts in a DST gap on ${formatLocalDay(gap.startMs, window.timezone)}: that local time does not exist in ${window.timezone}, so the occurrence starts at ${formatLocalAndUtc(gap.startMs, window.timezone)}`,
        'Move the start outside the DST change hour, or accept the shift.',
      );
    }
  }
  const denies = siteIndexOf(policy.windows.filter((window) => window.effect === 'deny'));
  for (const allow of policy.windows.filter((window) => window.effect === 'allow')) {
    // why: a deny window that contains the allow window's scope names its first site, or no sites.
    const firstSite = allow.scope.sites?.[0];
    const candidates =
      allow.scope.sites === undefined
        ? denies.everySite
        : firstSite === undefined
          ? policy.windows.filter((window) => window.effect === 'deny')
          : windowsAtSites(denies, [firstSite]);
    const covering = candidates.filter((window) => scopeContains(window.scope, allow.scope));
    if (covering.length === 0) continue;
    const union = mergeIntervals(
      covering.flatMap((window) => window.mergedStarts),
      covering.flatMap((window) => window.mergedEnds),
    );
    const occurrences = overlappingOccurrences(allow, fromMs, toMs);
    if (occurrences.length === 0) continue;
    const allCovered = occurrences.every((index) => {
      const start = Math.max(allow.starts[index]!, fromMs);
      const end = Math.min(allow.ends[index]!, toMs);
      const containing = upperBound(union.starts, start) - 1;
      return containing >= 0 && union.ends[containing]! >= end;
    });
    if (allCovered) {
      warning(
        ['windows', allow.index],
        allow.name,
        `allow window '${allow.name}' is always covered by deny window${covering.length > 1 ? 's' : ''} ${covering.map((window) => `'${window.name}'`).join(', ')} within the ${policy.horizon} horizon, so it never opens (deny wins)`,
        'Narrow the deny window, or remove the allow window.',
      );
    }
  }
}

/** True when every change the `inner` scope applies to is also in the `outer` scope. */
function scopeContains(outer: WindowScope, inner: WindowScope): boolean {
  const keys = ['sites', 'devices', 'domains', 'tags', 'types', 'risks'] as const;
  return keys.every((key) => {
    const outerValues = outer[key] as readonly string[] | undefined;
    if (!outerValues) return true;
    const innerValues = inner[key] as readonly string[] | undefined;
    return innerValues?.every((value) => outerValues.includes(value)) ?? false;
  });
}
