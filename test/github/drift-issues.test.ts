import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NetchangeError } from '../../src/core/errors.js';
import type { DomainAnswer } from '../../src/drift/domain.js';
import type { DriftReport, DriftTargetReport } from '../../src/drift/model.js';
import {
  DRIFT_LABEL,
  type DriftIssueOptions,
  driftMarker,
  postDriftIssues,
  publishDriftIssues,
} from '../../src/github/drift-issues.js';
import { createOctokitGitHub } from '../../src/github/octokit-github.js';
import type { GitHubPort } from '../../src/github/port.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';

const REPOSITORY = 'acme/lab-network';
const FIRST_SEEN = '2026-12-02T08:14:00Z';
const R2_DIFF = [
  '--- running',
  '+++ intended',
  '@@ -12,3 +12,3 @@',
  ' interface eth-r3',
  '- ip ospf cost 500',
  '+ ip ospf cost 10',
].join('\n');

const OWNERS: ReadonlyMap<string, DomainAnswer> = new Map<string, DomainAnswer>([
  [
    'r2',
    {
      ok: true,
      owners: {
        domain: 'routing',
        foundBy: 'variable',
        detail: 'netchange_domain: routing',
        teams: { responsible: 'partner-noc', accountable: 'netops', consulted: [], informed: ['cab'] },
      },
    },
  ],
]);
const OPTIONS: DriftIssueOptions = {
  timeZone: 'America/Chicago',
  owners: OWNERS,
  githubTeams: new Map([['netops', 'acme/netops']]),
};

let standIn: GitHubStandIn;
let github: GitHubPort;

function target(name: string, overrides: Partial<DriftTargetReport> = {}): DriftTargetReport {
  return {
    target: name,
    kind: 'ansible',
    status: 'drifted',
    diff: R2_DIFF,
    firstSeen: FIRST_SEEN,
    lastSeen: FIRST_SEEN,
    explanation: { kind: 'out-of-band' },
    ignored: [],
    ...overrides,
  };
}

function report(checkedAt: string, targets: DriftTargetReport[]): DriftReport {
  const drifted = targets.filter((entry) => entry.status === 'drifted').length;
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: '0.1.0' },
    checkedAt,
    ok: drifted === 0,
    commit: 'c0ffee0123456789abcdef0123456789abcdef01',
    targets,
    findings: [],
    summary: {
      targets: targets.length,
      drifted,
      inSync: targets.filter((entry) => entry.status === 'in-sync').length,
      ignored: 0,
      errors: 0,
    },
  };
}

function drifted(checkedAt: string, overrides: Partial<DriftTargetReport> = {}): DriftReport {
  return report(checkedAt, [target('r2', { lastSeen: checkedAt, ...overrides })]);
}

function issuesOf(name: string) {
  return [...standIn.repository(REPOSITORY).issues.values()].filter((issue) =>
    issue.body.includes(driftMarker(name)),
  );
}

/** The requests made since the log was last reset, as `METHOD operation`. */
function requestLog(): string[] {
  return standIn.requests.map((request) => `${request.method} ${request.operationId ?? request.path}`);
}

beforeAll(async () => {
  standIn = await startGitHubStandIn();
  standIn.createRepository(REPOSITORY);
  github = await createOctokitGitHub({
    auth: { token: standIn.token },
    apiUrl: standIn.url,
    repository: REPOSITORY,
  });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
  standIn.resetLog();
});

afterAll(async () => {
  await standIn.close();
});

