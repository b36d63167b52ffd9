import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/model.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

// The plant example's switches are files rendered into state/ (ignored by git): real
// ansible-playbook renders them, a person edits one by hand, and the real CLI finds the drift.

const AT = '2026-12-01T12:00:00Z';
const DRIFT_CONFIG = `apiVersion: netchange/v1
kind: Config
defaults:
  timezone: America/Chicago
drift:
  ansible:
    - {playbook: playbooks/switching/snmp.yaml, inventory: inventory/hosts.yaml}
  state: [state]
`;

let repository: TestRepository;
let mainCommit: string;

function netchange(...args: string[]): Promise<CliResult> {
  return runCli(['drift', ...args], { cwd: repository.root });
}

function report(result: CliResult): DriftReport {
  return JSON.parse(result.stdout) as DriftReport;
}

function target(result: DriftReport, name: string) {
  const found = result.targets.find((candidate) => candidate.target === name);
  if (!found) throw new Error(`no target ${name} in ${JSON.stringify(result.targets.map((t) => t.target))}`);
  return found;
}

async function editState(host: string, edit: (text: string) => string): Promise<void> {
  const file = path.join(repository.root, 'state', `${host}.cfg`);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  await repository.write({ 'netchange.yaml': DRIFT_CONFIG });
  mainCommit = await repository.commit('the plant network, drift checked on the switches');
  // why: the switches' configurations, as an apply of main would have left them.
  await execa('ansible-playbook', ['playbooks/switching/snmp.yaml', '-i', 'inventory/hosts.yaml'], {
    cwd: repository.root,
  });
}, 120_000);
afterAll(() => repository?.remove());

