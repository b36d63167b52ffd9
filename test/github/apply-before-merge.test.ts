import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useGitHubSession } from '../support/github-session.js';
import { LAB_CHANGE_CONTROL, LAB_RENDER_VLAN, labInventory, minutesFromNow } from '../support/lab-network.js';
import { createRepository } from '../support/repository.js';

const REPOSITORY = 'acme/lab-network';
const TOKEN = 'ghp_plantedBeforeMergeToken0123456789abcdef';
const PROPOSAL = 'changes/chg-77.yaml';
const MARKER = 'ran-unreviewed-code';

/** An emergency change on sw-lab-01, scheduled around now (emergencies may bypass windows). */
const EMERGENCY = `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-77
title: Restore VLAN 77
requester: {team: partner-noc, github: dana}
type: emergency
incident: INC-0077
domain: switching
risk: low
targets: {sites: [lab], devices: [sw-lab-01]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: America/Chicago}
execution:
  - ansible: {playbook: playbooks/vlans.yaml, inventory: inventory/hosts.yaml, limit: sw-lab-01, extraVars: {vlan_id: 77}}
`;

const session = useGitHubSession(REPOSITORY, TOKEN);
const { cli } = session;

/** A branch off main with the emergency proposal and `files`, opened as pull request `number`. */
async function openPullRequest(number: number, files: Record<string, string>): Promise<string> {
  await session.repository.git.checkout(['-B', `emergency-${number}`, 'main']);
  await session.repository.write({ [PROPOSAL]: EMERGENCY, ...files });
  const head = await session.repository.commit(`emergency ${number}`);
  session.standIn.createPullRequest(REPOSITORY, { number, headSha: head, author: 'dana' });
  return head;
}

async function vlanConfig(): Promise<string> {
  const file = path.join(session.repository.root, 'state', 'sw-lab-01.cfg');
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

beforeAll(async () => {
  session.repository = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml': labInventory(['sw-lab-01']),
    'playbooks/vlans.yaml': LAB_RENDER_VLAN,
    '.gitignore': `state/\n.netchange/\n${MARKER}\n`,
  });
  await session.repository.commit('the lab');
});

