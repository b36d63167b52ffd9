/**
 * policies/drift.yaml (kind DriftPolicy): ignore rules for known, accepted differences, each with a
 * reason, an owner team and an expiry. Compiling checks the document (schema, regexes, dates, ids,
 * owners) and splits the rules into those in force and those expired as of the check. Pure.
 */
import picomatch from 'picomatch';
import { Temporal } from 'temporal-polyfill';
import type { Finding } from '../core/findings.js';
import { isValidTimeZone } from '../core/time.js';
import type { DocumentPath, YamlDocument } from '../documents/parse-yaml.js';
import { validateDocument } from '../documents/schemas.js';
import type { DriftPolicyFinding } from './model.js';

/** One ignore rule, ready to match diff lines. */
export interface DriftIgnoreRule {
  id: string;
  reason: string;
  owner: string;
  /** The first instant the rule no longer hides anything (the day after `expires`, in the policy's zone). */
  expiresAtMs: number;
  /** True when the rule applies to the target (no `devices`: every target). */
  appliesTo(target: string): boolean;
  /** Changed lines matching any of these are hidden. */
  lines: RegExp[];
  /** A section starting at a line matching any of these is hidden whole. */
  sections: RegExp[];
  /** Where the rule is written (its `id` line). */
  file: string;
  line: number;
  column: number;
}

/** The rules in force and what the policy itself has to say (expired rules). */
export interface CompiledDriftPolicy {
  /** The policy file, repository-relative. */
  file: string;
  /** Rules still in force at the check. */
  rules: DriftIgnoreRule[];
  /** Findings about the policy (an expired rule): reported, never fatal. */
  findings: DriftPolicyFinding[];
}

/** The source shape of one rule, after schema validation. */
interface IgnoreRuleSource {
  id: string;
  reason: string;
  owner: string;
  expires: string;
  devices?: string[];
  lines?: string[];
  sections?: string[];
}

interface DriftPolicySource {
  timezone?: string;
  ignore: IgnoreRuleSource[];
}

export interface CompileDriftPolicyOptions {
  /** The instant of the check: a rule whose last day ended before it is expired. */
  at: Date;
  /** The zone `expires` dates end in when the policy names none (netchange.yaml's defaults.timezone). */
  defaultTimezone?: string;
  /** The change-control policy's team names; an owner outside them is an error. Unchecked when undefined. */
  teams?: readonly string[];
}

/**
 * Compiles a parsed DriftPolicy. Errors (schema, a regex that does not compile, an impossible date,
 * a duplicate id, an unknown owner team) come back as findings with their positions and no policy.
 */
export function compileDriftPolicy(
  document: YamlDocument,
  options: CompileDriftPolicyOptions,
): { policy?: CompiledDriftPolicy; errors: Finding[] } {
  const schemaFindings =
    document.findings.length > 0 ? document.findings : validateDocument(document, 'DriftPolicy');
  if (schemaFindings.some((finding) => finding.severity === 'error')) return { errors: schemaFindings };
  const source = document.value as DriftPolicySource;
  const errors: Finding[] = [];
  const error = (at: DocumentPath, message: string, hint: string) =>
    errors.push({
      ruleId: 'policy',
      severity: 'error',
      message,
      hint,
      file: document.file,
      ...document.positionOf(at),
    });

  const zone = source.timezone ?? options.defaultTimezone ?? 'UTC';
  if (!isValidTimeZone(zone)) {
    error(
      ['timezone'],
      `timezone '${zone}' is not an IANA time zone`,
      'Name a zone such as UTC or America/Chicago.',
    );
    return { errors };
  }
  const rules: DriftIgnoreRule[] = [];
  const findings: DriftPolicyFinding[] = [];
  const seen = new Set<string>();
  source.ignore.forEach((rule, index) => {
    const at = (...rest: (string | number)[]): DocumentPath => ['ignore', index, ...rest];
    if (seen.has(rule.id)) {
      error(
        at('id'),
        `ignore rule id '${rule.id}' is used twice`,
        'Give every rule its own id: reports name rules by id.',
      );
    }
    seen.add(rule.id);
    if (options.teams && !options.teams.includes(rule.owner)) {
      error(
        at('owner'),
        `owner '${rule.owner}' of ignore rule '${rule.id}' is not a team of the change-control policy`,
        `Name one of: ${options.teams.join(', ')}.`,
      );
    }
    const expiresAtMs = dayAfter(rule.expires, zone);
    if (expiresAtMs === undefined) {
      error(
        at('expires'),
        `expires '${rule.expires}' is not a date`,
        'Write the last day the rule holds, like 2027-03-31.',
      );
    }
    const compile = (key: 'lines' | 'sections') =>
      (rule[key] ?? []).flatMap((pattern, position) => {
        try {
          return [new RegExp(pattern)];
        } catch (problem) {
          error(
            at(key, position),
            `'${pattern}' is not a regular expression: ${problem instanceof Error ? problem.message : String(problem)}`,
            'Write a JavaScript regular expression; escape ( ) [ ] . * + ? with a backslash to match them literally.',
          );
          return [];
        }
      });
    const lines = compile('lines');
    const sections = compile('sections');
    if (expiresAtMs === undefined) return;
    const position = document.positionOf(at('id'));
    const compiled: DriftIgnoreRule = {
      id: rule.id,
      reason: rule.reason,
      owner: rule.owner,
      expiresAtMs,
      appliesTo: rule.devices ? picomatch(rule.devices) : () => true,
      lines,
      sections,
      file: document.file,
      ...position,
    };
    if (options.at.getTime() < expiresAtMs) {
      rules.push(compiled);
      return;
    }
    findings.push({
      ruleId: 'drift-ignore-expired',
      severity: 'warning',
      message: `ignore rule '${rule.id}' (owner ${rule.owner}) expired after ${rule.expires}: it no longer hides anything`,
      hint: `Fix what it hid (adopt the running configuration in the intended state, or revert the device), or have ${rule.owner} extend 'expires' with a reason.`,
      file: document.file,
      ...position,
    });
  });
  if (errors.length > 0) return { errors };
  return { policy: { file: document.file, rules, findings }, errors: [] };
}

/** The first instant after the local day `date` in `zone`; undefined for a date that does not exist. */
function dayAfter(date: string, zone: string): number | undefined {
  try {
    const day = Temporal.PlainDate.from(date, { overflow: 'reject' });
    return day.add({ days: 1 }).toZonedDateTime({ timeZone: zone }).epochMilliseconds;
  } catch {
    return undefined;
  }
}
