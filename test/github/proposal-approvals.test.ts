import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProposalReport, ValidationReport } from '../../src/core/model.js';
import { type GitHubStandIn, startGitHubStandIn } from '../support/github-stand-in/index.js';
import { LAB_RENDER_VLAN, labInventory, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const REPOSITORY = 'acme/plant-network';
const TOKEN = 'ghp_plantedApprovalsToken0123456789abcdefAB';

// why: a board (cab) must approve every low-risk change, so carol's word decides each proposal.
const POLICY = `apiVersion: netchange/v1
kind: ChangeControlPolicy
teams:
  netops: {kind: internal, members: [alice, bob]}
  partner-noc: {kind: partner, members: [dana, eli]}
  cab: {kind: board, members: [carol, erin]}
raci:
  switching: {responsible: partner-noc, accountable: netops}
changeTypes:
  standard: {templates: [vlan-add], maxRisk: low}
  normal: {}
  emergency: {bypassWindows: true, requireIncident: true, retrospectiveWithin: P2D}
approvals:
  - {when: {risks: [low]}, require: [{team: cab, count: 1}]}
separationOfDuties: true
crossTeam: false
policyOwners: [netops]
`;

function proposal(id: string, host: string, vlan: number, requester: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Add VLAN ${vlan}
requester: {team: ${requester === 'erin' ? 'cab' : 'partner-noc'}, github: ${requester}}
type: normal
domain: switching
risk: low
targets: {sites: [lab], devices: [${host}]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: ${host}, extraVars: {vlan_id: ${vlan}}}
`;
}

const APPROVE_0147 = 'changes/chg-0147.yaml';
const HOLD_0149 = 'changes/chg-0149.yaml';

let standIn: GitHubStandIn;
let repository: TestRepository;
let head: string;
const outputs: CliResult[] = [];

async function netchange(args: string[]): Promise<CliResult> {
  const result = await runCli(args, {
    cwd: repository.root,
    env: {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: TOKEN,
      GITHUB_REPOSITORY: REPOSITORY,
      GITHUB_ACTOR: 'eli',
      GITHUB_RUN_ID: '4243',
    },
  });
  outputs.push(result);
  return result;
}

/** `validate --github --pr N --format json`: the reviews are read as approvals and holds. */
async function validatePull(pull: number): Promise<{ result: CliResult; byId: Map<string, ProposalReport> }> {
  const result = await netchange(['validate', '--github', '--pr', String(pull), '--format', 'json']);
  const report = JSON.parse(result.stdout) as ValidationReport;
  return { result, byId: new Map(report.proposals.map((entry) => [entry.id, entry])) };
}

function messages(entry: ProposalReport | undefined): string[] {
  return (entry?.findings ?? []).map((finding) => finding.message);
}

async function deviceConfig(host: string): Promise<string> {
  const file = path.join(repository.root, 'state', `${host}.cfg`);
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

function at(minute: number): string {
  return `2026-12-02T10:${String(minute).padStart(2, '0')}:00Z`;
}

beforeAll(async () => {
  standIn = await startGitHubStandIn({ token: TOKEN });
  standIn.createRepository(REPOSITORY);
  repository = await createRepository({
    'policies/change-control.yaml': POLICY,
    'inventory/hosts.yaml': labInventory(['sw-lab-01', 'sw-lab-02', 'sw-lab-03']),
    'playbooks/vlans.yaml': LAB_RENDER_VLAN,
    [APPROVE_0147]: proposal('CHG-2026-0147', 'sw-lab-01', 147, 'dana'),
    [HOLD_0149]: proposal('CHG-2026-0149', 'sw-lab-02', 149, 'dana'),
    'changes/chg-0150.yaml': proposal('CHG-2026-0150', 'sw-lab-03', 150, 'erin'),
    '.gitignore': 'state/\n.netchange/\nrun/\n',
  });
  head = await repository.commit('three VLANs for the lab');
  for (const number of [1, 2, 3, 4, 5])
    standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana' });
});

afterEach(() => {
  expect(standIn.violations).toEqual([]);
});

afterAll(async () => {
  for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toContain(TOKEN);
  await standIn.close();
  await repository.remove();
});

describe('per-proposal approvals and holds from pull-request reviews', () => {
  it('lets the board approve CHG-2026-0147 and hold CHG-2026-0149 in one review; apply runs one and refuses the other', async () => {
    standIn.addReview(REPOSITORY, 1, {
      user: 'carol',
      state: 'COMMENTED',
      body: 'Line 3 is fine.\n/NetChange approve CHG-2026-0147\n/netchange hold CHG-2026-0149 — wait for the PLC vendor',
      submittedAt: at(1),
    });

    const { result, byId } = await validatePull(1);
    const held = await netchange(['apply', HOLD_0149, '--pr', '1']);
    const applied = await netchange(['apply', APPROVE_0147, '--pr', '1']);

    expect(result.exitCode).toBe(1);
    expect(byId.get('CHG-2026-0147')?.ok).toBe(true);
    expect(byId.get('CHG-2026-0147')?.approvals.required[0]?.approvedBy).toEqual(['carol']);
    expect(byId.get('CHG-2026-0149')?.ok).toBe(false);
    expect(byId.get('CHG-2026-0149')?.holds).toMatchObject([{ user: 'carol', proposal: 'CHG-2026-0149' }]);
    expect(byId.get('CHG-2026-0149')?.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'approval',
        policy: 'hold',
        severity: 'error',
        message: 'held by carol',
      }),
    );
    // why: the words after the id ("— wait for …") are not ids, but they name no proposal either.
    expect(byId.get('CHG-2026-0149')?.approvals.satisfied).toBe(false);
    expect(held.exitCode, held.stderr).toBe(1);
    expect(held.stderr).toContain('held by carol');
    expect(await deviceConfig('sw-lab-02')).toBe('');
    expect(applied.exitCode, applied.stderr).toBe(0);
    expect(await deviceConfig('sw-lab-01')).toContain('vlan 147');
  });

  it('approves everything but the held proposal when the review approves and holds, and a later approving review lifts the hold', async () => {
    standIn.addReview(REPOSITORY, 2, {
      user: 'carol',
      state: 'APPROVED',
      body: '/netchange hold CHG-2026-0149',
      submittedAt: at(1),
    });
    const before = await validatePull(2);
    standIn.addReview(REPOSITORY, 2, {
      user: 'carol',
      state: 'COMMENTED',
      body: 'still reading',
      submittedAt: at(2),
    });
    const afterComment = await validatePull(2);
    standIn.addReview(REPOSITORY, 2, {
      user: 'carol',
      state: 'APPROVED',
      body: 'vendor agreed',
      submittedAt: at(3),
    });

    const after = await validatePull(2);

    expect(before.byId.get('CHG-2026-0147')?.ok).toBe(true);
    expect(messages(before.byId.get('CHG-2026-0149'))).toContain('held by carol');
    expect(before.byId.get('CHG-2026-0149')?.approvals.required[0]?.approvedBy).toEqual([]);
    expect(messages(afterComment.byId.get('CHG-2026-0149'))).toContain('held by carol');
    expect(after.byId.get('CHG-2026-0149')?.holds).toBeUndefined();
    expect(messages(after.byId.get('CHG-2026-0149'))).not.toContain('held by carol');
    expect(after.byId.get('CHG-2026-0149')?.approvals.satisfied).toBe(true);
  });

  it('does not count a per-proposal approval given on an older commit, and says why', async () => {
    standIn.addReview(REPOSITORY, 3, {
      user: 'carol',
      state: 'COMMENTED',
      body: '/netchange approve CHG-2026-0147',
      commitId: 'b'.repeat(40),
      submittedAt: at(1),
    });

    const { byId } = await validatePull(3);
    const commented = await netchange(['comment', '--pr', '3']);

    expect(byId.get('CHG-2026-0147')?.approvals.satisfied).toBe(false);
    expect(messages(byId.get('CHG-2026-0147')).join('\n')).toMatch(
      /approval by carol was given for another commit/,
    );
    expect(messages(byId.get('CHG-2026-0149')).join('\n')).not.toContain('carol');
    expect(commented.exitCode, commented.stderr).toBe(0);
    expect(commented.stdout).toContain('approvals on an older commit do not count: carol');
    expect(standIn.comments(REPOSITORY, 3).at(-1)?.body).toMatch(/carol was given for another commit/);
  });

  it("does not count the requester's own /netchange approve, and warns about an id that names no proposal", async () => {
    standIn.addReview(REPOSITORY, 4, {
      user: 'erin',
      state: 'COMMENTED',
      body: '/netchange approve CHG-2026-0150, CHG-2026-0194',
      submittedAt: at(1),
    });

    const result = await netchange(['validate', '--github', '--pr', '4', '--format', 'json']);
    const report = JSON.parse(result.stdout) as ValidationReport;

    const own = report.proposals.find((entry) => entry.id === 'CHG-2026-0150');
    expect(own?.approvals.satisfied).toBe(false);
    expect(messages(own).join('\n')).toContain("erin's own approval does not count");
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'approval',
        severity: 'warning',
        message: expect.stringMatching(/erin.*CHG-2026-0194/),
      }),
    );
  });
});

describe('the pull request author', () => {
  it('cannot approve a proposal with a comment review, as GitHub refuses their approving review', async () => {
    standIn.createPullRequest(REPOSITORY, { number: 6, headSha: head, author: 'carol' });
    standIn.addReview(REPOSITORY, 6, {
      user: 'carol',
      state: 'COMMENTED',
      body: '/netchange approve CHG-2026-0147',
      submittedAt: at(1),
    });

    const { byId } = await validatePull(6);

    expect(byId.get('CHG-2026-0147')?.approvals.required[0]?.approvedBy).toEqual([]);
  });
});

describe('per-proposal approvals and holds from --approvals FILE', () => {
  it('counts proposal-scoped entries for their proposal only, and a hold blocks apply', async () => {
    await writeFile(
      path.join(repository.root, 'approvals.yaml'),
      [
        '- {user: carol, proposal: CHG-2026-0150}',
        '- {user: erin, proposal: CHG-2026-0149}',
        '- {user: carol, proposal: CHG-2026-0149, hold: true}',
        '',
      ].join('\n'),
    );

    const validated = await netchange(['validate', '--approvals', 'approvals.yaml', '--format', 'json']);
    const applied = await netchange(['apply', HOLD_0149, '--approvals', 'approvals.yaml']);

    const byId = new Map(
      (JSON.parse(validated.stdout) as ValidationReport).proposals.map((entry) => [entry.id, entry]),
    );
    expect(byId.get('CHG-2026-0150')?.approvals.satisfied).toBe(true);
    expect(byId.get('CHG-2026-0147')?.approvals.satisfied).toBe(false);
    // why: erin's approval satisfies CHG-2026-0149's requirement; carol's hold still stops it.
    expect(byId.get('CHG-2026-0149')?.approvals.satisfied).toBe(true);
    expect(byId.get('CHG-2026-0149')?.ok).toBe(false);
    expect(byId.get('CHG-2026-0149')?.holds).toEqual([{ user: 'carol', proposal: 'CHG-2026-0149' }]);
    expect(applied.exitCode).toBe(1);
    expect(applied.stderr).toContain('held by carol');
  });

  it('names the file and line of a hold without a proposal (exit 2)', async () => {
    await writeFile(
      path.join(repository.root, 'bad-approvals.yaml'),
      '- {user: carol}\n- {user: carol, hold: true}\n',
    );

    const result = await netchange(['validate', '--approvals', 'bad-approvals.yaml']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('bad-approvals.yaml:2');
    expect(result.stderr).toContain('a hold needs the proposal it holds');
  });
});
