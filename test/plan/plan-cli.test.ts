import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantProposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';
import { readTree } from '../support/secrets.js';

/** One planted secret per redaction class; none may appear in any output or artifact. */
const SECRETS = {
  snmpCommunityFromEnv: 'snmp-Planted-C0mm',
  configuredEnvValue: 'env-Planted-S3cret-value',
  githubToken: `ghp_${'Zq9x'.repeat(9)}`,
  awsKey: 'AKIAPLANTEDKEY7Q2X4Z',
  pemBody: 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu',
  ciscoType7: '0822455D0A165B1E1F',
  ciscoSecret5: '$1$pLnT$Qw7xZr8yUo3pLaNtEd0',
  preSharedKey: 'ike-Planted-PSK-55',
  noLogValue: 'nolog-Planted-Adm1n',
  terraformSensitive: 'tf-Planted-Psk-77',
};
const ENCODED_ENV_VALUE = Buffer.from(SECRETS.configuredEnvValue).toString('base64');

const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${SECRETS.pemBody}\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END RSA PRIVATE KEY-----`;

const LEAKS_PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render device secrets
      throttle: 1
      ansible.builtin.blockinfile:
        path: "{{ inventory_dir }}/../state/{{ inventory_hostname }}.cfg"
        create: true
        marker: "! {mark} leaks"
        block: |
          description token {{ line_github }}
          description cloud {{ line_aws }}
          {{ line_pem }}
          username admin password 7 {{ line_type7 }}
          enable secret 5 {{ line_secret5 }}
          crypto isakmp pre-shared-key address 198.51.100.1 key {{ line_psk }}
    - name: Show the encoded value
      ansible.builtin.debug:
        msg: "blob {{ lookup('ansible.builtin.env', 'NC_TEST_SECRET') | b64encode }} plain {{ lookup('ansible.builtin.env', 'NC_TEST_SECRET') }}"
    - name: Store a hidden credential
      ansible.builtin.copy:
        dest: "{{ inventory_dir }}/../state/{{ inventory_hostname }}-hidden.cfg"
        content: "{{ line_hidden }}"
      no_log: true
`;

const proposal = (id: string, execution: string) => plantProposalYaml(id, 'Planted secrets', execution);

let repository: TestRepository;
let json: CliResult;
let text: CliResult;
const artifacts: Record<string, string> = {};

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
  await repository.write({
    'netchange.yaml':
      'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\nsecrets: {env: [SNMP_COMMUNITY, NC_TEST_SECRET]}\n',
    'playbooks/test/leaks.yaml': LEAKS_PLAYBOOK,
    'changes/snmp.yaml': proposal(
      'CHG-SNMP',
      '  - ansible: {playbook: playbooks/switching/snmp.yaml, inventory: inventory/hosts.yaml, limit: sw-plant-a-01}\n',
    ),
    'changes/leaks.yaml': proposal(
      'CHG-LEAKS',
      `  - ansible:
      playbook: playbooks/test/leaks.yaml
      inventory: inventory/hosts.yaml
      limit: sw-plant-a-01
      extraVars:
        line_github: ${JSON.stringify(SECRETS.githubToken)}
        line_aws: ${JSON.stringify(SECRETS.awsKey)}
        line_pem: ${JSON.stringify(PEM)}
        line_type7: ${JSON.stringify(SECRETS.ciscoType7)}
        line_secret5: ${JSON.stringify(SECRETS.ciscoSecret5)}
        line_psk: ${JSON.stringify(SECRETS.preSharedKey)}
        line_hidden: ${JSON.stringify(SECRETS.noLogValue)}
`,
    ),
    'changes/sdwan.yaml': proposal(
      'CHG-SDWAN',
      `  - terraform: {dir: terraform/sdwan, varFiles: [prod.tfvars.json], workspace: prod, vars: {tunnel_psk: ${JSON.stringify(SECRETS.terraformSensitive)}}}\n`,
    ),
  });
  await repository.commit('planted secrets');
  const env = { SNMP_COMMUNITY: SECRETS.snmpCommunityFromEnv, NC_TEST_SECRET: SECRETS.configuredEnvValue };
  [json, text] = await Promise.all([
    runCli(['plan', '--format', 'json', '--out-dir', 'out-json'], { cwd: repository.root, env }),
    runCli(['plan', '--format', 'text', '--out-dir', 'out-text', '--concurrency', '1'], {
      cwd: repository.root,
      env,
    }),
  ]);
  await readTree(path.join(repository.root, 'out-json'), artifacts);
  await readTree(path.join(repository.root, 'out-text'), artifacts);
});

