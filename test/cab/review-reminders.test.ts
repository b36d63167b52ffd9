import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CabPack } from '../../src/cab/pack.js';
import type { Finding } from '../../src/core/findings.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// A PCI DSS shop reviews its network security controls' rule sets every six months (1.2.7): the
// board signs off in reviews/nsc/, a commit per review. The last sign-off was committed on
// 1 May 2026, so the review falls due on 1 November. The VPN review was done in a meeting that
// changed no file, written down as lastReviewed (on 20 September: a day after a meeting is not counted at it).
const CHANGE_CONTROL = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  cab: {kind: board, members: [carol]}
raci:
  firewall: {responsible: netops, accountable: netops}
reviews:
  - name: nsc-rule-review
    every: P6M
    paths: [reviews/nsc/]
    reason: Firewall and ACL rule sets are reviewed twice a year
    control: {framework: PCI-DSS-4.0, id: 1.2.7, title: NSC configurations are reviewed at least once every six months}
  - name: vpn-review
    every: P6M
    paths: [reviews/vpn/**]
    lastReviewed: 2026-09-20
`;

let repository: TestRepository;

async function commitAt(message: string, at: string): Promise<void> {
  await repository.git.add('.');
  await execa('git', ['commit', '-q', '-m', message], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at },
  });
}

async function cab(meeting: string, format: 'markdown' | 'json') {
  return runCli(['cab', '--no-fetch', '--meeting', meeting, '--format', format], { cwd: repository.root });
}

beforeAll(async () => {
  repository = await createRepository({
    'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: Europe/London}\n',
    'policies/change-control.yaml': CHANGE_CONTROL,
    'changes/.gitkeep': '',
  });
  await commitAt('the policy', '2026-04-01T09:00:00Z');
  await repository.write({ 'reviews/nsc/2026-h1.md': 'Reviewed every rule set; removed 12 stale rules.\n' });
  await commitAt('NSC review 2026 H1', '2026-05-01T10:00:00Z');
  await repository.write({ 'reviews/vpn/2026-03.md': 'VPN review.\n' });
  await commitAt('VPN review', '2026-03-02T10:00:00Z');
});

afterAll(() => repository.remove());

describe('periodic review reminders in the CAB pack', () => {
  it('says nothing while the review is fresh', async () => {
    const result = await cab('2026-10-01T14:00:00Z', 'markdown');

    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('Periodic reviews due');
    expect(result.stdout).toContain('0 reviews overdue');
  });

  it('reminds the board once six months have passed since the last sign-off commit', async () => {
    const result = await cab('2026-12-03T15:00:00Z', 'markdown');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('### Periodic reviews due (1)');
    const line = result.stdout.split('\n').find((entry) => entry.includes('nsc-rule-review'));
    expect(line).toContain('**OVERDUE** since Sun 1 Nov 2026');
    expect(line).toContain('PCI-DSS-4.0 1.2.7');
    expect(line).toContain('every P6M');
    expect(result.stdout).toContain('1 review overdue');
    expect(result.stdout).not.toContain('vpn-review');
  });

  it('shows a review due within two weeks of the meeting as due, not overdue', async () => {
    const result = await cab('2026-10-20T14:00:00Z', 'markdown');

    const line = result.stdout.split('\n').find((entry) => entry.includes('nsc-rule-review'));
    expect(line).toMatch(/^- \*\*nsc-rule-review\*\* — due Sun 1 Nov 2026/);
    expect(result.stdout).toContain('0 reviews overdue');
  });

  it('counts a lastReviewed day later than the last commit, and keeps every review in the JSON', async () => {
    const result = await cab('2026-12-03T15:00:00Z', 'json');

    const pack = JSON.parse(result.stdout) as CabPack;
    expect(pack.reviews?.map((review) => [review.name, review.status])).toEqual([
      ['nsc-rule-review', 'overdue'],
      ['vpn-review', 'current'],
    ]);
    expect(pack.reviews?.[1]).toMatchObject({
      evidence: { kind: 'lastReviewed', day: '2026-09-20' },
      lastReviewedAt: '2026-09-19T23:00:00Z',
      due: '2027-03-20T00:00:00Z',
    });
    expect(pack.reviews?.[0]?.evidence).toMatchObject({ kind: 'commit' });
    expect(pack.reviews?.[0]?.lastReviewedAt).toBe('2026-05-01T10:00:00Z');
  });
});

describe('a review the policy cannot keep', () => {
  it.each([
    ['{name: r1, every: P6M}', 'review r1 names neither paths nor lastReviewed'],
    [
      '{name: r1, every: P6M, paths: [../secrets]}',
      "review r1: '../secrets' is not a path inside the repository",
    ],
    ['{name: r1, every: P6M, lastReviewed: 2026-02-30}', "lastReviewed '2026-02-30' is not a calendar date"],
  ])('%s is a policy error with its file and line', async (review, message) => {
    const bad = await createRepository({
      'policies/change-control.yaml': `${CHANGE_CONTROL.replace(/reviews:[\s\S]*$/, '')}reviews:\n  - ${review}\n`,
      'changes/.gitkeep': '',
    });
    await bad.commit('a broken review');

    const result = await runCli(['validate'], { cwd: bad.root });
    await bad.remove();

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toMatch(/policies\/change-control\.yaml:9:/);
  });
});

describe('a lastReviewed day still ahead', () => {
  // vpn-review's lastReviewed is 2026-09-20 in Europe/London (BST): the day begins at 23:00Z on the 19th.
  const validateAt = (at: string) =>
    runCli(['validate', '--at', at, '--format', 'json'], { cwd: repository.root });
  const policyFindings = async (at: string) => {
    const result = await validateAt(at);
    expect(result.exitCode).toBe(0);
    return (JSON.parse(result.stdout) as { findings: Finding[] }).findings;
  };

  it('is a warning at its line on the days before it, in the repository zone', async () => {
    const findings = await policyFindings('2026-09-19T22:30:00Z');

    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: 'policy',
        severity: 'warning',
        message:
          'review vpn-review: lastReviewed 2026-09-20 is after today (Sat 19 Sep 2026), so the CAB pack does not count it until that day',
        file: 'policies/change-control.yaml',
        line: 17,
        column: 19,
      }),
    ]);
  });

  it('says nothing from that day on', async () => {
    expect(await policyFindings('2026-09-19T23:30:00Z')).toEqual([]);
  });
});

describe('a review date the author chose', () => {
  let forged: TestRepository;
  const commitOn = async (root: string, args: string[], at: string) =>
    execa('git', args, { cwd: root, env: { GIT_AUTHOR_DATE: at, GIT_COMMITTER_DATE: at } });

  beforeAll(async () => {
    forged = await createRepository({
      'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: Europe/London}\n',
      'policies/change-control.yaml': CHANGE_CONTROL,
      'changes/.gitkeep': '',
      'reviews/nsc/2026-h1.md': 'Reviewed every rule set.\n',
    });
    await forged.git.add('.');
    await commitOn(forged.root, ['commit', '-q', '-m', 'NSC review 2026 H1'], '2026-05-01T10:00:00Z');
  });

  afterAll(() => forged.remove());

  async function nscReview(): Promise<{ status: string; lastReviewedAt?: string }> {
    // why: a meeting in the past, so the bound is the meeting whenever the test runs.
    const result = await runCli(
      ['cab', '--no-fetch', '--meeting', '2026-12-03T15:00:00Z', '--format', 'json'],
      {
        cwd: forged.root,
      },
    );
    const pack = JSON.parse(result.stdout) as CabPack;
    const review = pack.reviews?.find((entry) => entry.name === 'nsc-rule-review');
    return {
      status: review?.status ?? '',
      ...(review?.lastReviewedAt ? { lastReviewedAt: review.lastReviewedAt } : {}),
    };
  }

  it('takes the merge date of a branch whose commit is dated years ahead', async () => {
    await forged.git.checkout(['-q', '-b', 'touch-up']);
    await forged.write({ 'reviews/nsc/2026-h1.md': 'Reviewed every rule set. Typo fixed.\n' });
    await forged.git.add('.');
    await commitOn(forged.root, ['commit', '-q', '-m', 'typo'], '2031-01-01T00:00:00Z');
    await forged.git.checkout(['-q', 'main']);
    await commitOn(
      forged.root,
      ['merge', '-q', '--no-ff', '-m', 'merge touch-up', 'touch-up'],
      '2026-11-15T12:00:00Z',
    );

    expect(await nscReview()).toEqual({ status: 'current', lastReviewedAt: '2026-11-15T12:00:00Z' });
  });

  it('does not count a commit dated after the meeting', async () => {
    await forged.write({ 'reviews/nsc/2026-h1.md': 'Reviewed every rule set. Another typo.\n' });
    await forged.git.add('.');
    await commitOn(forged.root, ['commit', '-q', '-m', 'dated ahead'], '2031-01-01T00:00:00Z');

    expect(await nscReview()).toEqual({ status: 'current', lastReviewedAt: '2026-11-15T12:00:00Z' });
  });
});
