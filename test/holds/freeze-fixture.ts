/** The repository and commands the freeze tests share. */
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { committedRepository } from './support.js';

export const IN_SLOT = '2026-11-29T02:10:00-06:00';
const POLICY = `${POLICY_TREE['policies/change-control.yaml']}holds:\n  freezes: true\n`;
const repositories: TestRepository[] = [];

/** A repository whose change at plant-a runs from `start` to `end` (default: CHG-1's fixed slot). */
export async function repositoryWith(
  schedule: { start?: string; end?: string } = {},
): Promise<TestRepository> {
  return committedRepository(
    {
      ...BASE_TREE,
      'policies/change-control.yaml': POLICY,
      'changes/chg-1.yaml': proposalYaml(schedule),
      '.gitignore': '.netchange/\n',
    },
    repositories,
  );
}

/** validate --format json as of CHG-1's slot. */
export function validate(repository: TestRepository, env: Record<string, string> = {}) {
  return runCli(['validate', '--at', IN_SLOT, '--format', 'json'], { cwd: repository.root, env });
}

/** An instant `minutes` from the test's clock, RFC 3339 UTC. */
export function fromNow(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000).toISOString();
}

export async function removeRepositories(): Promise<void> {
  for (const repository of repositories.splice(0)) await repository.remove();
}
