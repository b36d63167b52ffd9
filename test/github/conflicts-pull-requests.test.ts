import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { POLICY_TREE } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghp_plantedConflictsToken0123456789abcdefAB';
const AT = '2026-11-23T15:00:00Z';
const OTHER_HEAD = 'a'.repeat(40);

function proposal(id: string, device: string, start: string, end: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Change ${id}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {devices: [${device}]}
schedule: {start: "${start}", end: "${end}", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/touch.yaml, inventory: inventory/hosts.yaml, limit: ${device}}
`;
}

let standIn: GitHubStandIn;
let repository: TestRepository;

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  repository = await createRepository({
    ...POLICY_TREE,
    'inventory/hosts.yaml': 'all:\n  vars: {ansible_connection: local}\n  hosts: {sw-1: {}, sw-2: {}}\n',
    'playbooks/touch.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
    'changes/mine.yaml': proposal('MINE', 'sw-1', '2026-12-01T02:00', '2026-12-01T03:00'),
  });
  const head = await repository.commit('my change');
  standIn.createPullRequest(REPOSITORY, { number: 7, headSha: head, author: 'dana' });
  standIn.createPullRequest(REPOSITORY, {
    number: 12,
    headSha: OTHER_HEAD,
    author: 'eli',
    files: [
      {
        path: 'changes/theirs.yaml',
        status: 'added',
        content: proposal('THEIRS', 'sw-1', '2026-12-01T02:30', '2026-12-01T03:30'),
      },
      { path: 'changes/broken.yaml', status: 'added', content: 'id: [unclosed\n' },
      { path: 'playbooks/other.yaml', status: 'added', content: '- hosts: all\n' },
      { path: 'changes/gone.yaml', status: 'removed' },
    ],
  });
});

afterAll(async () => {
  await standIn.close();
  await repository.remove();
});

describe('validate --github: conflicts with other open pull requests', () => {
  it('names the other pull request and its author, reading only its changed proposals at its head', async () => {
    const before = standIn.requests.length;

    const result = await runCli(['validate', '--github', '--pr', '7', '--at', AT, '--format', 'json'], {
      cwd: repository.root,
      env: {
        GITHUB_API_URL: standIn.url,
        GITHUB_TOKEN: TOKEN,
        GITHUB_REPOSITORY: REPOSITORY,
        GITHUB_RUN_ID: '99',
      },
    });
    const report = JSON.parse(result.stdout) as ValidationReport;
    const mine = report.proposals.find((entry) => entry.id === 'MINE');
    const made = standIn.requests.slice(before);
    const count = (operation: string) => made.filter((request) => request.operationId === operation).length;

    expect(result.exitCode).toBe(1);
    expect(mine?.findings.find((finding) => finding.ruleId === 'conflict')).toMatchObject({
      severity: 'error',
      message: 'conflicts with pull request #12 by @eli (THEIRS): both change sw-1',
      nextAllowed: { start: '2026-12-01T09:30:00Z', end: '2026-12-01T10:30:00Z' },
    });
    expect(mine?.conflicts?.[0]?.source).toEqual({
      kind: 'pull-request',
      number: 12,
      author: 'eli',
      headSha: OTHER_HEAD,
    });
    expect(result.stderr).toContain(
      'pull request #12 (changes/broken.yaml) skipped: not a valid proposal there',
    );
    expect(count('pulls/list')).toBe(1);
    expect(count('pulls/list-files')).toBe(1);
    expect(count('repos/get-content')).toBe(2);
    expect(standIn.violations).toEqual([]);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });

  it("lists the other pull request's proposal as pending in the schedule, with its conflict", async () => {
    const result = await runCli(
      ['schedule', '--github', '--from', '2026-11-30T00:00:00Z', '--days', '7', '--format', 'json'],
      {
        cwd: repository.root,
        env: { GITHUB_API_URL: standIn.url, GITHUB_TOKEN: TOKEN, GITHUB_REPOSITORY: REPOSITORY },
      },
    );

    expect(result.exitCode).toBe(0);
    const listing = JSON.parse(result.stdout);
    const theirs = listing.changes.find((change: { id: string }) => change.id === 'THEIRS');
    expect(theirs).toMatchObject({
      state: 'pending',
      file: 'changes/theirs.yaml',
      source: { kind: 'pull-request', number: 12, author: 'eli' },
    });
    expect(listing.conflicts).toEqual([expect.objectContaining({ a: 'MINE', b: 'THEIRS' })]);
    expect(standIn.violations).toEqual([]);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TOKEN);
  });
});
