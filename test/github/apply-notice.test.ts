import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApplyRehearsal } from '../../src/use-cases/apply.js';
import { useGitHubSession } from '../support/github-session.js';
import { LAB_CHANGE_CONTROL } from '../support/lab-network.js';
import { BASE_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository } from '../support/repository.js';

const REPOSITORY = 'acme/lab-network';
const TOKEN = 'ghp_plantedNoticeToken0123456789abcdefABCD';
const PROPOSAL = 'changes/chg-88.yaml';

// why: fixed instants throughout (commit dates, the pull requests' opening, --at): no test reads today.
const START = '2027-03-10T02:00:00Z';
const AT = '2027-03-10T02:10:00Z';
/** Nine days before the start: what a backdated commit claims. */
const LONG_AGO = '2027-03-01T09:00:00Z';
/** Six hours before the start, under the policy's one day (LAB_CHANGE_CONTROL: normal leadTime P1D). */
const LATE = '2027-03-09T20:00:00Z';

/** CHG-88, a normal change at START; `title` tells the versions apart. */
const normalChange = (title = 'Add VLAN 40') =>
  proposalYaml({ id: 'CHG-88', start: START, end: '2027-03-10T03:00:00Z', timezone: 'UTC' }).replace(
    'title: Add VLAN 40',
    `title: ${title}`,
  );

const session = useGitHubSession(REPOSITORY, TOKEN);

/** Commits everything with both git dates set to `at`, as an author can set them to anything. */
async function commitDated(message: string, at: string): Promise<string> {
  const { repository } = session;
  await repository.git.add('.');
  await execa('git', ['commit', '-q', '-m', message], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at },
  });
  return repository.git.revparse(['HEAD']);
}

/**
 * A branch off main whose one commit (dated `committedAt`) writes the proposal, opened on GitHub at
 * `openedAt` as pull request `number` and approved by both teams at its head.
 */
async function openPullRequest(
  number: number,
  proposal: string,
  dates: { committedAt: string; openedAt: string },
): Promise<void> {
  const { repository, standIn } = session;
  await repository.git.checkout(['-B', `change-${number}`, 'main']);
  await repository.write({ [PROPOSAL]: proposal });
  const head = await commitDated(`change ${number}`, dates.committedAt);
  standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana', createdAt: dates.openedAt });
  for (const user of ['alice', 'eli']) standIn.addReview(REPOSITORY, number, { user, state: 'APPROVED' });
}

async function rehearse(number: number): Promise<ApplyRehearsal> {
  const result = await session.cli.run([
    'apply',
    PROPOSAL,
    '--pr',
    String(number),
    '--dry-run',
    '--at',
    AT,
    '--format',
    'json',
  ]);
  expect(result.stderr).not.toContain('Error');
  return JSON.parse(result.stdout) as ApplyRehearsal;
}

beforeAll(async () => {
  session.repository = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    ...BASE_TREE,
    '.gitignore': '.netchange/\n',
  });
  await commitDated('the base', LONG_AGO);
});

describe('apply --pr counts a normal change’s notice no earlier than its pull request', () => {
  it('refuses a change whose backdated commit claims notice from before the pull request was opened', async () => {
    await openPullRequest(1, normalChange(), { committedAt: LONG_AGO, openedAt: LATE });

    const rehearsal = await rehearse(1);

    expect(rehearsal.wouldRun).toBe(false);
    expect(rehearsal.reasons.join('\n')).toContain(
      'normal changes need 1 day notice: this one starts Wed 10 Mar 2027 02:00 UTC, less than 1 day after Tue 9 Mar 2027 20:00 UTC',
    );
  });

  it('runs a change whose pull request was opened in time', async () => {
    await openPullRequest(2, normalChange(), {
      committedAt: '2027-03-07T12:00:00Z',
      openedAt: '2027-03-07T12:05:00Z',
    });

    const rehearsal = await rehearse(2);

    expect(rehearsal.reasons).toEqual([]);
    expect(rehearsal.wouldRun).toBe(true);
  });

  it('keeps the notice given on main when a later pull request only retitles the change', async () => {
    await session.repository.git.checkout('main');
    await session.repository.write({ [PROPOSAL]: normalChange() });
    await commitDated('raise CHG-88 (merged long ago)', LONG_AGO);
    await openPullRequest(3, normalChange('Add VLAN 40 (line 4)'), { committedAt: LATE, openedAt: LATE });

    const rehearsal = await rehearse(3);

    expect(rehearsal.reasons).toEqual([]);
    expect(rehearsal.wouldRun).toBe(true);
  });
});