describe('netchange drift on file-rendered devices', () => {
  it('reports a network just rendered from main as in sync: exit 0, one JSON report', async () => {
    const result = await netchange('--format', 'json', '--at', AT);

    expect(result.exitCode).toBe(0);
    const drift = report(result);
    expect(drift).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'netchange' },
      checkedAt: AT,
      ok: true,
      commit: mainCommit,
      ref: 'main',
      findings: [],
      summary: { targets: 4, drifted: 0, inSync: 4, ignored: 0, errors: 0 },
    });
    expect(target(drift, 'sw-plant-a-01')).toEqual({
      target: 'sw-plant-a-01',
      kind: 'ansible',
      status: 'in-sync',
      diff: '',
      firstSeen: null,
      lastSeen: null,
      explanation: null,
      ignored: [],
    });
    expect(result.stderr).toMatch(/start {2}ansible playbooks\/switching\/snmp\.yaml/);
  });

  it('finds a hand edit with its exact lines; trailing spaces are no drift, an ignored line is not drift', async () => {
    await editState('sw-plant-a-01', (text) =>
      text.replace('snmp-server location sw-plant-a-01', 'snmp-server location cabinet-7'),
    );
    await editState('sw-plant-a-02', (text) => text.replace(' RO\n', ' RO   \n'));
    await editState('sw-berlin-01', (text) =>
      text.replace('snmp-server location sw-berlin-01', 'snmp-server location berlin-temp'),
    );

    const json = await netchange('--format', 'json', '--at', AT);
    const text = await netchange('--at', AT);

    expect(json.exitCode).toBe(1);
    const drift = report(json);
    expect(drift.ok).toBe(false);
    expect(drift.summary).toEqual({ targets: 4, drifted: 1, inSync: 2, ignored: 1, errors: 0 });
    const edited = target(drift, 'sw-plant-a-01');
    expect(edited).toMatchObject({
      status: 'drifted',
      firstSeen: AT,
      lastSeen: AT,
      explanation: { kind: 'out-of-band' },
    });
    expect(edited.diff).toBe(
      [
        '--- a/state/sw-plant-a-01.cfg',
        '+++ b/state/sw-plant-a-01.cfg',
        '@@ -1,4 +1,4 @@',
        ' ! BEGIN snmp',
        ' snmp-server community [REDACTED] RO',
        '-snmp-server location cabinet-7',
        '+snmp-server location sw-plant-a-01',
        ' ! END snmp',
        '',
      ].join('\n'),
    );
    expect(target(drift, 'sw-plant-a-02').status).toBe('in-sync');
    expect(target(drift, 'sw-berlin-01')).toMatchObject({
      status: 'ignored',
      diff: '',
      explanation: null,
      ignored: [
        {
          rule: 'berlin-snmp-location',
          lines: ['-snmp-server location berlin-temp', '+snmp-server location sw-berlin-01'],
        },
      ],
    });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(
      'drifted  sw-plant-a-01 (ansible): changed outside netchange (no proposal explains it)',
    );
    expect(text.stdout).toMatch(
      /^ {4}-snmp-server location cabinet-7\n {4}\+snmp-server location sw-plant-a-01$/m,
    );
    expect(text.stdout).toContain(
      'ignored  sw-berlin-01 (ansible)\n    2 lines hidden by berlin-snmp-location',
    );
    expect(text.stdout).toContain('4 targets: 1 drifted, 2 in sync, 1 ignored, 0 errors');
  });

  it("names the drifted device's domain from the check's own inventory report, without ansible-inventory", async () => {
    // why: an ansible-inventory that cannot start; the domain can only come from the check itself.
    await repository.write({
      'netchange.yaml': `${DRIFT_CONFIG}executors:\n  ansibleInventory: /nonexistent/ansible-inventory\n`,
    });
    try {
      const result = await netchange('--format', 'json', '--at', AT);

      expect(result.exitCode).toBe(1);
      // why: the example's policy gives playbooks/switching/** to the switching domain.
      expect(target(report(result), 'sw-plant-a-01')).toMatchObject({
        status: 'drifted',
        domain: 'switching',
      });
    } finally {
      await repository.write({ 'netchange.yaml': DRIFT_CONFIG });
    }
  });

  it('compares with main from a feature branch: its own edits of the intended state do not count', async () => {
    await repository.git.checkout(['-b', 'feature/location']);
    await repository.write({
      'playbooks/switching/snmp.yaml': (
        await readFile(path.join(repository.root, 'playbooks/switching/snmp.yaml'), 'utf8')
      ).replace('snmp_location: "{{ inventory_hostname }}"', 'snmp_location: elsewhere'),
    });
    await repository.commit('a feature branch that moves every switch');

    const result = await netchange('--format', 'json', '--at', AT);
    await repository.git.checkout(['main']);

    const drift = report(result);
    expect(drift.commit).toBe(mainCommit);
    expect(target(drift, 'sw-plant-a-03').status).toBe('in-sync');
    expect(drift.summary.drifted).toBe(1);
  });

  it('reports a rule past its expiry at its line, and the lines it hid become drift again', async () => {
    const policy = await readFile(path.join(repository.root, 'policies/drift.yaml'), 'utf8');
    const line = policy.split('\n').findIndex((text) => text.includes('id: berlin-snmp-location')) + 1;

    // why: the rule's last day is 2027-06-30 in America/Chicago; 05:00Z on July 1 is still June 30 there.
    const lastDay = await netchange('--format', 'json', '--at', '2027-07-01T04:59:00Z');
    const expired = await netchange('--at', '2027-07-01T05:00:00Z');

    expect(report(lastDay).findings).toEqual([]);
    expect(expired.exitCode).toBe(1);
    expect(expired.stdout).toContain(
      `warning: policies/drift.yaml:${line}:9 ignore rule 'berlin-snmp-location' (owner partner-noc) expired after 2027-06-30: it no longer hides anything`,
    );
    expect(expired.stdout).toMatch(/drifted {2}sw-berlin-01 \(ansible\)/);
    expect(expired.stdout).toContain('-snmp-server location berlin-temp');
  });

  it('renders markdown for an issue or a pull request', async () => {
    const result = await netchange('--format', 'markdown', '--at', AT);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('| `sw-plant-a-01` | ansible | :warning: drifted |');
    expect(result.stdout).toContain('### `sw-plant-a-01`\n\n```diff\n--- a/state/sw-plant-a-01.cfg');
  });
});

