/**
 * Live holds while a change runs, against the real Alertmanager and real ansible-playbook runs: the
 * maintenance silence (created at the start with the right matchers and window, expired at the end
 * on success and on failure), the hold re-checked between steps (an alert the first step raises at
 * another device stops the run; one the change expects does not), and a silence that cannot be made
 * (a warning; the change goes on).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEvidence } from '../../src/audit/index.js';
import type { ApplyResult } from '../../src/runs/apply-proposal.js';
import { type RunningAlertmanager, startAlertmanager } from '../support/alertmanager.js';
import { LAB_CHANGE_CONTROL, minutesFromNow } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const TOKEN = 'am-bearer-planted-silence-7d1e0b';
/** `${AM_URL}`, as a real repository names its Alertmanager. */
const URL_FROM_ENVIRONMENT = `$${'{'}AM_URL}`;

function policy(options: { grace?: string; onAlert?: 'stop' | 'rollback' } = {}): string {
  return `${LAB_CHANGE_CONTROL}holds:
  alertmanager:
    url: ${URL_FROM_ENVIRONMENT}
    matchers: ['severity=~"critical|major"']
    auth: {bearerTokenEnv: AM_TOKEN}
    timeout: PT1S
    retries: 1
    onError: warn
  silence:
    matchers: ['alertname=~"InterfaceDown|BgpPeerDown"']
${options.grace ? `    grace: ${options.grace}\n` : ''}  duringApply: {onAlert: ${options.onAlert ?? 'stop'}}
  freezes: false
`;
}

/**
 * A step that changes the switch's config and, like a real change taking a link down, raises an alert
 * in Alertmanager (ansible.builtin.uri, run on the runner) when `raise` is given.
 */
const STEP = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render {{ line }}
      throttle: 1
      ansible.builtin.lineinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        line: "{{ line }}"
    - name: The change raises an alert
      when: raise is defined
      run_once: true
      ansible.builtin.uri:
        url: "{{ am_url }}/api/v2/alerts"
        method: POST
        body_format: json
        body: [{labels: "{{ raise }}"}]
        status_code: 200
`;

const FAIL = `- hosts: switches
  gather_facts: false
  tasks:
    - name: The step fails (for real only; its plan succeeds)
      when: not ansible_check_mode
      ansible.builtin.fail: {msg: "commit rejected by the device"}
`;

interface Change {
  site: string;
  device: string;
  /** Labels of the alert the first step raises. */
  raise?: Record<string, string>;
  /** The second step fails. */
  failSecond?: boolean;
  rollback?: boolean;
}

function proposal(change: Change, amUrl: string): string {
  const step = (line: string, extra = '') =>
    `  - ansible: {playbook: playbooks/step.yaml, inventory: inventory/hosts.yaml, limit: ${change.device}, extraVars: {line: "${line}", am_url: "${amUrl}"${extra}}}`;
  const raise = change.raise ? `, raise: ${JSON.stringify(change.raise)}` : '';
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-${change.site}
title: Two steps at ${change.site}
requester: {team: partner-noc, github: dana}
type: standard
template: vlan-add
domain: switching
risk: low
targets: {sites: [${change.site}], devices: [${change.device}]}
schedule: {start: "${minutesFromNow(-10)}", end: "${minutesFromNow(50)}", timezone: America/Chicago}
execution:
${step('vlan 10', raise)}
${change.failSecond ? `  - ansible: {playbook: playbooks/fail.yaml, inventory: inventory/hosts.yaml, limit: ${change.device}}` : step('vlan 20')}
rollback:
  description: Remove the VLANs again
${change.rollback ? `  ansible: {playbook: playbooks/step.yaml, inventory: inventory/hosts.yaml, limit: ${change.device}, extraVars: {line: "rolled back"}}\n` : ''}`;
}

let alertmanager: RunningAlertmanager;
const repositories: TestRepository[] = [];
const outputs: string[] = [];

