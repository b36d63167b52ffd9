import { isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import type { Finding } from '../core/findings.js';
import type { YamlDocument } from '../documents/parse-yaml.js';
import { EXECUTORS } from '../executors/registry.js';

// why: Ansible reads YAML 1.1, where these plain scalars are booleans, octal or base-60 numbers;
// netchange (YAML 1.2) reads them as strings or decimals. Quoting makes both agree.
const YAML11_BOOLEAN = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;
const YAML11_OCTAL = /^[-+]?0[0-7_]+$/;
const YAML11_SEXAGESIMAL = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/;

const STEP_LISTS = ['execution', 'verification'] as const;

// why: a cheap look at the text first, so clean files never pay for a syntax tree.
const CANDIDATE =
  /[\s[{,:]((y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)|[-+]?0[0-7_]+|[-+]?\d[\d_]*(:[0-5]?\d)+)\s*([,}\]#]|$)/m;

// why: the same cheap look for numbers JSON cannot carry exactly: .inf, .nan, 1e400, 16+ digits.
const INEXACT_CANDIDATE = /\.(inf|Inf|INF|nan|NaN|NAN)\b|\d{16,}|\d[eE]\+?\d{3,}/;

/**
 * Warns about plain scalars inside `extraVars` that Ansible (YAML 1.1) reads differently from
 * netchange (YAML 1.2): `no`, `on`, `010`, `22:22`... Each executor names the settings whose values
 * reach a YAML 1.1 reader (`yaml11Settings`). A number the tool would receive changed (`.inf`,
 * `.nan`, `1e400`, an integer past 2^53) is an error.
 */
export function lintExtraVars(document: YamlDocument): Finding[] {
  const findings: Finding[] = [];
  const value = document.value as Record<string, unknown> | undefined;
  if (!value) return findings;
  // why: before the syntax tree, which the fast path builds only when asked.
  if (!CANDIDATE.test(document.source) && !INEXACT_CANDIDATE.test(document.source)) return findings;
  if (!document.root) return findings;
  const roots: (string | number)[][] = [];
  const settings = Object.values(EXECUTORS).flatMap((executor) =>
    executor.yaml11Settings.map((setting) => [executor.kind, setting]),
  );
  for (const list of STEP_LISTS) {
    const steps = value[list];
    if (!Array.isArray(steps)) continue;
    for (let index = 0; index < steps.length; index++) {
      for (const setting of settings) roots.push([list, index, ...setting]);
    }
  }
  for (const setting of settings) roots.push(['rollback', ...setting]);
  for (const path of roots) {
    const node = nodeAt(document.root, path);
    if (!node) continue;
    visitScalars(node, (scalar) => {
      if (scalar.type !== Scalar.PLAIN) return;
      const source = (scalar as Scalar & { source?: string }).source ?? String(scalar.value);
      const inexact = inexactNumber(scalar.value);
      if (inexact) {
        const offset = scalar.range?.[0];
        findings.push({
          ruleId: 'lint',
          severity: 'error',
          message: `'${source}' in extraVars cannot reach the tool as written: ${inexact}`,
          hint: `Quote it ('${source}') to pass the text, or write a number a JSON document holds exactly.`,
          file: document.file,
          ...(offset !== undefined ? document.positionAt(offset) : document.positionOf(path)),
        });
        return;
      }
      const reading = yaml11Reading(source);
      if (!reading) return;
      const offset = scalar.range?.[0];
      const position = offset !== undefined ? document.positionAt(offset) : undefined;
      findings.push({
        ruleId: 'lint',
        severity: 'warning',
        message: `'${source}' in extraVars is ${reading} to Ansible (YAML 1.1) but '${String(scalar.value)}' to netchange`,
        hint: `Quote it ('${source}') if you mean the text, or write ${suggestion(source)}.`,
        file: document.file,
        ...(position ?? document.positionOf(path)),
      });
    });
  }
  return findings;
}

/**
 * Why a number cannot be passed as written: netchange hands values over as JSON, which has no
 * infinity or NaN (they would arrive as null), and an integer past 2^53 arrives rounded.
 */
function inexactNumber(value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  if (!Number.isFinite(value)) return `${value} has no JSON form and would arrive as null`;
  if (Number.isInteger(value) && !Number.isSafeInteger(value))
    return `integers past 2^53 arrive rounded (to ${value})`;
  return undefined;
}

function yaml11Reading(source: string): string | undefined {
  if (YAML11_BOOLEAN.test(source)) return `the boolean ${/^(y|yes|on)$/i.test(source)}`;
  if (YAML11_OCTAL.test(source)) return `the octal number ${Number.parseInt(source.replace(/_/g, ''), 8)}`;
  if (YAML11_SEXAGESIMAL.test(source)) return `the base-60 number ${sexagesimal(source)}`;
  return undefined;
}

function suggestion(source: string): string {
  if (YAML11_BOOLEAN.test(source)) return /^(y|yes|on)$/i.test(source) ? 'true' : 'false';
  return 'the number without leading zeros';
}

function sexagesimal(source: string): number {
  const sign = source.startsWith('-') ? -1 : 1;
  return (
    sign *
    source
      .replace(/^[-+]/, '')
      .split(':')
      .reduce((total, part) => total * 60 + Number(part.replace(/_/g, '')), 0)
  );
}

function nodeAt(root: Node, path: readonly (string | number)[]): Node | undefined {
  let current: unknown = root;
  for (const segment of path) {
    if (isMap(current))
      current = current.items.find((pair) => isScalar(pair.key) && pair.key.value === segment)?.value;
    else if (isSeq(current)) current = current.items[Number(segment)];
    else return undefined;
  }
  return current as Node | undefined;
}

function visitScalars(node: unknown, visit: (scalar: Scalar) => void): void {
  if (isScalar(node)) visit(node);
  else if (isMap(node)) for (const pair of node.items) visitScalars(pair.value, visit);
  else if (isSeq(node)) for (const item of node.items) visitScalars(item, visit);
}