// why: one story in order, as hourly runs see it: each step starts from the state the last one left.
describe('drift issues on GitHub', () => {
  it('opens one labelled issue for an out-of-band drift, with the diff, the times, the teams and the ways out', async () => {
    const outcomes = await publishDriftIssues(github, drifted('2026-12-02T09:00:00Z'), OPTIONS);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['created']);
    const [issue] = issuesOf('r2');
    expect(issue?.title).toBe('Drift: r2 changed outside netchange');
    expect(issue?.labels).toEqual([DRIFT_LABEL]);
    expect(issue?.state).toBe('open');
    expect(issue?.body).toContain('```diff\n--- running\n+++ intended');
    expect(issue?.body).toContain('- ip ospf cost 500\n+ ip ospf cost 10\n```');
    expect(issue?.body).toContain('| First seen | Wed 2 Dec 2026 02:14 CST (08:14Z) |');
    expect(issue?.body).toContain('Last seen: Wed 2 Dec 2026 03:00 CST (09:00Z)');
    expect(issue?.body).toContain('**Out-of-band:** no netchange change explains it');
    expect(issue?.body).toContain('| Domain | routing (netchange_domain: routing) |');
    expect(issue?.body).toContain('| Responsible | partner-noc |');
    expect(issue?.body).toContain('| Accountable | netops (@acme/netops) |');
    expect(issue?.body).toContain('| Informed | cab |');
    expect(issue?.body).toContain('1. **Adopt**');
    expect(issue?.body).toContain(
      '2. **Revert** — the intended state is right: run `netchange drift --propose`',
    );
    expect(issue?.body).toContain(
      '3. **Waive** — the difference is expected: add an ignore rule for r2 to `policies/drift.yaml`',
    );
    expect(requestLog()).toEqual(['GET issues/list-for-repo', 'POST issues/create']);
  });

  it('an unchanged run an hour later makes one request and writes nothing, though "last seen" moved', async () => {
    const before = issuesOf('r2')[0]?.body;

    const outcomes = await publishDriftIssues(github, drifted('2026-12-02T10:00:00Z'), OPTIONS);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['unchanged']);
    expect(standIn.requests.length).toBeLessThanOrEqual(2);
    expect(standIn.requests.every((request) => request.method === 'GET')).toBe(true);
    expect(issuesOf('r2')[0]?.body).toBe(before);
  });

  it('a changed diff edits the same issue in place', async () => {
    const number = issuesOf('r2')[0]?.number;
    const diff = `${R2_DIFF}\n- ip ospf hello-interval 1\n+ ip ospf hello-interval 10`;

    const outcomes = await publishDriftIssues(github, drifted('2026-12-02T11:00:00Z', { diff }), OPTIONS);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['updated']);
    expect(issuesOf('r2').map((issue) => issue.number)).toEqual([number]);
    expect(issuesOf('r2')[0]?.body).toContain('+ ip ospf hello-interval 10');
    expect(requestLog()).toEqual(['GET issues/list-for-repo', 'PATCH issues/update']);
  });

  it('a failed check leaves the issue as it is', async () => {
    const failed = report('2026-12-02T11:30:00Z', [
      target('r2', {
        status: 'error',
        diff: '',
        firstSeen: null,
        lastSeen: null,
        explanation: null,
        error: 'unreachable',
      }),
    ]);

    const outcomes = await publishDriftIssues(github, failed, OPTIONS);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['none']);
    expect(issuesOf('r2')[0]?.state).toBe('open');
    expect(requestLog()).toEqual(['GET issues/list-for-repo']);
  });

  it('closes the issue with a comment when the drift is gone', async () => {
    const number = issuesOf('r2')[0]?.number as number;
    const inSync = report('2026-12-02T12:00:00Z', [
      target('r2', { status: 'in-sync', diff: '', firstSeen: null, lastSeen: null, explanation: null }),
    ]);

    const outcomes = await publishDriftIssues(github, inSync, OPTIONS);

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['closed']);
    expect(issuesOf('r2')[0]?.state).toBe('closed');
    expect(standIn.comments(REPOSITORY, number).map((comment) => comment.body)).toEqual([
      'The drift is gone: r2 matches its intended state again (checked Wed 2 Dec 2026 06:00 CST (12:00Z)). Closing; this issue reopens if it drifts again.',
    ]);
  });

  it('a second in-sync run writes nothing', async () => {
    const inSync = report('2026-12-02T13:00:00Z', [
      target('r2', { status: 'in-sync', diff: '', firstSeen: null, lastSeen: null, explanation: null }),
    ]);

    await publishDriftIssues(github, inSync, OPTIONS);

    expect(requestLog()).toEqual(['GET issues/list-for-repo']);
  });

  it('reopens the same issue with a comment when the drift returns', async () => {
    const number = issuesOf('r2')[0]?.number as number;

    const outcomes = await publishDriftIssues(
      github,
      drifted('2026-12-02T20:00:00Z', { firstSeen: '2026-12-02T19:10:00Z' }),
      OPTIONS,
    );

    expect(outcomes.map((outcome) => outcome.action)).toEqual(['reopened']);
    expect(issuesOf('r2').map((issue) => [issue.number, issue.state])).toEqual([[number, 'open']]);
    expect(issuesOf('r2')[0]?.body).toContain('| First seen | Wed 2 Dec 2026 13:10 CST (19:10Z) |');
    expect(standIn.comments(REPOSITORY, number).at(-1)?.body).toBe(
      'The drift is back: r2 differs from its intended state again (seen Wed 2 Dec 2026 14:00 CST (20:00Z)). The description shows the new diff.',
    );
  });

  it('keeps one issue per target: a second drifted target gets its own, explained drift a fitting title', async () => {
    const both = report('2026-12-02T21:00:00Z', [
      target('r2', { lastSeen: '2026-12-02T21:00:00Z', firstSeen: '2026-12-02T19:10:00Z' }),
      target('r3--edge', {
        diff: '--- running\n+++ intended\n-ip ospf cost 5\n+ip ospf cost 50',
        explanation: {
          kind: 'merged-not-applied',
          proposal: {
            id: 'CHG-2026-0302',
            file: 'changes/chg-0302-ospf-cost.yaml',
            slot: { start: '2026-12-08T01:00:00Z', end: '2026-12-08T02:00:00Z' },
          },
        },
      }),
    ]);

    const outcomes = await publishDriftIssues(github, both, OPTIONS);

    expect(outcomes.map((outcome) => [outcome.target, outcome.action])).toEqual([
      ['r2', 'unchanged'],
      ['r3--edge', 'created'],
    ]);
    const [r3] = issuesOf('r3--edge');
    expect(r3?.title).toBe('Drift: r3--edge waits for CHG-2026-0302 (merged, not applied yet)');
    expect(r3?.body).toContain('Its slot: Mon 7 Dec 2026 19:00–20:00 CST (8 Dec 01:00–02:00Z)');
    expect(r3?.body.startsWith('<!-- netchange:drift:r3%2D-edge -->')).toBe(true);
    expect(r3?.body).toContain('| Domain | unknown |');
    expect(issuesOf('r2')).toHaveLength(1);
    expect(standIn.repository(REPOSITORY).issues.size).toBe(2);
  });

  it('a diff too long for GitHub is cut with a note and the fence still closes', async () => {
    const long = Array.from(
      { length: 4000 },
      (_, index) => `+ip prefix-list big seq ${index} permit 10.0.0.0/8`,
    ).join('\n');

    await publishDriftIssues(github, report('2026-12-02T22:00:00Z', [target('r4', { diff: long })]), OPTIONS);

    const [r4] = issuesOf('r4');
    expect(r4?.body.length).toBeLessThanOrEqual(65_536);
    expect(r4?.body).toMatch(/more characters of the diff: run `netchange drift` for all of it\.\n```\n/);
    expect(r4?.body).toContain('3. **Waive**');
  });
});

describe('postDriftIssues (what `drift --github` calls)', () => {
  const OTHER = 'acme/redaction';
  const PASTED = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';

  it('connects from the environment and posts nothing secret: neither its token nor a token pasted on the device', async () => {
    standIn.createRepository(OTHER);
    const env = { GITHUB_TOKEN: standIn.token, GITHUB_REPOSITORY: OTHER, GITHUB_API_URL: standIn.url };
    const leaky = `${R2_DIFF}\n+ snmp-server community ${standIn.token}\n- username admin secret ${PASTED}`;

    const posted = await postDriftIssues({
      report: drifted('2026-12-02T09:00:00Z', { diff: leaky }),
      env,
      warn: () => {},
      ...OPTIONS,
    });

    expect(posted.repository).toBe(OTHER);
    expect(posted.outcomes.map((outcome) => outcome.action)).toEqual(['created']);
    const [issue] = [...standIn.repository(OTHER).issues.values()];
    expect(issue?.body).toContain('+ snmp-server community ');
    expect(issue?.body).not.toContain(standIn.token);
    expect(issue?.body).not.toContain(PASTED);
  });

  it('a GitHub failure after retries is E_GITHUB saying the report is complete and the command can run again', async () => {
    const env = {
      GITHUB_TOKEN: standIn.token,
      GITHUB_REPOSITORY: OTHER,
      GITHUB_API_URL: standIn.url,
      NETCHANGE_GITHUB_RETRIES: '0',
    };
    standIn.failNext(1, 502);

    const failure = await postDriftIssues({
      report: drifted('2026-12-02T10:00:00Z', { diff: `${R2_DIFF}\n+ changed` }),
      env,
      warn: () => {},
      ...OPTIONS,
    }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(NetchangeError);
    expect((failure as NetchangeError).code).toBe('E_GITHUB');
    expect((failure as NetchangeError).message).toMatch(/^could not keep the drift issues: /);
    expect((failure as NetchangeError).hint).toContain(
      'run the command again (it edits the issues in place)',
    );
  });
});