beforeAll(async () => {
  alertmanager = await startAlertmanager();
});

afterAll(async () => {
  for (const output of outputs) expect(output).not.toContain(TOKEN);
  await alertmanager.stop();
  for (const repository of repositories) await repository.remove();
});

/** Commits a repository with `policyText` and the change, applies it, and returns what it left. */
async function applyChange(change: Change, policyText: string, amUrl = alertmanager.url) {
  const repository = await createRepository({
    'policies/change-control.yaml': policyText,
    'inventory/hosts.yaml': `all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}\n  children:\n    switches:\n      hosts:\n        ${change.device}: {site: ${change.site}}\n`,
    'playbooks/step.yaml': STEP,
    'playbooks/fail.yaml': FAIL,
    'changes/change.yaml': proposal(change, alertmanager.url),
    '.gitignore': 'state/\n.netchange/\n',
  });
  repositories.push(repository);
  const head = await repository.commit('two-step change');
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'netchange-silence-'));
  const approvals = path.join(scratch, 'approvals.yaml');
  await writeFile(approvals, `- {user: eli, commit: ${head}}\n- {user: alice, commit: ${head}}\n`);
  const outDir = path.join(scratch, 'run');
  const run = await runCli(['apply', 'changes/change.yaml', '--approvals', approvals, '--out-dir', outDir], {
    cwd: repository.root,
    env: { AM_URL: amUrl, AM_TOKEN: TOKEN },
  });
  outputs.push(`${run.stdout}${run.stderr}`);
  const result = JSON.parse(await readFile(path.join(outDir, 'result.json'), 'utf8')) as ApplyResult;
  const records = await readEvidence(repository.root);
  await rm(scratch, { recursive: true, force: true });
  const config = async () => {
    const file = path.join(repository.root, 'state', `${change.device}.cfg`);
    return existsSync(file) ? readFile(file, 'utf8') : '';
  };
  return { run, result, record: records.at(-1), config: await config() };
}

async function silenceOf(id: string | undefined) {
  return (await alertmanager.silences()).find((silence) => silence.id === id);
}

