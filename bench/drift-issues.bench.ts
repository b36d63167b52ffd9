/**
 * Issue 13's GitHub budget for drift: a `drift --github` run over the lab's four routers whose drift
 * did not change makes at most 2 API requests and writes nothing (counted at the GitHub stand-in,
 * through the real octokit adapter).
 */
import type { DriftReport, DriftTargetReport } from '../src/drift/model.js';
import { publishDriftIssues } from '../src/github/drift-issues.js';
import { createOctokitGitHub } from '../src/github/octokit-github.js';
import { startGitHubStandIn } from '../test/support/github-stand-in/index.js';
import type { BenchFigure } from './harness.js';

const REPOSITORY = 'acme/bench-drift';

function report(checkedAt: string): DriftReport {
  const targets: DriftTargetReport[] = ['r1', 'r2', 'r3', 'r4'].map((target, index) => ({
    target,
    kind: 'ansible',
    status: 'drifted',
    diff: `--- running\n+++ intended\n-ip ospf cost ${500 + index}\n+ip ospf cost 10\n`,
    firstSeen: '2026-12-02T08:14:00Z',
    lastSeen: checkedAt,
    explanation: { kind: 'out-of-band' },
    ignored: [],
  }));
  return {
    schemaVersion: 1,
    tool: { name: 'netchange', version: 'bench' },
    checkedAt,
    ok: false,
    targets,
    findings: [],
    summary: { targets: 4, drifted: 4, inSync: 0, ignored: 0, errors: 0 },
  };
}

export default async function bench(): Promise<BenchFigure[]> {
  const standIn = await startGitHubStandIn();
  try {
    standIn.createRepository(REPOSITORY);
    const github = await createOctokitGitHub({
      auth: { token: standIn.token },
      apiUrl: standIn.url,
      repository: REPOSITORY,
    });
    await publishDriftIssues(github, report('2026-12-02T09:00:00Z'), { timeZone: 'America/Chicago' });
    standIn.resetLog();
    await publishDriftIssues(github, report('2026-12-02T10:00:00Z'), { timeZone: 'America/Chicago' });
    const requests = standIn.requests.length;
    const writes = standIn.requests.filter((request) => request.method !== 'GET').length;
    return [
      {
        name: 'drift --github, 4 drifted routers unchanged: API requests',
        value: requests,
        unit: 'requests',
        budget: 2,
      },
      {
        name: 'drift --github, 4 drifted routers unchanged: writes',
        value: writes,
        unit: 'requests',
        budget: 0,
      },
    ];
  } finally {
    await standIn.close();
  }
}
