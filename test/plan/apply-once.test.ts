/**
 * Apply runs exactly what was reviewed, once (issue: "the gate holds", item 6): uncommitted edits,
 * a repository without commits, a second apply at the same commit and two applies at once are
 * refused before anything touches a device.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, LAB_RENDER_VLAN, labInventory, labProposal } from '../support/lab-network.js';
import { waitUntil } from '../support/processes.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli, startCli } from '../support/run-cli.js';

// why: a step that takes a few seconds, so a second apply can start while the first holds its lock.
const SLOW_RENDER = `- hosts: switches
  gather_facts: false
  tasks:
    # why: the device answers when the test says so (a file appears), not after a fixed time, so a
    # loaded machine cannot let the first run finish before the second one reaches the lock.
    - name: Wait like a slow device
      ansible.builtin.wait_for: {path: "{{ inventory_dir }}/../release", timeout: 120}
      when: not ansible_check_mode
    - name: Render VLAN {{ vlan_id }}
      throttle: 1
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "vlan {{ vlan_id }}"
`;

function proposal(id: string, vlan: number, playbook = 'playbooks/vlans.yaml'): string {
  return labProposal({
    id,
    title: `Add VLAN ${vlan}`,
    steps: `execution:
  - ansible: {playbook: ${playbook}, inventory: inventory/hosts.yaml, limit: sw-lab-01, extraVars: {vlan_id: ${vlan}}}
`,
  });
}

async function labRepository(files: Record<string, string> = {}): Promise<TestRepository> {
  return createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml': labInventory(),
    'playbooks/vlans.yaml': LAB_RENDER_VLAN,
    'playbooks/slow.yaml': SLOW_RENDER,
    'changes/vlan.yaml': proposal('CHG-ONCE', 40),
    'approvals.yaml': '- {user: eli}\n',
    ...files,
  });
}

async function deviceConfig(repository: TestRepository): Promise<string> {
  const file = path.join(repository.root, 'state', 'sw-lab-01.cfg');
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

function apply(repository: TestRepository, extra: string[] = []) {
  return runCli(['apply', 'changes/vlan.yaml', '--approvals', 'approvals.yaml', ...extra], {
    cwd: repository.root,
  });
}

let repository: TestRepository | undefined;
afterEach(async () => {
  await repository?.remove();
  repository = undefined;
});

describe('apply runs exactly what was committed', () => {
  it('refuses an uncommitted edit of the proposal and runs nothing', async () => {
    repository = await labRepository();
    await repository.commit('VLAN 40');
    await repository.write({ 'changes/vlan.yaml': proposal('CHG-ONCE', 666) });

    const result = await apply(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('apply refused for CHG-ONCE: uncommitted changes in what it runs');
    expect(result.stderr).toContain('changes/vlan.yaml');
    expect(await deviceConfig(repository)).toBe('');
  });

  it.each([
    ['an edited playbook', 'playbooks/vlans.yaml', LAB_RENDER_VLAN.replace('vlan {{', 'no vlan {{')],
    ['a new untracked role file', 'playbooks/roles/evil/tasks/main.yaml', '- debug: {msg: hi}\n'],
    ['an untracked ansible.cfg', 'ansible.cfg', '[defaults]\ncallbacks_enabled = evil\n'],
    ['an edited policy', 'policies/change-control.yaml', `${LAB_CHANGE_CONTROL}# edited\n`],
  ])('refuses %s that is not committed', async (_case, file, content) => {
    repository = await labRepository();
    await repository.commit('VLAN 40');
    await repository.write({ [file]: content });

    const result = await apply(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('uncommitted changes in what it runs');
    expect(result.stderr).toContain(file);
    expect(await deviceConfig(repository)).toBe('');
  });

  it('refuses an edit of a tracked file a playbook imports from outside its folder', async () => {
    // why: a playbook may import any file of the work tree (`../shared/…`, or past a monorepo's root).
    repository = await labRepository({
      'shared/tasks/common.yaml': '- ansible.builtin.debug: {msg: shared}\n',
      'playbooks/vlans.yaml': `${LAB_RENDER_VLAN}    - ansible.builtin.import_tasks: ../shared/tasks/common.yaml\n`,
    });
    await repository.commit('VLAN 40');
    await repository.write({ 'shared/tasks/common.yaml': '- ansible.builtin.debug: {msg: edited}\n' });

    const result = await apply(repository);

    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('uncommitted changes in what it runs: shared/tasks/common.yaml');
    expect(await deviceConfig(repository)).toBe('');
  });

  it('does not mind untracked files outside what the change runs (the approvals file)', async () => {
    repository = await labRepository();
    await rm(path.join(repository.root, 'approvals.yaml'));
    await repository.commit('VLAN 40');
    await repository.write({ 'approvals.yaml': '- {user: eli}\n', 'notes/todo.txt': 'later\n' });

    const result = await apply(repository);

    expect(result.exitCode).toBe(0);
    expect(await deviceConfig(repository)).toContain('vlan 40');
  });

  it('refuses in a repository without commits, and outside a git repository', async () => {
    repository = await labRepository();
    const plain = await mkdtemp(path.join(os.tmpdir(), 'netchange-plain-'));
    try {
      for (const file of ['policies/change-control.yaml', 'inventory/hosts.yaml', 'playbooks/vlans.yaml']) {
        await execa('mkdir', ['-p', path.dirname(path.join(plain, file))]);
        await writeFile(path.join(plain, file), await readFile(path.join(repository.root, file)));
      }
      await execa('mkdir', ['-p', path.join(plain, 'changes')]);
      await writeFile(path.join(plain, 'changes/vlan.yaml'), proposal('CHG-ONCE', 40));
      await writeFile(path.join(plain, 'approvals.yaml'), '- {user: eli}\n');

      const noCommits = await apply(repository);
      const noGit = await runCli(['apply', 'changes/vlan.yaml', '--approvals', 'approvals.yaml'], {
        cwd: plain,
      });

      expect(noCommits.exitCode).toBe(1);
      expect(noCommits.stderr).toContain('apply refused for CHG-ONCE: the repository has no commits');
      expect(await deviceConfig(repository)).toBe('');
      expect(noGit.exitCode).toBe(1);
      expect(noGit.stderr).toContain('is not a git repository');
      expect(existsSync(path.join(plain, 'state'))).toBe(false);
    } finally {
      await rm(plain, { recursive: true, force: true });
    }
  });
});

describe('apply runs once', () => {
  it('refuses a second apply at the same commit, and records the reason of a --reapply', async () => {
    repository = await labRepository();
    await repository.commit('VLAN 40');
    const first = await apply(repository);
    await writeFile(path.join(repository.root, 'state', 'sw-lab-01.cfg'), '');

    const second = await apply(repository);
    const blank = await apply(repository, ['--reapply', '  ']);
    const reapplied = await apply(repository, ['--reapply', 'sw-lab-01 replaced after RMA']);
    const exported = await runCli(['audit', 'export', '--format', 'json', '--no-fetch'], {
      cwd: repository.root,
    });

    expect(first.exitCode).toBe(0);
    expect(second.exitCode).toBe(1);
    expect(second.stderr).toMatch(/already applied at commit [0-9a-f]{12} \(evidence record #\d+: succeeded/);
    // when, as people read times (docs/times.md): `Sun 29 Nov 2026 08:00 UTC` in the lab's zone, not RFC 3339
    expect(second.stderr).toMatch(/, by .+ at [A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d UTC\)/);
    expect(second.stderr).not.toMatch(/at \d{4}-\d\d-\d\dT/);
    expect(second.stderr).toContain('--reapply');
    expect(blank.exitCode).toBe(2);
    expect(reapplied.exitCode).toBe(0);
    expect(await deviceConfig(repository)).toContain('vlan 40');
    const records = (
      JSON.parse(exported.stdout).records as { kind: string; reapply?: { reason: string } }[]
    ).filter((record) => record.kind !== 'apply-started');
    expect(records).toHaveLength(2);
    expect(records[0]?.reapply).toBeUndefined();
    expect(records[1]?.reapply).toEqual({ reason: 'sw-lab-01 replaced after RMA' });
  });

  it('holds the device lock locally, so a second apply started meanwhile is refused', async () => {
    repository = await labRepository({
      'changes/vlan.yaml': proposal('CHG-SLOW', 41, 'playbooks/slow.yaml'),
    });
    await repository.commit('a slow change');
    const root = repository.root;
    const slow = startCli(['apply', 'changes/vlan.yaml', '--approvals', 'approvals.yaml'], { cwd: root });
    await waitUntil(async () => (await lockRefs(root)).includes('refs/netchange/locks/device-sw-lab-01'));

    // why: a second runner starting the same change (two proposals on one switch at once would not
    // pass the gate: they conflict); the lock is what stops it while the first one runs.
    const other = await runCli(['apply', 'changes/vlan.yaml', '--approvals', 'approvals.yaml'], {
      cwd: root,
    });
    await writeFile(path.join(root, 'release'), '');
    const finished = await slow;

    expect(other.exitCode).toBe(1);
    expect(other.stderr).toMatch(/lock device-sw-lab-01 is held by .* for CHG-SLOW/);
    expect(other.stderr).toContain('netchange unlock device-sw-lab-01');
    expect(finished.exitCode).toBe(0);
    expect(await deviceConfig(repository)).toBe('vlan 41\n');
    expect(await lockRefs(root)).toEqual([]);
  });

  it('lets an operator release a lock left by a run that died (unlock --local)', async () => {
    repository = await labRepository();
    await repository.commit('VLAN 40');
    const { createGitLockRefs, acquireLocks } = await import('../../src/locks/index.js');
    const head = (await repository.git.revparse(['HEAD'])).trim();
    await acquireLocks(createGitLockRefs(repository.root), ['device-sw-lab-01'], {
      holder: 'a run that died',
      proposal: 'CHG-DEAD',
      now: new Date(),
      ttlMs: 3_600_000,
      commit: head,
    });

    const rehearsed = await apply(repository, ['--dry-run']);
    const refused = await apply(repository);
    const unlocked = await runCli(['unlock', 'device-sw-lab-01', '--local'], { cwd: repository.root });
    const applied = await apply(repository);

    expect(rehearsed.exitCode).toBe(1);
    expect(rehearsed.stdout + rehearsed.stderr).toContain(
      'lock device-sw-lab-01 is held by a run that died for CHG-DEAD now',
    );
    // why: the lock is in the local repository; `unlock` without --local looks for it on GitHub.
    expect(rehearsed.stdout + rehearsed.stderr).toContain('netchange unlock device-sw-lab-01 --local');
    expect(rehearsed.stdout + rehearsed.stderr).not.toContain('later review');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('lock device-sw-lab-01 is held by a run that died for CHG-DEAD');
    expect(refused.stderr).toContain(
      'an operator can release it with: netchange unlock device-sw-lab-01 --local',
    );
    expect(unlocked.exitCode).toBe(0);
    expect(unlocked.stdout).toContain('released lock device-sw-lab-01');
    expect(applied.exitCode).toBe(0);
  });
});

async function lockRefs(root: string): Promise<string[]> {
  const { stdout } = await execa('git', ['for-each-ref', '--format=%(refname)', 'refs/netchange/locks/'], {
    cwd: root,
  });
  return stdout.split('\n').filter(Boolean);
}
