import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { BASE_TREE, POLICY_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

let repository: TestRepository | undefined;
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

async function validateJson(
  args: string[],
  cwd: string,
): Promise<{ exitCode: number; report: ValidationReport }> {
  const result = await runCli(['validate', '--format', 'json', ...args], { cwd });
  return { exitCode: result.exitCode, report: JSON.parse(result.stdout) };
}

describe('which proposals validate selects', () => {
  it('--since REF takes only added, modified and renamed proposals, and reports deleted ones as withdrawn', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...POLICY_TREE,
      'changes/kept.yaml': proposalYaml({ id: 'KEPT' }),
      // why: each in its own slot; the same device at the same time would be a conflict.
      'changes/edited.yaml': proposalYaml({
        id: 'EDITED',
        start: '2026-11-29T04:00',
        end: '2026-11-29T05:00',
      }),
      'changes/moved.yaml': proposalYaml({ id: 'MOVED', start: '2026-11-29T06:00', end: '2026-11-29T07:00' }),
      // why: different enough that git's rename detection does not pair it with the added proposal.
      'changes/gone.yaml': proposalYaml({
        id: 'GONE',
        start: '2026-11-29T08:00',
        end: '2026-11-29T09:00',
        extra: `description: |\n${'  a long explanation line\n'.repeat(40)}`,
      }),
    });
    await repository.commit('base');
    await repository.write({
      'changes/edited.yaml': proposalYaml({
        id: 'EDITED',
        devices: 'sw-2',
        limit: 'sw-2',
        start: '2026-11-29T04:00',
        end: '2026-11-29T05:00',
      }),
      'changes/added.yaml': proposalYaml({ id: 'ADDED', start: '2026-11-29T10:00', end: '2026-11-29T11:00' }),
    });
    await repository.git.mv('changes/moved.yaml', 'changes/renamed.yaml');
    await repository.git.rm('changes/gone.yaml');
    await repository.commit('change');

    const { exitCode, report } = await validateJson(['--since', 'HEAD~1'], repository.root);

    expect(exitCode).toBe(0);
    expect(report.proposals.map((proposal) => proposal.file)).toEqual([
      'changes/added.yaml',
      'changes/edited.yaml',
      'changes/renamed.yaml',
    ]);
    expect(report.withdrawn).toEqual([{ file: 'changes/gone.yaml', id: 'GONE' }]);
  });

  it('reports a proposal moved out of the changes folder as withdrawn, as a deleted one', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...POLICY_TREE,
      'changes/kept.yaml': proposalYaml({ id: 'KEPT' }),
      'changes/shelved.yaml': proposalYaml({
        id: 'SHELVED',
        start: '2026-11-29T06:00',
        end: '2026-11-29T07:00',
      }),
    });
    await repository.commit('base');
    await mkdir(path.join(repository.root, 'archive'));
    await repository.git.mv('changes/shelved.yaml', 'archive/shelved.yaml');
    await repository.commit('shelve it');

    const { report } = await validateJson(['--since', 'HEAD~1'], repository.root);

    expect(report.withdrawn).toEqual([{ file: 'changes/shelved.yaml', id: 'SHELVED' }]);
  });

  it('finds a duplicate id against proposals outside the --since selection, naming both files', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      'changes/first.yaml': proposalYaml({ id: 'CHG-7' }),
    });
    await repository.commit('base');
    await repository.write({ 'changes/second.yaml': proposalYaml({ id: 'CHG-7' }) });
    await repository.commit('duplicate');

    const { exitCode, report } = await validateJson(['--since', 'HEAD~1'], repository.root);

    expect(exitCode).toBe(1);
    expect(report.proposals[0]?.findings).toEqual([
      expect.objectContaining({
        ruleId: 'reference',
        line: 3,
        message: "id 'CHG-7' is also used by changes/first.yaml",
      }),
    ]);
  });

  it('works from a subdirectory, and with --repo from elsewhere', async () => {
    repository = await createRepository({ ...BASE_TREE, 'changes/a.yaml': proposalYaml({ id: 'A' }) });
    await repository.commit('base');
    const subdirectory = path.join(repository.root, 'playbooks');
    const outside = path.dirname(repository.root);

    const fromSubdirectory = await validateJson([], subdirectory);
    const withRepo = await validateJson(['--repo', repository.root], outside);

    expect(fromSubdirectory.report.proposals.map((proposal) => proposal.id)).toEqual(['A']);
    expect(withRepo.report.proposals.map((proposal) => proposal.id)).toEqual(['A']);
  });

  it('validates an explicit path relative to the current directory', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      'changes/a.yaml': proposalYaml({ id: 'A' }),
      'changes/b.yaml': proposalYaml({ id: 'B' }),
    });

    const { report } = await validateJson(['b.yaml'], path.join(repository.root, 'changes'));

    expect(report.proposals.map((proposal) => proposal.id)).toEqual(['B']);
  });

  it('sees a device added to the inventory on the next run (the inventory cache is keyed by content)', async () => {
    repository = await createRepository({
      ...BASE_TREE,
      ...POLICY_TREE,
      'changes/a.yaml': proposalYaml({ id: 'A', devices: 'sw-3', limit: 'sw-3' }),
    });
    const before = await validateJson([], repository.root);
    await repository.write({
      'inventory/hosts.yaml': `${BASE_TREE['inventory/hosts.yaml']}        sw-3: {ansible_connection: local}\n`,
    });

    const after = await validateJson([], repository.root);

    expect(before.report.proposals[0]?.findings).toEqual([
      expect.objectContaining({ message: expect.stringContaining("device 'sw-3' is not in the inventory") }),
    ]);
    expect(after.exitCode).toBe(0);
    expect(after.report.proposals[0]?.findings).toEqual([]);
  });

  it('warns when there is no changes/ folder instead of passing silently', async () => {
    repository = await createRepository({ ...POLICY_TREE, 'README.md': 'not a network repository\n' });

    const result = await runCli(['validate'], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('there is no changes/ folder');
    expect(result.stdout).toContain('0 proposals (0 errors, 1 warning)');
  });

  it('passes an empty repository plainly', async () => {
    repository = await createRepository(POLICY_TREE);
    await mkdir(path.join(repository.root, 'changes'));

    const result = await runCli(['validate'], { cwd: repository.root });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('0 proposals (0 errors');
    await rm(path.join(repository.root, 'changes'), { recursive: true });
  });
});
