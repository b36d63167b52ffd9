import { afterAll, beforeAll } from 'vitest';
import { createLabRepository, type FrrLab, startFrrLab } from './frr-lab.js';
import type { TestRepository } from './repository.js';
import { type CliResult, runCli } from './run-cli.js';

/** A test file's own lab and lab repository, and the CLI pointed at both. */
export interface LabSession {
  /** The running lab (after beforeAll). */
  readonly lab: FrrLab;
  /** The lab example as a real git repository (after beforeAll). */
  readonly repository: TestRepository;
  /** Runs the real CLI in the repository, with Ansible pointed at this lab. */
  netchange(...args: string[]): Promise<CliResult>;
}

/**
 * Starts a lab named after `name` and a lab repository before the file's tests, and takes both down
 * after them. Call at the top of a test file.
 */
export function useLabSession(name: string): LabSession {
  let lab: FrrLab | undefined;
  let repository: TestRepository | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the lab session is used before beforeAll started it');
    return value;
  };
  beforeAll(async () => {
    lab = await startFrrLab(name);
    repository = await createLabRepository();
  }, 120_000);
  afterAll(async () => {
    await lab?.script('down');
    await repository?.remove();
  });
  return {
    get lab() {
      return started(lab);
    },
    get repository() {
      return started(repository);
    },
    netchange: (...args) => runCli(args, { cwd: started(repository).root, env: started(lab).env }),
  };
}
