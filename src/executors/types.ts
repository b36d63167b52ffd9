/**
 * What running a proposal's automation produces: plain, redacted data. plan.json, plan.md,
 * result.json and PR comments are all renderings of these shapes. The shared fields live in
 * step-result.ts, each executor's run in its folder, and the union of results in registry.ts.
 */
export type * from './ansible/types.js';
export type { ExecutorCommands, ExecutorKind, StepResult, StepRun } from './registry.js';
export type * from './step-result.js';
export type * from './terraform/types.js';