describe.concurrent('live holds while a change runs (real Alertmanager, real ansible-playbook)', () => {
  it('a silence scoped to the devices is made at the start and expires at the end of a successful change; an expected alert does not stop it', async () => {
    const { run, result, record, config } = await applyChange(
      {
        site: 'lab-a',
        device: 'sw-a1',
        raise: { alertname: 'InterfaceDown', severity: 'critical', site: 'lab-a', instance: 'sw-a1:9116' },
      },
      policy({ grace: 'PT0S' }),
    );
    const [created] = result.holds?.silences ?? [];
    const listed = await silenceOf(created?.id);

    expect(run.exitCode, run.stderr).toBe(0);
    expect(result.outcome).toBe('applied');
    expect(config).toContain('vlan 20');
    expect(created?.matchers).toEqual([
      'alertname=~"InterfaceDown|BgpPeerDown"',
      'instance=~"(sw-a1)(:.*)?"',
    ]);
    expect(listed?.matchers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'alertname', value: 'InterfaceDown|BgpPeerDown', isRegex: true }),
        expect.objectContaining({ name: 'instance', value: '(sw-a1)(:.*)?', isRegex: true }),
      ]),
    );
    expect(listed?.createdBy).toBe('netchange');
    expect(listed?.comment).toContain('CHG-lab-a');
    expect(listed?.comment).toMatch(/approved by .*eli/);
    // why: made after the plan before applying, right before the first real step.
    expect(Date.parse(created?.startsAt ?? '')).toBeGreaterThanOrEqual(Date.parse(result.startedAt));
    expect(Date.parse(created?.startsAt ?? '')).toBeLessThanOrEqual(
      Date.parse(result.steps[0]?.startedAt ?? ''),
    );
    // why: Alertmanager moves startsAt to its own clock when a silence that has not started by
    // that clock is expired; under the year-ahead suite its clock (Go, no libfaketime) runs a
    // year behind ours, so only what netchange sent is compared with netchange's clock.
    expect(listed?.status.state).toBe('expired');
    expect(created?.expiredAt).toBeDefined();
    expect(result.holds?.alertsAfter.map((alert) => alert.labels.alertname)).toEqual(['InterfaceDown']);
    expect(record?.holds?.silences.map((silence) => silence.id)).toEqual([created?.id]);
    expect(record?.holds?.alertsBefore).toEqual([]);
  });

  it('with a grace period, a successful change leaves the silence to end grace after it finished', async () => {
    const { result } = await applyChange({ site: 'lab-b', device: 'sw-b1' }, policy({ grace: 'PT5M' }));
    const last = result.holds?.silences.at(-1);
    const listed = await silenceOf(last?.id);

    expect(result.outcome).toBe('applied');
    expect(last?.expiredAt).toBeUndefined();
    expect(Date.parse(last?.endsAt ?? '') - Date.parse(result.finishedAt)).toBeGreaterThan(4 * 60_000);
    expect(Date.parse(last?.endsAt ?? '') - Date.parse(result.finishedAt)).toBeLessThanOrEqual(5 * 60_000);
    expect(Date.parse(listed?.endsAt ?? '')).toBe(Date.parse(last?.endsAt ?? ''));
    expect(listed?.status.state).not.toBe('expired');
  });

  it('a failed change expires its silence at once, grace or not', async () => {
    const { run, result } = await applyChange(
      { site: 'lab-f', device: 'sw-f1', failSecond: true },
      policy({ grace: 'PT5M' }),
    );
    const [created] = result.holds?.silences ?? [];

    expect(run.exitCode).not.toBe(0);
    expect(result.outcome).toBe('failed');
    expect(created?.expiredAt).toBeDefined();
    expect((await silenceOf(created?.id))?.status.state).toBe('expired');
  });

  it('an alert that starts at another device between two steps stops the run; onAlert rollback rolls back', async () => {
    const { run, result, record, config } = await applyChange(
      {
        site: 'lab-c',
        device: 'sw-c1',
        raise: { alertname: 'CoreSwitchDown', severity: 'critical', site: 'lab-c', instance: 'sw-c2' },
        rollback: true,
      },
      policy({ onAlert: 'rollback' }),
    );

    expect(run.exitCode).not.toBe(0);
    expect(result.outcome).toBe('rolled-back');
    expect(result.message).toMatch(
      /^stopped before execution step 2 \(.*\): 1 critical alert firing at lab-c: CoreSwitchDown sw-c2/,
    );
    expect(result.steps.map((step) => step.status)).toEqual(['applied', 'skipped']);
    expect(config).toContain('vlan 10');
    expect(config).not.toContain('vlan 20');
    expect(config).toContain('rolled back');
    expect(result.holds?.stoppedBy).toContain('CoreSwitchDown');
    expect(record?.holds?.stoppedBy).toContain('CoreSwitchDown');
    expect((await silenceOf(result.holds?.silences[0]?.id))?.status.state).toBe('expired');
  });

  it('an Alertmanager that cannot make the silence is a warning, and the change goes on', async () => {
    const { run, result } = await applyChange(
      { site: 'lab-d', device: 'sw-d1' },
      policy(),
      'http://127.0.0.1:9', // why: the discard port; nothing listens there.
    );

    expect(run.exitCode, run.stderr).toBe(0);
    expect(result.outcome).toBe('applied');
    expect(run.stderr).toContain('no maintenance silence (the change goes on');
    expect(run.stderr).toContain('http://127.0.0.1:9');
    expect(result.holds?.warnings.join('\n')).toContain('no maintenance silence');
    expect(result.holds?.silences).toEqual([]);
  });
});
