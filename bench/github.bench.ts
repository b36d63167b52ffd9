/**
 * Issue 6's API budgets, counted at the GitHub stand-in while the real CLI runs `netchange comment`:
 * a report for 50 proposals (≤ 10 requests in total) and a re-run with unchanged results (≤ 2
 * requests, no write).
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startGitHubStandIn } from '../test/support/github-stand-in/index.js';
import { createRepository } from '../test/support/repository.js';
import { runCli } from '../test/support/run-cli.js';
import type { BenchFigure } from './harness.js';

const REPOSITORY = 'acme/bench-network';
const PROPOSALS = 50;

const CHANGE_CONTROL = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
changeTypes:
  normal: {leadTime: P1D}
approvals:
  - {when: {risks: [low]}, require: [{role: responsible, count: 1}]}
separationOfDuties: true
crossTeam: true
policyOwners: [netops]
`;

function proposal(index: number): string {
  const day = String(1 + (index % 28)).padStart(2, '0');
  // why: two unknown keys per proposal give 100 annotations, so batching (50 per request) is measured too.
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-GH-${String(index).padStart(3, '0')}
title: Describe port ${index}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-lab-01]}
schedule: {start: "2027-02-${day}T02:00", end: "2027-02-${day}T03:00", timezone: UTC}
execution:
  - ansible: {playbook: playbooks/ports.yaml, inventory: inventory/hosts.yaml, limit: sw-lab-01}
notes: unknown key ${index}
owner: unknown key ${index}
`;
}

export default async function bench(): Promise<BenchFigure[]> {
  const standIn = await startGitHubStandIn();
  const tree: Record<string, string> = {
    'policies/change-control.yaml': CHANGE_CONTROL,
    'inventory/hosts.yaml': 'all:\n  hosts:\n    sw-lab-01: {ansible_connection: local}\n',
    'playbooks/ports.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
  };
  for (let index = 0; index < PROPOSALS; index += 1) tree[`changes/chg-${index}.yaml`] = proposal(index);
  const repository = await createRepository(tree);
  try {
    const head = await repository.commit('fifty proposals');
    standIn.createRepository(REPOSITORY);
    standIn.createPullRequest(REPOSITORY, { number: 1, headSha: head, author: 'dana' });
    const event = path.join(os.tmpdir(), `netchange-bench-event-${process.pid}.json`);
    // why: as GitHub sends it: the payload names the base branch too, so nothing has to ask for it.
    await writeFile(
      event,
      JSON.stringify({ pull_request: { number: 1, head: { sha: head }, base: { ref: 'main' } } }),
    );
    const env = {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: standIn.token,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_EVENT_PATH: event,
    };

    const first = await runCli(['comment'], { cwd: repository.root, env });
    if (first.exitCode !== 0) throw new Error(`netchange comment failed: ${first.stderr}`);
    const firstRequests = standIn.requests.length;
    const annotations = standIn.repository(REPOSITORY).checkRuns[0]?.annotations.length ?? 0;
    standIn.resetLog();
    const second = await runCli(['comment'], { cwd: repository.root, env });
    if (second.exitCode !== 0) throw new Error(`netchange comment failed: ${second.stderr}`);
    const rerunRequests = standIn.requests.length;
    const rerunWrites = standIn.requests.filter((request) => request.method !== 'GET').length;
    if (standIn.violations.length > 0)
      throw new Error(`requests GitHub does not describe: ${standIn.violations.join('; ')}`);
    process.stdout.write(
      `github: 50-proposal report ${firstRequests} requests (${annotations} annotations): ` +
        `re-run ${rerunRequests} requests, ${rerunWrites} writes\n`,
    );
    return [
      {
        name: `comment: report for ${PROPOSALS} proposals, ${annotations} annotations (requests in total)`,
        value: firstRequests,
        unit: 'requests',
        budget: 10,
      },
      {
        name: 'comment: re-run with unchanged results (requests)',
        value: rerunRequests,
        unit: 'requests',
        budget: 2,
      },
      {
        name: 'comment: re-run with unchanged results (writes)',
        value: rerunWrites,
        unit: 'requests',
        budget: 0,
      },
    ];
  } finally {
    await repository.remove();
    await standIn.close();
  }
}
