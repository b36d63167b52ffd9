import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../../test/support/repository.js';
import { initGitRepository, isInsideWorkTree, lastCommitTouching, openGit } from './simple-git.js';

let repository: TestRepository;
let first: string;
let second: string;

beforeAll(async () => {
  repository = await createRepository({ 'changes/a.yaml': 'a: 1\n', 'changes/b.yaml': 'b: 1\n' });
  first = await repository.commit('add a and b');
  await repository.write({ 'changes/b.yaml': 'b: 2\n' });
  second = await repository.commit('change b');
});

afterAll(async () => {
  await repository.remove();
});

describe('the git choke point', () => {
  it('runs git and gives its output', async () => {
    const head = await openGit(repository.root).run(['rev-parse', 'HEAD']);

    expect(head.trim()).toBe(second);
  });

  it('answers a question git answers with silence as an empty answer, not a failure', async () => {
    const git = openGit(repository.root);

    const missing = await git.run(['rev-parse', '--verify', '--quiet', 'refs/heads/no-such-branch']);
    const unset = await git.run(['config', '--get', 'netchange.no-such-key']);

    expect(missing).toBe('');
    expect(unset).toBe('');
  });

  it('rejects with git’s message when git fails and says why', async () => {
    const answer = openGit(repository.root).run(['rev-parse', '--verify', 'no-such-ref^{commit}']);

    await expect(answer).rejects.toThrow(/fatal: Needed a single revision/);
  });

  it('gives git only the variables it is given, when given some, and none of netchange’s own', async () => {
    const inherited = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'netchange.own',
      GIT_CONFIG_VALUE_0: 'leaked',
    };
    const saved = Object.fromEntries(Object.keys(inherited).map((name) => [name, process.env[name]]));
    Object.assign(process.env, inherited);
    try {
      const given = openGit(repository.root, {
        environment: {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'netchange.given',
          GIT_CONFIG_VALUE_0: 'yes',
        },
      });

      const own = await given.run(['config', '--get', 'netchange.own']);
      const answer = await given.run(['config', '--get', 'netchange.given']);
      const plain = await openGit(repository.root).run(['config', '--get', 'netchange.own']);

      expect(own).toBe('');
      expect(answer).toBe('yes\n');
      expect(plain).toBe('leaked\n');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('feeds standard input to git when asked to', async () => {
    const sizes = await openGit(repository.root).runWithInput(
      ['cat-file', '--batch-check=%(objecttype)'],
      `${first}\n${second}:changes\n`,
    );

    expect(sizes).toBe('commit\ntree\n');
  });

  it('rejects with git’s message when git fails on its input', async () => {
    const answer = openGit(repository.root).runWithInput(['cat-file', '--no-such-option'], '');

    await expect(answer).rejects.toThrow(/git cat-file failed: .*no-such-option/);
  });

  it('finds the last commit that touched a file', async () => {
    expect(await lastCommitTouching(repository.root, 'changes/a.yaml')).toBe(first);
    expect(await lastCommitTouching(repository.root, 'changes/b.yaml')).toBe(second);
  });

  it('tells a work tree from a plain directory, and makes one with branch main', async () => {
    const plain = await mkdtemp(path.join(os.tmpdir(), 'netchange-test-plain-'));
    try {
      const before = await isInsideWorkTree(plain);
      await initGitRepository(plain);
      const branch = await openGit(plain).run(['symbolic-ref', '--short', 'HEAD']);

      expect(before).toBe(false);
      expect(await isInsideWorkTree(plain)).toBe(true);
      expect(branch.trim()).toBe('main');
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});
