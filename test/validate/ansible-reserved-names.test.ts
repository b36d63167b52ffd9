import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { reservedAnsibleVariable } from '../../src/proposals/tool-arguments.js';
import { PROJECT_ROOT } from '../support/repository.js';

/** The Python that runs the installed ansible-playbook: its first line names it. */
async function ansiblePython(): Promise<string> {
  const { stdout } = await execa('sh', ['-c', 'command -v ansible-playbook']);
  const shebang = (await readFile(stdout.trim(), 'utf8')).split('\n')[0] ?? '';
  return shebang.replace(/^#!\s*/, '').split(/\s+/)[0] ?? 'python3';
}

describe('the committed list of names Ansible reserves cannot drift from the installed Ansible', () => {
  let python: string;

  beforeAll(async () => {
    python = await ansiblePython();
  });

  it("refuses every name of the real Ansible's get_reserved_names()", async () => {
    const { stdout } = await execa(
      python,
      [
        '-c',
        'import json; from ansible.vars.reserved import get_reserved_names; print(json.dumps(sorted(get_reserved_names())))',
      ],
      { cwd: PROJECT_ROOT },
    );
    const names = JSON.parse(stdout) as string[];

    expect(names).toContain('become');
    expect(names.filter((name) => reservedAnsibleVariable(name) === undefined)).toEqual([]);
  });

  it('refuses every configuration, plugin and magic variable the generator derives today', async () => {
    const { stdout } = await execa(
      python,
      [path.join(PROJECT_ROOT, 'scripts/ansible-reserved-names.py'), '--json'],
      {
        cwd: PROJECT_ROOT,
      },
    );
    const derived = JSON.parse(stdout) as Record<string, string[]>;
    const names = Object.values(derived).flat();

    expect(derived.configVariables).toContain('ansible_python_interpreter');
    expect(derived.magicVariables).toEqual(
      expect.arrayContaining(['hostvars', 'groups', 'omit', 'playbook_dir']),
    );
    expect(names.filter((name) => reservedAnsibleVariable(name) === undefined)).toEqual([]);
  });

  it.each(['ansible_anything_new', '_ansible_internal', 'with_items', 'inventory_hostname', 'environment'])(
    'refuses %s',
    (name) => {
      expect(reservedAnsibleVariable(name)).toBeDefined();
    },
  );

  it.each(['vlan_id', 'vlan_name', 'interface', 'description', 'state', 'firewall_rules', 'Ansible_note'])(
    'lets the ordinary name %s through',
    (name) => {
      expect(reservedAnsibleVariable(name)).toBeUndefined();
    },
  );
});