describe('netchange drift refuses what it cannot trust', () => {
  it('names the line of an invalid ignore rule and exits 2 before running anything', async () => {
    const file = path.join(repository.root, 'policies/drift.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(
      file,
      original.replace('lines: ["^snmp-server location "]', 'lines: ["^snmp-server (location"]'),
    );

    const result = await netchange('--at', AT);
    await writeFile(file, original);

    const line = original.split('\n').findIndex((text) => text.includes('lines: [')) + 1;
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('policies/drift.yaml has errors');
    expect(result.stderr).toContain(`policies/drift.yaml:${line}:`);
    expect(result.stderr).toContain("'^snmp-server (location' is not a regular expression");
    expect(result.stderr).not.toContain('start  ansible');
  });

  it('names an owner that is no team of the change-control policy', async () => {
    const file = path.join(repository.root, 'policies/drift.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('owner: partner-noc', 'owner: night-shift'));

    const result = await netchange('--at', AT);
    await writeFile(file, original);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /policies\/drift\.yaml:\d+:\d+ owner 'night-shift' of ignore rule 'berlin-snmp-location' is not a team/,
    );
  });

  it('names the netchange.yaml line of a drift source that does not exist', async () => {
    await writeFile(
      path.join(repository.root, 'netchange.yaml'),
      DRIFT_CONFIG.replace('playbooks/switching/snmp.yaml', 'playbooks/switching/gone.yaml'),
    );

    const result = await netchange('--at', AT);
    await writeFile(path.join(repository.root, 'netchange.yaml'), DRIFT_CONFIG);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "netchange.yaml:7:18 drift playbook 'playbooks/switching/gone.yaml' does not exist",
    );
  });

  it('passes drift sources through the argument checks of proposals: an option-like limit is refused', async () => {
    await writeFile(
      path.join(repository.root, 'netchange.yaml'),
      DRIFT_CONFIG.replace('inventory/hosts.yaml}', 'inventory/hosts.yaml, limit: "--become"}'),
    );

    const result = await netchange('--at', AT);
    await writeFile(path.join(repository.root, 'netchange.yaml'), DRIFT_CONFIG);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/netchange\.yaml:7:\d+ drift\.ansible\.0\.limit .*starts with '-'/);
  });

  it('names a source that exists here but not on main: the intended state is read from main', async () => {
    await repository.write({ 'playbooks/switching/ntp.yaml': '- hosts: switches\n  tasks: []\n' });
    await writeFile(
      path.join(repository.root, 'netchange.yaml'),
      DRIFT_CONFIG.replace('playbooks/switching/snmp.yaml', 'playbooks/switching/ntp.yaml'),
    );

    const result = await netchange('--at', AT);
    await writeFile(path.join(repository.root, 'netchange.yaml'), DRIFT_CONFIG);
    await rm(path.join(repository.root, 'playbooks/switching/ntp.yaml'));

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      `netchange.yaml:7:18 drift playbook 'playbooks/switching/ntp.yaml' does not exist on main (${mainCommit.slice(0, 12)})`,
    );
  });

  it('refuses runtime state outside the repository, at its line', async () => {
    await writeFile(
      path.join(repository.root, 'netchange.yaml'),
      DRIFT_CONFIG.replace('state: [state]', 'state: [../elsewhere]'),
    );

    const result = await netchange('--at', AT);
    await writeFile(path.join(repository.root, 'netchange.yaml'), DRIFT_CONFIG);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      "netchange.yaml:8:11 drift.state '../elsewhere' is not inside the repository",
    );
  });

  it.each([
    ['a branch that does not exist', 'production', "the default branch 'production' does not exist"],
    [
      'a name git would read as an option',
      '--output=x',
      "'--output=x' is not a branch name netchange accepts",
    ],
  ])('exits 2 for %s', async (_case, branch, message) => {
    const result = await netchange(`--branch=${branch}`, '--at', AT);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('exits 2 when netchange.yaml names nothing to check', async () => {
    const empty = await createRepository({ 'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\n' });
    await empty.commit('nothing to check');

    const result = await runCli(['drift'], { cwd: empty.root });
    await empty.remove();

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('netchange.yaml names nothing to check for drift');
  });

  it('exits 3 when the tool fails on a target, and says which', async () => {
    const broken = await createRepository({
      'netchange.yaml':
        'apiVersion: netchange/v1\nkind: Config\ndrift:\n  ansible: [{playbook: playbooks/broken.yaml, inventory: hosts.yaml}]\n',
      'hosts.yaml': 'all:\n  hosts:\n    sw-1: {ansible_connection: local}\n',
      'playbooks/broken.yaml': '- hosts: all\n  tasks:\n    - name: broken\n      no_such_module_here: {}\n',
    });
    await broken.commit('a playbook ansible cannot load');

    const result = await runCli(['drift', '--format', 'json'], { cwd: broken.root });
    await broken.remove();

    expect(result.exitCode).toBe(3);
    const drift = report(result);
    expect(drift.summary.errors).toBe(1);
    expect(drift.targets[0]).toMatchObject({ target: 'playbooks/broken.yaml', status: 'error' });
    expect(drift.targets[0]?.error).toContain('ansible-playbook failed');
  });
});
