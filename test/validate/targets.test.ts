import { existsSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Finding, MAX_MESSAGE_LENGTH } from '../../src/core/findings.js';
import type { ProposalReport, ValidationReport } from '../../src/core/model.js';
import { BASE_TREE, proposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';

/** A switching change in the example plant network, Sunday maintenance window, with the given steps. */
function proposal(id: string, targets: string, steps: string): string {
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Touch switches ${id}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: ${targets}
schedule:
  start: "2026-11-29T02:00"
  end: "2026-11-29T03:00"
  timezone: America/Chicago
${steps}`;
}

function execution(limit?: string, playbook = 'playbooks/switching/vlans.yaml'): string {
  return `execution:
  - ansible:
      playbook: ${playbook}
      inventory: inventory/hosts.yaml
${limit ? `      limit: "${limit}"\n` : ''}      extraVars: {vlan_id: 40}
`;
}

// why: a step reaching more than two switches is medium risk (the example's many-devices rule counts
// the hosts reached), and medium risk needs a rollback plan.
const ROLLBACK = `rollback:
  description: Remove VLAN 40
  ansible: {playbook: playbooks/switching/vlans.yaml, extraVars: {vlan_id: 40, state: absent}}
`;

const CASES: Record<string, string> = {
  'limit-list': proposal(
    'LIMIT-LIST',
    '{sites: [hq], devices: [sw-plant-a-01]}',
    execution('sw-plant-a-01,sw-plant-a-02'),
  ),
  'limit-glob': proposal('LIMIT-GLOB', '{sites: [hq], devices: [sw-plant-a-01]}', execution('sw*')),
  'hosts-all': proposal(
    'HOSTS-ALL',
    '{sites: [hq], devices: [sw-plant-a-01]}',
    execution(undefined, 'playbooks/test/all-hosts.yaml'),
  ),
  verification: proposal(
    'VERIFICATION',
    '{sites: [hq], devices: [sw-plant-a-01]}',
    `${execution('sw-plant-a-01')}verification:
  - ansible:
      playbook: playbooks/switching/verify-vlans.yaml
      limit: "sw-plant-a-01,sw-plant-a-02"
`,
  ),
  rollback: proposal(
    'ROLLBACK',
    '{sites: [hq], devices: [sw-plant-a-01]}',
    `${execution('sw-plant-a-01')}rollback:
  description: Remove VLAN 40
  ansible:
    playbook: playbooks/switching/vlans.yaml
    limit: "sw*"
    extraVars: {vlan_id: 40, state: absent}
`,
  ),
  'inherited-limit': proposal(
    'INHERITED',
    '{sites: [hq], devices: [sw-plant-a-01]}',
    `${execution('sw-plant-a-0*')}verification:
  - ansible: {playbook: playbooks/switching/verify-vlans.yaml}
`,
  ),
  'glob-within-targets': proposal(
    'GLOB-OK',
    '{sites: [plant-a], devices: ["sw-plant-a-*"]}',
    `${execution('sw-plant-a-*')}verification:
  - ansible: {playbook: playbooks/switching/verify-vlans.yaml}
${ROLLBACK}`,
  ),
  'site-declared': proposal('SITE-OK', '{sites: [plant-a]}', `${execution('plant_a_switches')}${ROLLBACK}`),
  // why: the window escape: declare a site outside the plant and a glob, then reach the plant's switches on a weekday.
  'glob-escape': proposal(
    'GLOB-ESCAPE',
    '{sites: [hq], devices: ["sw-*"]}',
    execution('sw-plant-a-*'),
  ).replace(/start: "[^"]+"\n {2}end: "[^"]+"/, 'start: "2026-11-30T10:00"\n  end: "2026-11-30T11:00"'),
  'site-other': proposal('SITE-OTHER', '{sites: [plant-a]}', execution('switches')),
  'no-host': proposal(
    'NO-HOST',
    '{sites: [plant-a], devices: [sw-plant-a-01]}',
    execution('sw-plant-a-01:&firewalls'),
  ),
  templated: proposal(
    'TEMPLATED',
    '{sites: [plant-a], devices: [sw-plant-a-01]}',
    execution('sw-plant-a-01', 'playbooks/test/templated-hosts.yaml'),
  ),
  'no-inventory': proposal(
    'NO-INVENTORY',
    '{sites: [plant-a], devices: [sw-plant-a-01]}',
    `execution:
  - ansible: {playbook: playbooks/switching/vlans.yaml, limit: sw-plant-a-01, extraVars: {vlan_id: 40}}
`,
  ),
};

/** 1-based line of the first line of `text` containing `needle` (after `after`, when given). */
function lineOf(text: string, needle: string, after = ''): number {
  const lines = text.split('\n');
  const start = after ? lines.findIndex((line) => line.includes(after)) : 0;
  return lines.findIndex((line, index) => index >= start && line.includes(needle)) + 1;
}

describe('targets are what the steps touch (validate, example plant network)', () => {
  let repository: TestRepository;
  let report: ValidationReport;
  let exitCode: number;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
    await repository.write({
      'playbooks/test/all-hosts.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
      'playbooks/test/templated-hosts.yaml':
        '- hosts: "{{ target_hosts | default(\'switches\') }}"\n  gather_facts: false\n  tasks: []\n',
      ...Object.fromEntries(Object.entries(CASES).map(([name, text]) => [`changes/${name}.yaml`, text])),
    });
    await repository.commit('cases');
    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });
    exitCode = result.exitCode;
    report = JSON.parse(result.stdout);
  });
  afterAll(() => repository.remove());

  const reportOf = (name: string): ProposalReport =>
    report.proposals.find((entry) => entry.file === `changes/${name}.yaml`)!;
  const targetFindings = (name: string): Finding[] =>
    reportOf(name).findings.filter((finding) => finding.ruleId === 'reference');

  it('fails the run', () => {
    expect(exitCode).toBe(1);
  });

  it.each([
    ['limit-list', 'limit: "sw-plant-a-01,sw-plant-a-02"', '', ['sw-plant-a-02']],
    ['limit-glob', 'limit: "sw*"', '', ['sw-plant-a-02', 'sw-plant-a-03', 'sw-berlin-01']],
    ['hosts-all', 'playbook: playbooks/test/all-hosts.yaml', '', ['sw-berlin-01', 'wlc-plant-a-01']],
    ['verification', 'limit: "sw-plant-a-01,sw-plant-a-02"', 'verification:', ['sw-plant-a-02']],
    ['rollback', 'limit: "sw*"', 'rollback:', ['sw-plant-a-02', 'sw-berlin-01']],
    ['inherited-limit', 'playbook: playbooks/switching/verify-vlans.yaml', '', ['sw-plant-a-02']],
    ['site-other', 'limit: "switches"', '', ['sw-berlin-01']],
  ])('%s: an error at the step that names only the undeclared hosts', (name, needle, after, hosts) => {
    const findings = targetFindings(name);

    expect(reportOf(name).ok).toBe(false);
    expect(findings).toHaveLength(name === 'inherited-limit' ? 2 : 1);
    const finding = findings.find((candidate) => candidate.line === lineOf(CASES[name]!, needle, after))!;
    expect(finding).toMatchObject({ severity: 'error', file: `changes/${name}.yaml` });
    const named = finding.message;
    const reach = finding.detail ?? '';
    expect(named.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    expect(named).toContain('not declared in targets');
    for (const host of hosts) expect(named).toContain(host);
    expect(named).not.toContain(name === 'site-other' ? 'sw-plant-a-0' : 'sw-plant-a-01');
    expect(reach).toContain('inventory/hosts.yaml');
    expect(finding.hint).toContain('targets.devices');
  });

  it('does not name hosts declared through their site', () => {
    const [finding] = targetFindings('hosts-all');

    expect(finding?.message).not.toContain('fw-hq-01');
    expect(finding?.message).not.toContain('core-hq-01');
  });

  it('lets the windows see the sites of the hosts a step reaches, not only the declared ones', () => {
    const entry = reportOf('glob-escape');

    expect(CASES['glob-escape']).toContain('start: "2026-11-30T10:00"');
    expect(targetFindings('glob-escape')).toEqual([]);
    expect(entry.ok).toBe(false);
    expect(entry.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: 'window', policy: 'plant-a-production' }),
        expect.objectContaining({
          ruleId: 'window',
          policy: 'plant-a-sunday-maintenance',
          severity: 'error',
        }),
      ]),
    );
  });

  it.each(['glob-within-targets', 'site-declared'])('%s passes its targets check', (name) => {
    // why: every case shares one slot on the same switches, so they conflict with each other; that
    // is test/validate/conflicts.test.ts's subject, not this file's.
    const errors = reportOf(name).findings.filter((finding) => finding.severity === 'error');

    expect(errors.filter((finding) => finding.ruleId !== 'conflict')).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('reports a step that reaches no host at its limit', () => {
    expect(targetFindings('no-host')).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: lineOf(CASES['no-host']!, 'limit:'),
        message: expect.stringContaining('execution step 1 reaches no host'),
      }),
    ]);
  });

  it('refuses a play whose hosts are a template, at the playbook line', () => {
    expect(targetFindings('templated')).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: lineOf(CASES.templated!, 'playbook:'),
        message: expect.stringContaining('chooses its hosts with a template'),
        hint: expect.stringContaining('literal pattern'),
      }),
    ]);
  });

  it('asks a step without an inventory to name one', () => {
    expect(targetFindings('no-inventory')).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: lineOf(CASES['no-inventory']!, 'playbook:'),
        message: expect.stringContaining('names no inventory'),
      }),
    ]);
  });
});

describe('resolving hosts runs no code from the repository', () => {
  let repository: TestRepository | undefined;
  afterEach(async () => {
    await repository?.remove();
    repository = undefined;
  });

  it("ignores the repository's ansible.cfg and the plugins it enables", async () => {
    repository = await createRepository(BASE_TREE);
    const marker = path.join(repository.root, 'PLUGIN-RAN');
    await repository.write({
      'ansible.cfg':
        '[defaults]\ninventory_plugins = ./plugins\n[inventory]\nenable_plugins = planted, yaml, ini\n',
      'plugins/planted.py': `import pathlib\npathlib.Path(${JSON.stringify(marker)}).touch()\nfrom ansible.plugins.inventory import BaseInventoryPlugin\n\n\nclass InventoryModule(BaseInventoryPlugin):\n    NAME = 'planted'\n\n    def verify_file(self, path):\n        return False\n`,
      'changes/a.yaml': proposalYaml({ limit: 'sw-1,sw-2' }),
    });
    await repository.commit('planted plugin');

    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

    expect(existsSync(marker)).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).proposals[0].findings).toEqual([
      expect.objectContaining({ line: 18, message: expect.stringContaining('sw-2') }),
    ]);
  });

  it('does not run an executable inventory script: an error at the inventory line', async () => {
    repository = await createRepository(BASE_TREE);
    const marker = path.join(repository.root, 'SCRIPT-RAN');
    await repository.write({
      'inventory/hosts.yaml': `#!/bin/sh\ntouch ${JSON.stringify(marker)}\necho '{"switches": {"hosts": ["sw-1"]}, "_meta": {"hostvars": {}}}'\n`,
      'changes/a.yaml': proposalYaml({}),
    });
    await chmod(path.join(repository.root, 'inventory/hosts.yaml'), 0o755);
    await repository.commit('script inventory');

    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

    expect(existsSync(marker)).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).proposals[0].findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 17,
        message:
          "inventory 'inventory/hosts.yaml' is an executable script; netchange does not run it to validate",
        hint: expect.stringContaining('static YAML or INI inventory'),
      }),
    ]);
  });

  it('reads static inventories only: an inventory plugin configuration is an error at the inventory line', async () => {
    repository = await createRepository(BASE_TREE);
    await repository.write({
      'inventory/hosts.yaml': 'plugin: ansible.builtin.constructed\nstrict: true\n',
      'changes/a.yaml': proposalYaml({}),
    });
    await repository.commit('plugin inventory');

    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).proposals[0].findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        line: 17,
        message: expect.stringContaining('inventory/hosts.yaml'),
        hint: expect.stringContaining('static YAML and INI inventories only'),
      }),
    ]);
  });

  it.each([
    [
      'a YAML syntax error',
      'all:\n  children:\n    switches:\n      hosts: {sw-1: {}, ansible_password: hunter2-planted\n',
      "Completely failed to parse inventory source inventory/hosts.yaml: YAML syntax error at line 5, column 1: did not find expected ',' or '}'",
    ],
    [
      'a group whose hosts are a list',
      'all:\n  children:\n    switches:\n      hosts: [sw-1, sw-2]\n',
      'Completely failed to parse inventory source inventory/hosts.yaml: Invalid "hosts" entry for "switches" group, requires a dictionary, found "a list" instead.',
    ],
  ])(
    'says where an inventory with %s is wrong, without quoting its lines',
    async (_case, inventory, message) => {
      repository = await createRepository(BASE_TREE);
      await repository.write({ 'inventory/hosts.yaml': inventory, 'changes/a.yaml': proposalYaml({}) });
      await repository.commit('a broken inventory');

      const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

      expect(result.exitCode).toBe(1);
      expect(JSON.parse(result.stdout).proposals[0].findings).toEqual([
        expect.objectContaining({ severity: 'error', line: 17, message }),
      ]);
      expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2-planted');
    },
  );

  it("never templates a play's hosts: a lookup there does not run", async () => {
    repository = await createRepository(BASE_TREE);
    const marker = path.join(repository.root, 'LOOKUP-RAN');
    await repository.write({
      'playbooks/vlans.yaml': `- hosts: "{{ lookup('ansible.builtin.pipe', 'touch ${marker}') | default('switches', true) }}"\n  gather_facts: false\n  tasks: []\n`,
      'changes/a.yaml': proposalYaml({}),
    });
    await repository.commit('templated hosts');

    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

    expect(existsSync(marker)).toBe(false);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout).proposals[0].findings).toEqual([
      expect.objectContaining({
        line: 16,
        message: expect.stringContaining('chooses its hosts with a template'),
      }),
    ]);
  });
});
