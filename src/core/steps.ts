/**
 * A proposal's automation steps, read without running or loading anything: pure code (control,
 * windows) and the executors' callers list them the same way.
 */
import type { ChangeProposal, Step } from './model.js';

/**
 * The fields a step is written under, in the order a rollback section lists its steps. The executor
 * registry holds one executor per kind (it checks that it names exactly these).
 */
export const STEP_KINDS = ['ansible', 'terraform'] as const;

export type StepKind = (typeof STEP_KINDS)[number];

/** Where a step is written in the proposal, e.g. `['execution', 0]` or `['rollback']`. */
export type StepPath = (string | number)[];

/** A step with where it is written in the proposal. */
export type NamedStep = Step & { path: StepPath };

/** Every automation step of a proposal with its path in the document: execution, verification, rollback. */
export function stepsOf(proposal: ChangeProposal): NamedStep[] {
  const steps: NamedStep[] = [];
  for (const [index, step] of proposal.execution.entries())
    steps.push({ path: ['execution', index], ...step });
  for (const [index, step] of (proposal.verification ?? []).entries()) {
    steps.push({ path: ['verification', index], ...step });
  }
  const rollback = proposal.rollback;
  // why: the rollback section holds at most one step per kind, all at the path ['rollback'].
  for (const kind of STEP_KINDS) {
    const settings = rollback?.[kind];
    if (settings) steps.push({ path: ['rollback'], ...stepOf(kind, settings) });
  }
  return steps;
}

/** A step of `kind` with `settings`, e.g. the rollback section's `ansible:` as a step of its own. */
export function stepOf(kind: StepKind, settings: unknown, name?: string): Step {
  // why: the kind and its settings come from the same proposal field, so they match; TypeScript
  // cannot follow that through a computed key.
  return { ...(name !== undefined ? { name } : {}), [kind]: settings } as unknown as Step;
}
