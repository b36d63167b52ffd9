/**
 * bank-network: a `lastReviewed` written after the meeting (a typo, or a date set to silence the
 * reminder) is not counted: the periodic review is due, and the pack says why.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CabPack } from '../../src/cab/pack.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const MEETING = '2026-12-10T15:00:00Z';
let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({});
  const example = path.join(PROJECT_ROOT, 'examples/bank-network');
  await cp(example, repository.root, {
    recursive: true,
    filter: (source) => !/[/\\](state|\.terraform|\.netchange)([/\\]|$)/.test(source),
  });
  const policy = path.join(repository.root, 'policies/change-control.yaml');
  const text = await readFile(policy, 'utf8');
  const review = /- name: nsc-configuration-review\n(\s+)/.exec(text);
  expect(review).not.toBeNull();
  await writeFile(
    policy,
    text.replace(review?.[0] ?? '', `${review?.[0]}lastReviewed: 2030-01-01\n${review?.[1]}`),
  );
  // why: committed at a fixed date long before the meeting, so only lastReviewed could make the review current.
  await repository.git.add('.');
  await execa('git', ['commit', '-q', '-m', 'a review dated 2030'], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: '2026-01-05T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-05T10:00:00Z' },
  });
});

afterAll(async () => {
  await repository?.remove();
});

describe('netchange cab with a lastReviewed after the meeting', () => {
  it('treats the review as due and says the date is not counted', async () => {
    const json = await runCli(['cab', '--meeting', MEETING, '--no-fetch', '--format', 'json'], {
      cwd: repository.root,
    });
    const markdown = await runCli(['cab', '--meeting', MEETING, '--no-fetch'], { cwd: repository.root });

    expect(json.exitCode).toBe(0);
    const pack = JSON.parse(json.stdout) as CabPack;
    const reminder = pack.reviews?.find((review) => review.name === 'nsc-configuration-review');
    expect(reminder?.status).toBe('overdue');
    expect(reminder?.untrustedLastReviewed).toBe('2030-01-01');
    expect(markdown.stdout).toContain('lastReviewed 2030-01-01 is after the meeting, so it is not counted');
  });
});
