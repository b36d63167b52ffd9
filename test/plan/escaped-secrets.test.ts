import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantProposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { formsOf, readTree } from '../support/secrets.js';

/**
 * Secrets with a quote, a backslash, non-ASCII characters and a newline, from every place a step
 * gets them. None may leave netchange in any form a tool or a serialiser gives it.
 */
const SECRETS = {
  hostVarRadius: 'Qu0te"Back\\slash-R4dius-9x',
  groupVarTacacs: 'Pässwörd-Tacacs-7q',
  wholeFileVault: 'vault-Line-One-4k\nvault-Line-Two-8m',
  playbookGroupVar: "N7p'Key-ä\\x-1m",
  extraVar: 'Extra"Quote\\Back-ü-5z',
  secretsEnv: 'Env"Val-ß\\x-2p',
  terraformSensitive: 'tf-Sens"Line-One-3w\ntf-Sens-Line-Two-ö5',
  terraformVarFile: 'Tf"Adm1n\\Back-é-6r',
  // why: vault values under names that do not look secret: only the vault says they are.
  wholeFileVaultPlainName: 'WholeFile&Vault/Val ö2',
  varsFileVault: "Play&Vault'Val <3t>",
  includeVarsVault: 'Inc&Vault/Val "6u"',
};

/** The files `ansible-vault encrypt` encrypts whole, as an operator does. */
const VAULTED = [
  'inventory/group_vars/all/vault.yml',
  'inventory/group_vars/all/material.yml',
  'playbooks/test/vars/play.yml',
  'playbooks/test/vars/inc.yml',
];

const VAULT_PASSWORD = 'vault-pass-for-tests';

const PLAYBOOK = `- name: Render AAA
  hosts: all
  gather_facts: false
  vars_files: [vars/play.yml]
  tasks:
    - name: Load the included vault
      ansible.builtin.include_vars: {file: "{{ playbook_dir }}/vars/inc.yml"}
    - name: Render the AAA template
      ansible.builtin.template:
        src: aaa.j2
        dest: "{{ inventory_dir }}/../state/{{ inventory_hostname }}-aaa.cfg"
        mode: "0600"
    - name: Show the secrets as filters print them
      ansible.builtin.debug:
        msg: "json {{ tacacs_key | to_json }} {{ radius_secret | to_json }} b64 {{ radius_secret | b64encode }} {{ tacacs_key | b64encode }} repr {{ [vault_enable_password, device_password] }}"
    - name: Show them encoded for URLs, markup and shells
      ansible.builtin.debug:
        msg: "{% for v in [radius_material, play_material, inc_material, tacacs_key, device_password] %} raw {{ v }} url {{ v | urlencode }} html {{ v | e }} sh {{ v | quote }} hex {{ v.encode('utf-8').hex() }}{% endfor %}"
`;

const TEMPLATE = `radius-server host 10.20.0.5 auth {{ radius_secret }}
tacacs-server host 10.20.0.6 auth {{ tacacs_key }}
enable {{ vault_enable_password }}
device {{ device_password }}
env {{ lookup('ansible.builtin.env', 'NC_ESCAPED_SECRET') }}
ntp authentication {{ ntp_auth_key }}
`;

const TERRAFORM = `terraform {
  required_version = ">= 1.4"
}

variable "shared" {
  type      = string
  sensitive = true
}

variable "admin_password" {
  type = string
}

resource "terraform_data" "shared" {
  input = var.shared
}

resource "terraform_data" "admin" {
  input = { user = "admin", value = var.admin_password }
}

# Encodings that hide the value from Terraform's own sensitive marking.
resource "terraform_data" "encoded" {
  input = {
    url  = nonsensitive(urlencode(var.shared))
    json = nonsensitive(jsonencode({ x = var.shared }))
  }
}
`;

/** HCL string literal: the escapes Terraform reads. */
function hcl(value: string): string {
  return JSON.stringify(value);
}

const proposal = (id: string, execution: string) => plantProposalYaml(id, 'Escaped secrets', execution);

