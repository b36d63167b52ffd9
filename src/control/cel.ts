/**
 * The CEL layer of change control: one environment, expressions compiled once when the policy
 * compiles, proposal data converted to CEL values once per proposal, evaluation that never throws.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import type { ChangeSubject } from '../core/model.js';

/** A compiled CEL expression and where it came from. */
export interface CelExpression {
  /** The expression as written in the policy. */
  source: string;
  /** The compiled program; call it with a context. */
  program: ParseResult;
}

/** What a CEL expression sees. */
export interface CelActivation {
  /** The proposal as written, with integers as CEL ints. */
  proposal: unknown;
  /** Facts about the proposal the proposal does not say itself. */
  context: unknown;
}

/** Why an expression gave no boolean for a proposal: a missing field, a bad operand, another type. */
export interface CelProblem {
  /** One line for the finding. */
  problem: string;
}

let environment: Environment | undefined;
let compilations = 0;

// why: one environment per process. `proposal` and `context` are declared dyn (they are always maps):
// has() works on optional keys, a typo in a field name is an evaluation error we turn into a finding,
// and cel-js evaluates dyn field access about twice as fast as typed map access.
function celEnvironment(): Environment {
  if (!environment) {
    environment = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
      .registerVariable('proposal', 'dyn')
      .registerVariable('context', 'dyn');
  }
  return environment;
}

/** How many CEL expressions this process compiled (the bench asserts evaluation adds none). */
export function celCompilations(): number {
  return compilations;
}

/**
 * Compiles and type-checks one expression. Returns an error message (syntax, unknown variable,
 * impossible operator, a result that cannot be a boolean) instead of throwing.
 */
export function compileCel(source: string): { expression?: CelExpression; error?: string } {
  compilations++;
  let program: ParseResult;
  try {
    program = celEnvironment().parse(source);
  } catch (error) {
    return { error: celMessage(error) };
  }
  const checked = program.check();
  if (!checked.valid) return { error: celMessage(checked.error) };
  if (checked.type !== undefined && checked.type !== 'bool' && checked.type !== 'dyn') {
    return { error: `the expression yields ${checked.type}, not a boolean` };
  }
  const unknown = unknownContextField(source);
  if (unknown !== undefined) return { error: unknown };
  return { expression: { source, program } };
}

/** Every field `context` can have (celActivation in risk.ts builds it; docs/change-control.md lists it). */
export const CONTEXT_FIELDS = [
  'at',
  'deviceCount',
  'inventoryGroups',
  'retrospectiveDue',
  'risk',
  'windows',
  'windowsOpen',
] as const;

// why: quoted text is not code; `'context.x'` in a string reads no field.
const STRING_LITERAL = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g;
const CONTEXT_FIELD = /(?<![\w.])context\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Why a `context.name` the expression reads does not exist, or undefined when every one does.
 * why: `context` is dyn (see celEnvironment), so the type check cannot see a misspelt field; at
 * evaluation it was only a warning per proposal, and a risk rule reading `context.devicecount`
 * never raised any risk. Its fields are fixed, so a misspelling is a policy error at its line.
 */
function unknownContextField(source: string): string | undefined {
  const code = source.replace(STRING_LITERAL, '""');
  for (const match of code.matchAll(CONTEXT_FIELD)) {
    const field = match[1] ?? '';
    if ((CONTEXT_FIELDS as readonly string[]).includes(field)) continue;
    const near = CONTEXT_FIELDS.find((known) => known.toLowerCase() === field.toLowerCase());
    return `context.${field} does not exist${near ? ` (did you mean context.${near}?)` : ''}; context has ${CONTEXT_FIELDS.join(', ')}`;
  }
  return undefined;
}

/**
 * Runs a compiled condition. A runtime error (a missing field, a bad operand) or a non-boolean
 * result is a `CelProblem`, never a throw. why: a plain boolean otherwise, so the 150,000
 * evaluations of a large run allocate nothing of their own.
 */
export function runCel(expression: CelExpression, activation: CelActivation): boolean | CelProblem {
  try {
    const value: unknown = expression.program(activation as unknown as Record<string, unknown>);
    return typeof value === 'boolean' ? value : { problem: 'it did not yield true or false' };
  } catch (error) {
    return { problem: celMessage(error) };
  }
}

/** The first line of a cel-js error, without the source excerpt it appends. */
function celMessage(error: unknown): string {
  if (error instanceof Error) return (error.message.split('\n')[0] ?? error.message).trim();
  return String(error);
}

const converted = new WeakMap<object, unknown>();

/**
 * The proposal as CEL sees it, converted once per proposal.
 * why: YAML numbers arrive as JS numbers, which cel-js treats as doubles; `vlan_id % 2` or
 * `count * 2` would then fail with "no such overload: double * int". Whole numbers become CEL ints
 * (BigInt), fractions stay doubles, exactly as a CEL user writing literals expects.
 */
export function proposalForCel(subject: ChangeSubject): unknown {
  const key = subject.proposal as object;
  let value = converted.get(key);
  if (value === undefined) {
    value = toCelValue(subject.proposal);
    converted.set(key, value);
  }
  return value;
}

/**
 * Converts plain data to CEL values: safe integers to BigInt, everything else as is. Copy on write:
 * a subtree without numbers is returned as it is (why: most of a proposal is text, and copying it
 * for 5,000 proposals is most of the conversion's cost).
 */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      const converted = toCelValue(item);
      if (converted !== item && !copy) copy = value.slice(0, index);
      copy?.push(converted);
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  // why: for...in without Object.entries: no array per object (YAML data has no inherited keys).
  for (const key in record) {
    const item = record[key];
    const converted = toCelValue(item);
    // why: `undefined` is no CEL value; a key holding it is a key that is not there (has() is false).
    if (copy === undefined && (converted !== item || item === undefined)) {
      copy = {};
      for (const earlier in record) {
        if (earlier === key) break;
        copy[earlier] = record[earlier];
      }
    }
    if (copy !== undefined && converted !== undefined) copy[key] = converted;
  }
  return copy ?? value;
}

/**
 * The first `proposal.a.b` path an expression reads, so a failed custom rule can point at the field
 * it is about (a missing field points at its nearest existing parent).
 */
export function proposalPathOf(source: string): string[] {
  const match = /\bproposal((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/.exec(source);
  if (!match?.[1]) return [];
  return match[1].slice(1).split('.');
}