describe('apply --pr before the merge judges the change by the policy in force', () => {
  it('refuses a pull request that brings its own approval rules', async () => {
    // why: the partner's branch lets any partner approve anything, and its teammate approves.
    const weakened = LAB_CHANGE_CONTROL.replace(
      '  - {when: {risks: [low]}, require: [{role: responsible, count: 1}]}',
      '  - {require: [{team: partner-noc, count: 1}]}',
    ).replace('crossTeam: true', 'crossTeam: false');
    const head = await openPullRequest(1, { 'policies/change-control.yaml': weakened });
    session.standIn.addReview(REPOSITORY, 1, { user: 'eli', state: 'APPROVED', commitId: head });

    const result = await cli.run(['apply', PROPOSAL, '--pr', '1']);

    expect(weakened).not.toBe(LAB_CHANGE_CONTROL);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'apply refused: #1 is not merged and changes the policy (policies/change-control.yaml)',
    );
    expect(await vlanConfig()).toBe('');
  });

  it('refuses changed code that no code reviewer approved, and runs none of it', async () => {
    const playbook = `${LAB_RENDER_VLAN}    - name: Leave a mark on the runner
      ansible.builtin.file: {path: "{{ inventory_dir }}/../${MARKER}", state: touch, mode: "0644"}
      run_once: true
`;
    const head = await openPullRequest(2, { 'playbooks/vlans.yaml': playbook });
    session.standIn.addReview(REPOSITORY, 2, { user: 'eli', state: 'APPROVED', commitId: head });

    const result = await cli.run(['apply', PROPOSAL, '--pr', '2']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'apply refused: #2 is not merged and its code changes in playbooks/vlans.yaml need a review before they run',
    );
    expect(existsSync(path.join(session.repository.root, MARKER))).toBe(false);
    expect(await vlanConfig()).toBe('');
  });

  it('applies it once a code reviewer of the policy in force approved the head commit', async () => {
    const playbook = `${LAB_RENDER_VLAN}    - name: Note the emergency
      ansible.builtin.file: {path: "{{ inventory_dir }}/../${MARKER}", state: touch, mode: "0644"}
      run_once: true
`;
    const head = await openPullRequest(3, { 'playbooks/vlans.yaml': playbook });
    session.standIn.addReview(REPOSITORY, 3, { user: 'eli', state: 'APPROVED', commitId: head });
    session.standIn.addReview(REPOSITORY, 3, { user: 'alice', state: 'APPROVED', commitId: head });

    const result = await cli.run(['apply', PROPOSAL, '--pr', '3']);

    expect(result.stderr).not.toContain('apply refused');
    expect(result.exitCode).toBe(0);
    expect(await vlanConfig()).toContain('vlan 77');
    expect(existsSync(path.join(session.repository.root, MARKER))).toBe(true);
  });

  it('refuses a pull request into another branch than the default: that branch is not the policy in force', async () => {
    // why: anyone with write access can push a branch with its own rules and open the change against it.
    await session.repository.git.checkout(['-B', 'weak', 'main']);
    await session.repository.write({
      'policies/change-control.yaml': LAB_CHANGE_CONTROL.replace('crossTeam: true', 'crossTeam: false'),
    });
    await session.repository.commit('weaker rules');
    await session.repository.git.checkout(['-B', 'emergency-5', 'weak']);
    const proposal = 'changes/chg-79.yaml';
    await session.repository.write({ [proposal]: EMERGENCY.replace('CHG-77', 'CHG-79') });
    const head = await session.repository.commit('emergency 5');
    session.standIn.createPullRequest(REPOSITORY, {
      number: 5,
      headSha: head,
      author: 'dana',
      baseRef: 'weak',
    });
    session.standIn.addReview(REPOSITORY, 5, { user: 'eli', state: 'APPROVED', commitId: head });

    const result = await cli.run(['apply', proposal, '--pr', '5']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'apply refused: #5 merges into weak, not the default branch main, whose policy is in force',
    );
    expect(await vlanConfig()).not.toContain('vlan 79');
  });

  it('judges a branch forked from an older commit by the base as it is, not by where it forked', async () => {
    // why: the base once had a task it later removed (a reverted commit, or a merged branch's own
    // commits); a branch forked there changes only its proposal, yet its tree still runs that task.
    const dropped = `${LAB_RENDER_VLAN}    - name: A task the base later removed
      ansible.builtin.file: {path: "{{ inventory_dir }}/../${MARKER}-dropped", state: touch, mode: "0644"}
      run_once: true
`;
    await session.repository.git.checkout(['main']);
    await session.repository.write({ 'playbooks/vlans.yaml': dropped });
    const forkPoint = await session.repository.commit('a task');
    await session.repository.write({ 'playbooks/vlans.yaml': LAB_RENDER_VLAN });
    await session.repository.commit('revert the task');
    await session.repository.git.checkout(['-B', 'emergency-4', forkPoint]);
    const proposal = 'changes/chg-78.yaml';
    await session.repository.write({ [proposal]: EMERGENCY.replace('CHG-77', 'CHG-78') });
    const head = await session.repository.commit('emergency 4');
    session.standIn.createPullRequest(REPOSITORY, { number: 4, headSha: head, author: 'dana' });
    session.standIn.addReview(REPOSITORY, 4, { user: 'eli', state: 'APPROVED', commitId: head });

    const result = await cli.run(['apply', proposal, '--pr', '4']);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'apply refused: #4 is not merged and its code changes in playbooks/vlans.yaml need a review before they run',
    );
    expect(result.stderr).toContain('rebase it');
    expect(existsSync(path.join(session.repository.root, `${MARKER}-dropped`))).toBe(false);
  });
});