let repository: TestRepository;
let temporary: string;
let vaultDirectory: string;
let json: CliResult;
let text: CliResult;
const written: Record<string, string> = {};

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  temporary = await mkdtemp(path.join(os.tmpdir(), 'netchange-escaped-tmp-'));
  vaultDirectory = await mkdtemp(path.join(os.tmpdir(), 'netchange-escaped-vault-'));
  const passwordFile = path.join(vaultDirectory, 'vault-password');
  await writeFile(passwordFile, `${VAULT_PASSWORD}\n`, { mode: 0o600 });
  await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
  await repository.write({
    'netchange.yaml':
      'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\nsecrets: {env: [NC_ESCAPED_SECRET]}\n',
    'inventory/host_vars/sw-plant-a-01.yml': `radius_secret: '${SECRETS.hostVarRadius}'\n`,
    'inventory/group_vars/plant_a_switches.yml': `tacacs_key: ${JSON.stringify(SECRETS.groupVarTacacs)}\n`,
    'inventory/group_vars/all/vault.yml': `vault_enable_password: ${JSON.stringify(SECRETS.wholeFileVault)}\n`,
    'playbooks/test/aaa.yaml': PLAYBOOK,
    'playbooks/test/templates/aaa.j2': TEMPLATE,
    'playbooks/test/group_vars/all.yml': `ntp_auth_key: ${JSON.stringify(SECRETS.playbookGroupVar)}\n`,
    'inventory/group_vars/all/material.yml': `radius_material: ${JSON.stringify(SECRETS.wholeFileVaultPlainName)}\n`,
    'playbooks/test/vars/play.yml': `play_material: ${JSON.stringify(SECRETS.varsFileVault)}\n`,
    'playbooks/test/vars/inc.yml': `inc_material: ${JSON.stringify(SECRETS.includeVarsVault)}\n`,
    'terraform/escaped/main.tf': TERRAFORM,
    'terraform/escaped/secret.tfvars': `shared = <<-EOT\n  ${SECRETS.terraformSensitive.replace('\n', '\n  ')}\n  EOT\nadmin_password = ${hcl(SECRETS.terraformVarFile)}\n`,
    'changes/aaa.yaml': proposal(
      'CHG-AAA',
      `  - ansible:
      playbook: playbooks/test/aaa.yaml
      inventory: inventory/hosts.yaml
      limit: sw-plant-a-01
      extraVars:
        device_password: ${JSON.stringify(SECRETS.extraVar)}
`,
    ),
    'changes/tf.yaml': proposal(
      'CHG-TF',
      '  - terraform: {dir: terraform/escaped, varFiles: [secret.tfvars]}\n',
    ),
  });
  // The real ansible-vault encrypts the whole group_vars file, as an operator does.
  await execa('ansible-vault', ['encrypt', '--vault-password-file', passwordFile, ...VAULTED], {
    cwd: repository.root,
  });
  await repository.commit('escaped secrets');
  const env = {
    TMPDIR: temporary,
    ANSIBLE_VAULT_PASSWORD_FILE: passwordFile,
    NC_ESCAPED_SECRET: SECRETS.secretsEnv,
  };
  // why: one after the other: two plans at once would run terraform init in the same directory,
  // which Terraform does not allow (a tool error, exit 3, on a loaded machine).
  json = await runCli(['plan', '--format', 'json'], {
    cwd: repository.root,
    env,
  });
  text = await runCli(['plan', '--format', 'text', '--out-dir', '.netchange/text-run'], {
    cwd: repository.root,
    env,
  });
  await readTree(path.join(repository.root, '.netchange'), written);
  // why: netchange's caches (host resolution, conflict facts) live in the git directory.
  await readTree(path.join(repository.root, '.git/netchange'), written);
  await readTree(temporary, written);
}, 240_000);

afterAll(async () => {
  await repository.remove();
  await rm(temporary, { recursive: true, force: true });
  await rm(vaultDirectory, { recursive: true, force: true });
});

describe('netchange plan with escaped, non-ASCII and multi-line secrets from every source', () => {
  it('plans both proposals and writes the step logs it is scanned through', () => {
    const plan = JSON.parse(json.stdout);
    const names = Object.keys(written).map((file) => path.relative(repository.root, file));

    expect(json.exitCode).toBe(0);
    expect(text.exitCode).toBe(0);
    expect(plan).toMatchObject({ status: 'planned', summary: { proposals: 2, planned: 2 } });
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\.netchange\/runs\/[^/]+\/logs\/CHG-AAA\/plan-execution-1-ansible\.log$/),
        expect.stringMatching(/^\.netchange\/runs\/[^/]+\/logs\/CHG-TF\/plan-execution-1-terraform\.log$/),
        '.netchange/text-run/plan.md',
      ]),
    );
  });

  it('keeps the files not meant for people private: the host cache and the temp directory, 0600 in 0700', async () => {
    const cache = path.join(repository.root, '.git', 'netchange', 'hosts');
    const files: Record<string, string> = {};
    await readTree(cache, files);
    // why: tsx-* is the compile cache of the loader the tests run the CLI with, not netchange's.
    await readTree(temporary, files, /[/\\]tsx-[^/\\]*$/);
    const modes = await Promise.all(
      Object.keys(files).map(async (file) => [
        path.relative(repository.root, file),
        (await stat(file)).mode & 0o777,
      ]),
    );
    const directories = [cache, ...new Set(Object.keys(files).map((file) => path.dirname(file)))].filter(
      (directory) => directory !== temporary,
    );
    const directoryModes = await Promise.all(
      directories.map(async (directory) => [
        path.relative(repository.root, directory),
        (await stat(directory)).mode & 0o777,
      ]),
    );

    expect(Object.keys(files).some((file) => file.startsWith(cache))).toBe(true);
    expect(modes.filter(([, mode]) => mode !== 0o600)).toEqual([]);
    expect(directoryModes.filter(([, mode]) => mode !== 0o700)).toEqual([]);
  });

  it('still shows reviewers which lines change, with the secret replaced', () => {
    const plan = JSON.parse(json.stdout);
    const aaa = plan.proposals.find((entry: { id: string }) => entry.id === 'CHG-AAA');
    const render = aaa.steps[0].ansible.hosts[0].tasks.find(
      (task: { task: string }) => task.task === 'Render the AAA template',
    );
    const diff = render.diffs[0].unified;

    expect(diff).toContain('+radius-server host 10.20.0.5 auth [REDACTED]');
    expect(diff).toContain('+tacacs-server host 10.20.0.6 auth [REDACTED]');
    expect(diff).toContain('+device [REDACTED]');
  });

  it.each(Object.entries(SECRETS).flatMap(([kind, secret]) => formsOf(secret).map((form) => [kind, form])))(
    'never lets the %s secret out as %j: not in stdout, stderr, .netchange/ or the temp directory',
    (_kind, form) => {
      const leaks = Object.entries(written)
        .filter(([, content]) => content.includes(form))
        .map(([file]) => file);

      expect(json.stdout).not.toContain(form);
      expect(json.stderr).not.toContain(form);
      expect(text.stdout).not.toContain(form);
      expect(text.stderr).not.toContain(form);
      expect(leaks).toEqual([]);
    },
  );
});
