import type { StepContext } from '../../src/executors/index.js';
import { createRedactor } from '../../src/redact/index.js';

/** A step context for running an executor directly in `repoRoot`: check mode, a fresh redactor, the real tools. */
export function stepContext(repoRoot: string, overrides: Partial<StepContext> = {}): StepContext {
  return {
    repoRoot,
    mode: 'check',
    redactor: createRedactor(),
    timeoutMs: 60_000,
    killGraceMs: 1_000,
    commands: { ansiblePlaybook: 'ansible-playbook', terraform: 'terraform' },
    ...overrides,
  };
}
