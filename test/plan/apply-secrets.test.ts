/**
 * Apply keeps secrets secret too: inventory, group_vars and extraVars secrets with a quote, a
 * backslash, non-ASCII characters and a newline, rendered into a device config by a template, appear
 * nowhere netchange prints or writes — stdout, stderr, result.json and the step logs, `.netchange/`,
 * the temp directory, and the evidence branch — in any form.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_CHANGE_CONTROL, labProposal } from '../support/lab-network.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { formsOf, readTree } from '../support/secrets.js';

const SECRETS = {
  hostVarRadius: 'Qu0te"Back\\slash-Apply-R4d',
  groupVarTacacs: 'Pässwörd-Apply-Tac-7q',
  extraVar: 'Extra"Apply\\ü-Line-One\nExtra-Line-Two-5z',
};

const PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render AAA
      ansible.builtin.template:
        src: aaa.j2
        dest: "{{ inventory_dir }}/../state/{{ inventory_hostname }}-aaa.cfg"
        mode: "0600"
`;

const TEMPLATE = `radius-server key {{ radius_secret }}
tacacs-server key {{ tacacs_key }}
snmp-server community {{ snmp_community }}
`;

const PROPOSAL = labProposal({
  id: 'CHG-AAA',
  title: 'Render the AAA keys',
  steps: `execution:
  - ansible:
      playbook: playbooks/aaa.yaml
      inventory: inventory/hosts.yaml
      limit: sw-lab-01
      extraVars: {snmp_community: ${JSON.stringify(SECRETS.extraVar)}}
verification:
  - ansible: {playbook: playbooks/aaa.yaml}
`,
});

const TSX_CACHE = /[/\\]tsx-[^/\\]*$/;

let repository: TestRepository;
let temporary: string;
let applied: CliResult;
const written: Record<string, string> = {};

beforeAll(async () => {
  temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-apply-secrets-tmp-'));
  repository = await createRepository({
    'policies/change-control.yaml': LAB_CHANGE_CONTROL,
    'inventory/hosts.yaml': `all:
  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent}
  children:
    switches:
      hosts:
        sw-lab-01: {site: lab, radius_secret: ${JSON.stringify(SECRETS.hostVarRadius)}}
`,
    'inventory/group_vars/switches.yaml': `tacacs_key: ${JSON.stringify(SECRETS.groupVarTacacs)}\n`,
    'playbooks/aaa.yaml': PLAYBOOK,
    'playbooks/templates/aaa.j2': TEMPLATE,
    'changes/aaa.yaml': PROPOSAL,
    'state/.gitkeep': '',
    'approvals.yaml': '- {user: eli}\n',
  });
  await repository.commit('AAA keys');

  applied = await runCli(
    ['apply', 'changes/aaa.yaml', '--approvals', 'approvals.yaml', '--out-dir', '.netchange/apply-run'],
    { cwd: repository.root, env: { TMPDIR: temporary } },
  );
  // why: the tests' TypeScript loader keeps its compile cache in TMPDIR; it is not netchange's.
  await readTree(path.join(repository.root, '.netchange'), written, TSX_CACHE);
  // why: netchange's caches (host resolution, conflict facts) live in the git directory.
  await readTree(path.join(repository.root, '.git/netchange'), written, TSX_CACHE);
  await readTree(temporary, written, TSX_CACHE);
  const evidence = await execa('git', ['log', '-p', '--format=%B', 'refs/heads/netchange-evidence'], {
    cwd: repository.root,
  });
  written['evidence branch (every commit and record)'] = evidence.stdout;
}, 240_000);

afterAll(async () => {
  await repository.remove();
  await rm(temporary, { recursive: true, force: true });
});

describe('netchange apply with escaped, non-ASCII and multi-line secrets', () => {
  it('applies the change, so the secrets really went through the tools', async () => {
    const device = await readFile(path.join(repository.root, 'state/sw-lab-01-aaa.cfg'), 'utf8');

    expect(applied.exitCode).toBe(0);
    expect(device).toContain(SECRETS.hostVarRadius);
    expect(device).toContain(SECRETS.groupVarTacacs);
    expect(Object.keys(written)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/apply-run\/result\.json$/),
        expect.stringMatching(/apply-run\/logs\/CHG-AAA\/apply-execution-1-ansible\.log$/),
      ]),
    );
    expect(written['evidence branch (every commit and record)']).toContain('"kind":"apply"');
  });

  it.each(
    Object.entries(SECRETS).flatMap(([name, secret]) =>
      formsOf(secret).map((form) => [name, JSON.stringify(form), form] as const),
    ),
  )('never lets the %s secret out as %s', (_name, _shown, form) => {
    const places = [
      ['stdout', applied.stdout],
      ['stderr', applied.stderr],
      ...Object.entries(written),
    ].filter(([, content]) => content?.includes(form));

    expect(places.map(([place]) => place)).toEqual([]);
  });
});
