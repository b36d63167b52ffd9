import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InventoryHostFacts } from '../../src/executors/context.js';
import type { StepContext, StepRun } from '../../src/executors/index.js';
import { runAnsible } from '../../src/executors/index.js';
import { createRedactor } from '../../src/redact/index.js';
import { stepContext } from '../support/step-context.js';

const FAKE_TOOLS = path.resolve(import.meta.dirname, '../fixtures/fake-tools');
const METACHARACTERS = `PKG; touch PWNED-semicolon $(touch PWNED-subshell) \`touch PWNED-backtick\` | rm -rf x && {{ lookup('pipe', 'touch PWNED-jinja') }} '"`;

/** A key the configuration names secret; a task file's path in the playbook is made of it. */
const IMPORT_KEY = 'c0ffee81884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0';

let root: string;

function context(overrides: Partial<StepContext> = {}): StepContext {
  return stepContext(root, { killGraceMs: 2_000, ...overrides });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'netchange-ansible-'));
  const files: Record<string, string> = {
    // why: sw-down points ssh at a closed port on this machine, so it is unreachable at once.
    'inventory/hosts.yaml': `all:
  vars: {ansible_python_interpreter: auto_silent}
  children:
    switches:
      hosts:
        sw-1: {ansible_connection: local}
        sw-2: {ansible_connection: local}
        sw-down: {ansible_connection: ssh, ansible_host: 127.0.0.1, ansible_port: 1, ansible_ssh_common_args: "-o ConnectTimeout=3 -o StrictHostKeyChecking=no"}
`,
    'playbooks/vlans.yaml': `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render VLAN {{ vlan_id }}
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} vlan {{ vlan_id }}"
        block: |
          vlan {{ vlan_id }}
           name {{ vlan_name }}
    - name: Refuse on sw-2
      ansible.builtin.fail:
        msg: sw-2 is in maintenance lock
      when: inventory_hostname == 'sw-2'
`,
    'playbooks/ports.yaml': `- hosts: sw-1
  gather_facts: false
  tasks:
    - name: Check the ports
      ansible.builtin.assert:
        that: item != 'Gi0/2'
        fail_msg: "port {{ item }} is a trunk"
        quiet: true
      loop: [Gi0/1, Gi0/2]
`,
    // why: the task file's path holds the key nine times, so whatever the message says before it,
    // the key runs across the 500th character of the error, where netchange cuts it.
    'playbooks/imports-by-key.yaml': `- hosts: switches
  gather_facts: false
  tasks:
    - ansible.builtin.import_tasks: "{{ (lookup('ansible.builtin.env', 'NC_IMPORT_KEY') ~ '/') * 9 }}tasks.yaml"
`,
    // why: a common shape: a mapping of numbers turned into a list and stored with set_fact, then
    // used again (a key of a number-valued mapping lost Ansible's unsafe mark on the way).
    'playbooks/port-vlans.yaml': `- hosts: sw-1
  gather_facts: false
  tasks:
    - ansible.builtin.set_fact: {ports: "{{ access_ports | dict2items }}", names: "{{ access_ports.keys() | list }}"}
    - name: Port VLANs
      ansible.builtin.debug: {msg: "interface {{ item.key }} vlan {{ item.value }}"}
      loop: "{{ ports }}"
    - name: First port
      ansible.builtin.debug: {msg: "{{ names[0] }}"}
`,
    'playbooks/broken.yaml':
      '- hosts: switches\n  tasks:\n    - name: bad\n      ansible.builtin.debug: {msg: [unclosed\n',
  };
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('runAnsible with the real ansible-playbook', () => {
  let run: StepRun;
  let reported: ReadonlyMap<string, InventoryHostFacts> | undefined;

  beforeAll(async () => {
    // One real run shared by the assertions below: a changing host, a failing host, an unreachable host.
    run = await runAnsible(
      {
        playbook: 'playbooks/vlans.yaml',
        inventory: 'inventory/hosts.yaml',
        extraVars: { vlan_id: 40, vlan_name: METACHARACTERS },
      },
      context({
        inventoryFacts: {
          // why: two inventory variables and Ansible's own magic ones, which the report leaves out.
          variables: ['ansible_connection', 'ansible_port', 'vars', 'groups', 'omit', 'inventory_hostname'],
          receive: (hosts) => {
            reported = hosts;
          },
        },
      }),
    );
  });

  it("hands the caller every inventory host's groups and inventory variables, none of Ansible's own", () => {
    expect(reported && Object.fromEntries(reported)).toEqual({
      'sw-1': { groups: ['switches'], variables: { ansible_connection: 'local' } },
      'sw-2': { groups: ['switches'], variables: { ansible_connection: 'local' } },
      'sw-down': { groups: ['switches'], variables: { ansible_connection: 'ssh', ansible_port: 1 } },
    });
  });

  it('reports the change as failed, naming the failing and the unreachable host', () => {
    expect(run.status).toBe('failed');
    expect(run.message).toContain("sw-2 failed at 'Refuse on sw-2': sw-2 is in maintenance lock");
    expect(run.message).toMatch(/sw-down unreachable: .*(Connection refused|connect)/i);
  });

  it('shows the healthy host its per-device diff', () => {
    const host = run.ansible?.hosts.find((candidate) => candidate.host === 'sw-1');
    const render = host?.tasks.find((task) => task.task === 'Render VLAN 40');

    expect(render?.status).toBe('changed');
    expect(render?.diffs[0]?.path).toBe('state/sw-1.cfg');
    expect(render?.diffs[0]?.unified).toContain('+vlan 40');
  });

  it('passes extra vars with shell metacharacters and Jinja through literally, running nothing', () => {
    const host = run.ansible?.hosts.find((candidate) => candidate.host === 'sw-1');
    const diff = host?.tasks.find((task) => task.task === 'Render VLAN 40')?.diffs[0]?.unified ?? '';

    expect(diff).toContain(`+ name ${METACHARACTERS}`);
    for (const marker of ['PWNED-semicolon', 'PWNED-subshell', 'PWNED-backtick', 'PWNED-jinja']) {
      expect(existsSync(path.join(root, 'playbooks', marker))).toBe(false);
      expect(existsSync(path.join(root, marker))).toBe(false);
    }
  });

  it('passes Jinja in the keys of extra vars through literally, also after dict2items and set_fact', async () => {
    const marker = path.join(root, 'PWNED-key');
    const key = `Gi1/0/1{{ lookup('pipe', 'touch ${marker}') }}`;
    const keyed = await runAnsible(
      {
        playbook: 'playbooks/port-vlans.yaml',
        inventory: 'inventory/hosts.yaml',
        limit: 'sw-1',
        extraVars: { access_ports: { [key]: 40 } },
      },
      context({ mode: 'check' }),
    );

    expect(keyed.status, keyed.message).toBe('planned');
    expect(existsSync(marker)).toBe(false);
  });

  it('changes nothing in check mode', () => {
    expect(existsSync(path.join(root, 'state'))).toBe(false);
  });

  it("names the loop item that failed and its message, not Ansible's 'One or more items failed'", async () => {
    const ports = await runAnsible(
      { playbook: 'playbooks/ports.yaml', inventory: 'inventory/hosts.yaml' },
      context(),
    );

    expect(ports.status).toBe('failed');
    expect(ports.message).toContain("sw-1 failed at 'Check the ports' (item Gi0/2): port Gi0/2 is a trunk");
  });

  it('reports a playbook syntax error as a tool error with the file', async () => {
    const broken = await runAnsible(
      { playbook: 'playbooks/broken.yaml', inventory: 'inventory/hosts.yaml' },
      context(),
    );

    expect(broken.status).toBe('error');
    expect(broken.message).toMatch(
      /^ansible-playbook failed: ERROR! .*Syntax Error.*'playbooks\/broken\.yaml': line 5/,
    );
  });

  it('redacts a secret in a long error before it cuts the message, so no part of the secret is left', async () => {
    const env = { NC_IMPORT_KEY: IMPORT_KEY };

    const failed = await runAnsible(
      { playbook: 'playbooks/imports-by-key.yaml', inventory: 'inventory/hosts.yaml', limit: 'sw-1' },
      context({ env, redactor: createRedactor({ env, secretEnvNames: ['NC_IMPORT_KEY'] }) }),
    );

    expect(failed.status).toBe('error');
    expect(failed.message).toMatch(
      /^ansible-playbook failed: ERROR! .*'playbooks\/\[REDACTED\]\/\[REDACTED\]/,
    );
    expect(failed.message).not.toContain(IMPORT_KEY.slice(0, 8));
    expect(failed.logText).not.toContain(IMPORT_KEY.slice(0, 8));
  });

  it('reports a limit that matches no host as a failed change', async () => {
    const empty = await runAnsible(
      {
        playbook: 'playbooks/vlans.yaml',
        inventory: 'inventory/hosts.yaml',
        limit: 'sw-nowhere',
        extraVars: { vlan_id: 1, vlan_name: 'x' },
      },
      context(),
    );

    expect(empty.status).toBe('failed');
    expect(empty.message).toBe("the limit 'sw-nowhere' matches no host in the inventory");
  });

  it('passes an option-like limit and tags as values, never as options (defence behind validation)', async () => {
    const run = await runAnsible(
      {
        playbook: 'playbooks/vlans.yaml',
        inventory: 'inventory/hosts.yaml',
        limit: '--list-hosts',
        tags: ['--help'],
        extraVars: { vlan_id: 1, vlan_name: 'x' },
      },
      context(),
    );

    expect(run.argv).toContain('--limit=--list-hosts');
    expect(run.argv).toContain('--tags=--help');
    expect(run.status).toBe('failed');
    expect(run.message).toBe("the limit '--list-hosts' matches no host in the inventory");
  });

  it('refuses a playbook path that leaves the repository', async () => {
    const escaped = await runAnsible({ playbook: '../../etc/passwd' }, context());

    expect(escaped.status).toBe('failed');
    expect(escaped.message).toContain('outside the repository');
  });

  it('reports ansible-playbook crashing mid-output as a tool error and keeps what it printed (stub)', async () => {
    const crashed = await runAnsible(
      { playbook: 'playbooks/vlans.yaml', inventory: 'inventory/hosts.yaml' },
      context({
        commands: {
          ansiblePlaybook: path.join(FAKE_TOOLS, 'ansible-playbook-crash'),
          terraform: 'terraform',
        },
      }),
    );

    expect(crashed.status).toBe('error');
    expect(crashed.exitCode).toBe(250);
    expect(crashed.message).toBe('ansible-playbook stopped before its recap (exit code 250)');
    expect(crashed.ansible?.hosts.map((host) => host.host)).toEqual(['sw-1']);
    expect(crashed.logText).toContain('MemoryError');
  });

  it('redacts inline vault values and extra vars under secret names from diffs, messages and the log', async () => {
    const vaultValue = 'vault-Planted-Val-3141';
    await writeFile(path.join(root, 'vault-password'), 'netchange-test-vault\n');
    const encrypted = await execa('ansible-vault', [
      'encrypt_string',
      '--vault-password-file',
      path.join(root, 'vault-password'),
      vaultValue,
      '--name',
      'banner_text',
    ]);
    await writeFile(
      path.join(root, 'playbooks/banner.yaml'),
      `- hosts: sw-1\n  gather_facts: false\n  vars:\n    ${encrypted.stdout.replace(/\n/g, '\n    ')}\n  tasks:\n    - name: Banner\n      ansible.builtin.blockinfile:\n        path: "{{ inventory_dir }}/../state/banner.cfg"\n        create: true\n        block: "banner motd {{ banner_text }} {{ motd_token }}"\n    - ansible.builtin.debug: {msg: "banner is {{ banner_text }}"}\n`,
    );

    const banner = await runAnsible(
      {
        playbook: 'playbooks/banner.yaml',
        inventory: 'inventory/hosts.yaml',
        extraVars: { motd_token: 'tok-Planted-999' },
      },
      context({ env: { ANSIBLE_VAULT_PASSWORD_FILE: path.join(root, 'vault-password') } }),
    );

    expect(banner.status).toBe('planned');
    const tasks = banner.ansible?.hosts[0]?.tasks ?? [];
    expect(tasks[0]?.diffs[0]?.unified).toContain('+banner motd [REDACTED] [REDACTED]');
    expect(tasks[1]?.message).toBe('banner is [REDACTED]');
    expect(JSON.stringify(banner)).not.toContain(vaultValue);
    expect(JSON.stringify(banner)).not.toContain('tok-Planted-999');
  });

  it('learns a long vault value a worker decrypts, what a no_log task returned and a set_fact under a secret name', async () => {
    const big = `big-Planted-${'A'.repeat(5000)}`;
    await writeFile(path.join(root, 'vault-password'), 'netchange-test-vault\n');
    await mkdir(path.join(root, 'playbooks/vars'), { recursive: true });
    await writeFile(path.join(root, 'playbooks/vars/big.yaml'), `big_material: "${big}"\n`);
    await execa('ansible-vault', [
      'encrypt',
      '--vault-password-file',
      path.join(root, 'vault-password'),
      path.join(root, 'playbooks/vars/big.yaml'),
    ]);
    await writeFile(
      path.join(root, 'playbooks/learned.yaml'),
      `- hosts: sw-1
  gather_facts: false
  tasks:
    - ansible.builtin.include_vars: {file: vars/big.yaml}
    - name: Hidden
      ansible.builtin.command: echo nolog-Planted-7713
      register: hidden_out
      no_log: true
      check_mode: false
      changed_when: false
    - ansible.builtin.set_fact: {api_token: "fact-Planted-{{ 6000 + 2 }}"}
    - name: Uses them
      ansible.builtin.debug: {msg: "big {{ big_material }} hidden {{ hidden_out.stdout }} fact {{ api_token }}"}
`,
    );

    const learned = await runAnsible(
      { playbook: 'playbooks/learned.yaml', inventory: 'inventory/hosts.yaml' },
      context({ env: { ANSIBLE_VAULT_PASSWORD_FILE: path.join(root, 'vault-password') } }),
    );

    expect(learned.status, learned.message).toBe('planned');
    const uses = learned.ansible?.hosts[0]?.tasks.find((task) => task.task === 'Uses them');
    expect(uses?.message).toBe('big [REDACTED] hidden [REDACTED] fact [REDACTED]');
    const everything = JSON.stringify(learned);
    for (const secret of ['big-Planted-AAAA', 'nolog-Planted-7713', 'fact-Planted-6002']) {
      expect(everything).not.toContain(secret);
    }
  });

  it('learns what a templated inventory variable named like a secret renders to, not only its template', async () => {
    await writeFile(
      path.join(root, 'inventory/templated.yaml'),
      `all:
  hosts:
    sw-1:
      ansible_connection: local
      ansible_python_interpreter: auto_silent
      radius_secret: "{{ lookup('ansible.builtin.env', 'NC_RADIUS_MATERIAL') }}"
`,
    );
    await writeFile(
      path.join(root, 'playbooks/radius.yaml'),
      `- hosts: sw-1
  gather_facts: false
  tasks:
    - name: Radius
      ansible.builtin.debug: {msg: "radius key {{ radius_secret }}"}
`,
    );

    const rendered = await runAnsible(
      { playbook: 'playbooks/radius.yaml', inventory: 'inventory/templated.yaml' },
      context({ env: { NC_RADIUS_MATERIAL: 'radius-Planted-4471' } }),
    );

    expect(rendered.status, rendered.message).toBe('planned');
    expect(rendered.ansible?.hosts[0]?.tasks[0]?.message).toBe('radius key [REDACTED]');
    expect(JSON.stringify(rendered)).not.toContain('radius-Planted-4471');
  });

  it('reports a missing ansible-playbook as a tool error with a hint', async () => {
    const missing = await runAnsible(
      { playbook: 'playbooks/vlans.yaml' },
      context({ commands: { ansiblePlaybook: 'ansible-playbook-not-installed', terraform: 'terraform' } }),
    );

    expect(missing.status).toBe('error');
    expect(missing.hint).toContain('executors.ansiblePlaybook');
  });
});
