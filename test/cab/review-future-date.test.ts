/**
 * bank-network: a `lastReviewed` written after the meeting (a typo, or a date set to silence the
 * reminder), or after the day the pack is made, is not counted: the periodic review is due, and the
 * pack says why.
 */
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CabPack } from '../../src/cab/pack.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const MEETING = '2026-12-10T15:00:00Z';
const repositories: TestRepository[] = [];

/** bank-network with `lastReviewed: day` on its NSC review, committed long before the meeting. */
async function bankWithLastReviewed(day: string): Promise<TestRepository> {
  const repository = await createRepository({});
  repositories.push(repository);
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
    text.replace(review?.[0] ?? '', `${review?.[0]}lastReviewed: ${day}\n${review?.[1]}`),
  );
  // why: committed at a fixed date long before the meeting, so only lastReviewed could make the review current.
  await repository.git.add('.');
  await execa('git', ['commit', '-q', '-m', `a review dated ${day}`], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: '2026-01-05T10:00:00Z', GIT_COMMITTER_DATE: '2026-01-05T10:00:00Z' },
  });
  return repository;
}

let after: TestRepository;
let ahead: TestRepository;

beforeAll(async () => {
  after = await bankWithLastReviewed('2030-01-01');
  ahead = await bankWithLastReviewed('2026-12-09');
});

afterAll(async () => {
  for (const repository of repositories) await repository.remove();
});

describe('netchange cab with a lastReviewed that has not happened', () => {
  it('treats the review as due when the date is after the meeting, and says the date is not counted', async () => {
    const json = await runCli(['cab', '--meeting', MEETING, '--no-fetch', '--format', 'json'], {
      cwd: after.root,
    });
    const markdown = await runCli(['cab', '--meeting', MEETING, '--no-fetch'], { cwd: after.root });

    expect(json.exitCode).toBe(0);
    const pack = JSON.parse(json.stdout) as CabPack;
    const reminder = pack.reviews?.find((review) => review.name === 'nsc-configuration-review');
    expect(reminder?.status).toBe('overdue');
    expect(reminder?.untrustedLastReviewed).toBe('2030-01-01');
    expect(reminder?.untrustedBecause).toBe('after the meeting');
    expect(markdown.stdout).toContain('lastReviewed 2030-01-01 is after the meeting, so it is not counted');
  });

  it('does the same for a date before the meeting that is still after today, and counts it once the day came', async () => {
    const args = ['cab', '--meeting', MEETING, '--no-fetch', '--format', 'json'];
    // The pack made two days before the meeting, then on the meeting's day.
    const early = await runCli(args, { cwd: ahead.root, clockAt: '2026-12-08 12:00:00' });
    const onTheDay = await runCli(args, { cwd: ahead.root, clockAt: '2026-12-10 12:00:00' });
    const markdown = await runCli(['cab', '--meeting', MEETING, '--no-fetch'], {
      cwd: ahead.root,
      clockAt: '2026-12-08 12:00:00',
    });

    expect(early.exitCode).toBe(0);
    const reminderOf = (stdout: string) =>
      (JSON.parse(stdout) as CabPack).reviews?.find((review) => review.name === 'nsc-configuration-review');
    expect(reminderOf(early.stdout)).toMatchObject({
      status: 'overdue',
      untrustedLastReviewed: '2026-12-09',
      untrustedBecause: 'after today',
    });
    expect(markdown.stdout).toContain('lastReviewed 2026-12-09 is after today, so it is not counted');
    expect(reminderOf(onTheDay.stdout)).toMatchObject({
      status: 'current',
      evidence: { kind: 'lastReviewed', day: '2026-12-09' },
    });
    expect(reminderOf(onTheDay.stdout)?.untrustedLastReviewed).toBeUndefined();
  });
});
