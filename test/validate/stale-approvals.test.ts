import { afterEach, describe, expect, it } from 'vitest';
import { staleApprovalsAllowed } from '../../src/pipeline/load-proposals.js';
import { openWorkspace } from '../../src/pipeline/workspace.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const CONFIG = 'apiVersion: netchange/v1\nkind: Config\n';
const ALLOWED = `${CONFIG}github: {staleApprovals: true}\n`;

describe('github.staleApprovals after a merge (apply --pr): the base is the merge commit’s first parent', () => {
  let repository: TestRepository;
  afterEach(() => repository.remove());

  /** main with `before`, a branch that writes `after`, merged into main with a merge commit. */
  async function merged(before: string, after: string): Promise<string> {
    repository = await createRepository({ 'netchange.yaml': before });
    await repository.commit('main');
    await repository.git.checkout(['-b', 'pull-request']);
    await repository.write({ 'netchange.yaml': after, 'notes.md': 'changed\n' });
    await repository.commit('the pull request');
    await repository.git.checkout(['main']);
    await repository.git.merge(['--no-ff', '-m', 'merge the pull request', 'pull-request']);
    return (await repository.git.revparse(['HEAD'])).trim();
  }

  const allowed = async (candidates: string[]) =>
    staleApprovalsAllowed(await openWorkspace({ cwd: repository.root }), async () => candidates);

  it('a merged pull request that turned it on does not count its own stale approvals', async () => {
    const merge = await merged(CONFIG, ALLOWED);

    expect(await allowed([`${merge}^1`, 'origin/main', 'main'])).toBe(false);
  });

  it('counts them when main allowed them before the merge', async () => {
    const merge = await merged(ALLOWED, `${ALLOWED}# edited\n`);

    expect(await allowed([`${merge}^1`])).toBe(true);
  });

  it('does not count them when the base cannot be found', async () => {
    await merged(ALLOWED, `${ALLOWED}# edited\n`);

    expect(await allowed(['origin/no-such-branch'])).toBe(false);
  });
});