afterAll(async () => {
  await repository.remove();
});

describe('netchange plan on a repository with planted secrets', () => {
  it('plans every proposal and exits 0', () => {
    const plan = JSON.parse(json.stdout);

    expect(json.exitCode).toBe(0);
    expect(text.exitCode).toBe(0);
    expect(plan).toMatchObject({
      schemaVersion: 1,
      kind: 'NetchangePlan',
      status: 'planned',
      summary: { proposals: 3, planned: 3 },
    });
    expect(plan.proposals.map((entry: { digest: string }) => entry.digest)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^sha256:[0-9a-f]{64}$/)]),
    );
  });

  it('shows the per-device diff with the SNMP community redacted', () => {
    const plan = JSON.parse(json.stdout);
    const snmp = plan.proposals.find((entry: { id: string }) => entry.id === 'CHG-SNMP');
    const diff = snmp.steps[0].ansible.hosts[0].tasks[0].diffs[0];

    expect(diff.path).toBe('state/sw-plant-a-01.cfg');
    expect(diff.unified).toContain('+snmp-server community [REDACTED] RO');
    expect(text.stdout).toContain('+snmp-server community [REDACTED] RO');
  });

  it('keeps the shape of every secret-bearing line so reviewers see what changes', () => {
    const plan = JSON.parse(json.stdout);
    const leaks = plan.proposals.find((entry: { id: string }) => entry.id === 'CHG-LEAKS');
    const tasks = leaks.steps[0].ansible.hosts[0].tasks;
    const diff = tasks[0].diffs[0].unified;

    expect(diff).toContain('+description token [REDACTED]');
    expect(diff).toContain('+description cloud [REDACTED]');
    expect(diff).toContain('+-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----');
    expect(diff).toContain('+username admin password 7 [REDACTED]');
    expect(diff).toContain('+enable secret 5 [REDACTED]');
    expect(diff).toContain('+crypto isakmp pre-shared-key address 198.51.100.1 key [REDACTED]');
    expect(tasks[1].message).toBe('blob [REDACTED] plain [REDACTED]');
    expect(tasks[2]).toMatchObject({ task: 'Store a hidden credential', hidden: true, diffs: [] });
  });

  it('shows a no_log task as hidden, and Terraform changes with the sensitive key masked', () => {
    const markdown = artifacts[path.join(repository.root, 'out-json', 'plan.md')] ?? '';

    expect(markdown).toContain('Store a hidden credential');
    expect(markdown).toContain('hidden by `no_log`');
    expect(markdown).toContain('| create | `terraform_data.tunnel["hq-berlin"]` |');
    expect(markdown).toContain('<details><summary>sw-plant-a-01');
    expect(markdown).toContain('+ input.psk = "[REDACTED]"');
  });

  it('writes plan.json, plan.md and a redacted log per step', () => {
    const names = Object.keys(artifacts).map((file) => path.relative(repository.root, file));

    expect(names).toEqual(
      expect.arrayContaining([
        'out-json/plan.json',
        'out-json/plan.md',
        'out-json/logs/CHG-LEAKS/plan-execution-1-ansible.log',
        'out-json/logs/CHG-SDWAN/plan-execution-1-terraform.log',
      ]),
    );
  });

  it.each(Object.entries({ ...SECRETS, encodedEnvValue: ENCODED_ENV_VALUE }))(
    'never lets the planted %s out: not in stdout, stderr or any artifact',
    (_kind, secret) => {
      const leaks = Object.entries(artifacts)
        .filter(([, content]) => content.includes(secret))
        .map(([file]) => file);

      expect(json.stdout).not.toContain(secret);
      expect(json.stderr).not.toContain(secret);
      expect(text.stdout).not.toContain(secret);
      expect(text.stderr).not.toContain(secret);
      expect(leaks).toEqual([]);
    },
  );
});
