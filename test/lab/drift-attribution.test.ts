import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport, DriftTargetReport } from '../../src/drift/model.js';
import { mergePullRequest } from '../support/frr-lab.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { useLabSession } from '../support/lab-session.js';
import { runCli } from '../support/run-cli.js';

// Real routers, real git, the real CLI: how `netchange drift` explains what it finds, and the living
// GitHub issue it keeps, as the hourly workflow would see one night unfold. One story in order: each
// step starts from the state the last one left.

const REPOSITORY = 'acme/lab-network';
const session = useLabSession('attr');
let standIn: GitHubStandIn;

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.createRepository(REPOSITORY);
});
afterAll(async () => {
  await standIn?.close();
});

function githubEnv(): Record<string, string> {
  return { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: REPOSITORY };
}

async function drift(...args: string[]): Promise<{ exitCode: number; report: DriftReport; stderr: string }> {
  const env = args.includes('--github') ? { ...session.lab.env, ...githubEnv() } : session.lab.env;
  const result = await runCli(['drift', '--format', 'json', ...args], { cwd: session.repository.root, env });
  return {
    exitCode: result.exitCode,
    report: JSON.parse(result.stdout) as DriftReport,
    stderr: result.stderr,
  };
}

function target(report: DriftReport, name: string): DriftTargetReport {
  const found = report.targets.find((entry) => entry.target === name);
  if (!found) throw new Error(`no target ${name} in ${JSON.stringify(report.targets)}`);
  return found;
}

async function configure(router: string, ...commands: string[]): Promise<void> {
  await execa('vtysh', [
    '-N',
    `${session.lab.prefix}-${router}`,
    '-c',
    'conf t',
    ...commands.flatMap((command) => ['-c', command]),
  ]);
}

async function git(...args: string[]): Promise<string> {
  return String((await execa('git', args, { cwd: session.repository.root })).stdout);
}

/** Applies a lab proposal from the branch checked out, as the apply workflow would. */
async function apply(name: string): Promise<void> {
  const applied = await session.netchange('apply', `changes/${name}.yaml`, '--approvals', 'approvals.yaml');
  expect(applied.exitCode, applied.stderr).toBe(0);
}

function driftIssues() {
  return [...standIn.repository(REPOSITORY).issues.values()].filter((issue) =>
    issue.labels.includes('netchange-drift'),
  );
}

describe('netchange drift explains each drift, on four FRR routers', () => {
  it('explains r1 running a change applied from a pull request that is not merged yet', async () => {
    await git('checkout', '-q', '-b', 'chg-0301');
    await mergePullRequest(session.repository, 'chg-0301-loopback');
    await apply('chg-0301-loopback');
    const branchCommit = (await git('rev-parse', 'HEAD')).trim();
    await git('checkout', '-q', 'main');

    const { exitCode, report } = await drift();

    expect(exitCode).toBe(1);
    expect(target(report, 'r1')).toMatchObject({
      status: 'drifted',
      explanation: {
        kind: 'applied-not-merged',
        proposal: { id: 'CHG-2026-0301' },
        evidence: { commit: branchCommit },
      },
    });
    expect(target(report, 'r1').diff).toContain('10.255.1.1/32');
  }, 180_000);

  it('explains r2 behind a merged change that is not applied yet, naming the proposal and its slot', async () => {
    await mergePullRequest(session.repository, 'chg-0302-ospf-cost');

    const { report } = await drift();

    expect(target(report, 'r2')).toMatchObject({
      status: 'drifted',
      explanation: {
        kind: 'merged-not-applied',
        proposal: { id: 'CHG-2026-0302', file: 'changes/chg-0302-ospf-cost.yaml' },
      },
    });
    expect(target(report, 'r2').explanation?.proposal?.slot?.start).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(target(report, 'r2').diff).toContain('+ ip ospf cost 50');
  }, 180_000);

  it('does not let a pending change hide a hand edit on the same router: out-of-band', async () => {
    await configure('r2', 'interface eth-r1', 'ip ospf cost 33');

    const { report } = await drift();

    expect(target(report, 'r2')).toMatchObject({ status: 'drifted', explanation: { kind: 'out-of-band' } });
    expect(target(report, 'r2').diff).toContain('- ip ospf cost 33');
  }, 180_000);

  it('opens one living issue per drifted router, then an unchanged run makes at most 2 requests and writes nothing', async () => {
    const first = await drift('--github', '--at', '2026-12-02T02:30:00Z');
    expect(first.exitCode, first.stderr).toBe(1);
    expect(standIn.violations).toEqual([]);
    const titles = driftIssues()
      .map((issue) => issue.title)
      .sort();
    expect(titles).toHaveLength(2);
    expect(titles).toContain('Drift: r2 changed outside netchange');
    const r2 = driftIssues().find((issue) => issue.title === 'Drift: r2 changed outside netchange');
    expect(r2?.body).toContain('- ip ospf cost 33');
    expect(r2?.body).toContain('routing');

    standIn.resetLog();
    const again = await drift('--github', '--at', '2026-12-02T03:30:00Z');

    expect(again.exitCode).toBe(1);
    expect(standIn.requests.length).toBeLessThanOrEqual(2);
    expect(standIn.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(target(again.report, 'r2').firstSeen).toBe(target(first.report, 'r2').firstSeen);
  }, 180_000);

  it('closes the issue with a comment once r2 is in sync again, and records the drift as resolved', async () => {
    await configure('r2', 'interface eth-r1', 'no ip ospf cost 33');
    await apply('chg-0302-ospf-cost');
    standIn.resetLog();

    const { report } = await drift('--github', '--at', '2026-12-02T04:30:00Z');

    expect(target(report, 'r2')).toMatchObject({ status: 'in-sync', explanation: null, firstSeen: null });
    expect(standIn.violations).toEqual([]);
    const r2 = driftIssues().find((issue) => issue.body.includes('netchange:drift:r2'));
    expect(r2?.state).toBe('closed');
    const comments = standIn.repository(REPOSITORY).comments.map((comment) => comment.body);
    expect(comments.some((body) => body.startsWith('The drift is gone: r2'))).toBe(true);
    const exported = await session.netchange('audit', 'export', '--format', 'json');
    expect(exported.exitCode, exported.stderr).toBe(0);
    const kinds = (
      JSON.parse(exported.stdout) as { records: { kind: string; target?: { name: string } }[] }
    ).records
      .filter((record) => record.target?.name === 'r2')
      .map((record) => record.kind);
    expect(kinds).toContain('drift-detected');
    expect(kinds.at(-1)).toBe('drift-resolved');
  }, 180_000);
});
