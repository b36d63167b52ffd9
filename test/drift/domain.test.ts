import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RaciAssignment } from '../../src/core/schema-types.generated.js';
import { detectDrift } from '../../src/drift/detect.js';
import {
  type DomainAnswer,
  decideDomain,
  inventoryKey,
  matchesOwnedPath,
  resolveDriftOwners,
} from '../../src/drift/domain.js';
import type { InventoryHostFacts } from '../../src/executors/context.js';
import { createRedactor } from '../../src/redact/index.js';
import { silentProgress } from '../../src/runs/progress.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const RACI = new Map<string, RaciAssignment>([
  [
    'routing',
    { responsible: 'partner-noc', accountable: 'netops', informed: ['cab'], paths: ['playbooks/**'] },
  ],
  ['core', { responsible: 'netops', accountable: 'netops', consulted: ['partner-noc'] }],
  ['sdwan', { responsible: 'netops', accountable: 'netops', paths: ['terraform/sdwan/**'] }],
]);

const INVENTORY = `all:
  vars:
    ansible_connection: local
  children:
    routers:
      hosts:
        r1: {netchange_domain: routing}
        r2:
        r3:
        r4: {netchange_domain: firewall}
    core:
      hosts:
        r2:
    edge:
      vars: {netchange_domain: "{{ lookup('env', 'HOME') }}"}
      hosts:
        r5:
`;

const EXPECTED_ANSWERS = {
  r1: 'routing by netchange_domain: routing',
  r2: 'core by inventory group core',
  r3: 'routing by paths playbooks/** (playbooks/frr.yaml)',
  r4: "netchange_domain 'firewall' is not a RACI domain of the change-control policy (domains: routing, core, sdwan)",
  r5: 'netchange_domain is not a plain domain name; set it to one of: routing, core, sdwan',
  r9: "r9 is in none of the inventories of netchange.yaml's drift.ansible",
};

function shown(answer: DomainAnswer): string {
  return answer.ok ? `${answer.owners.domain} by ${answer.owners.detail}` : answer.reason;
}

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository({
    'inventory/hosts.yaml': INVENTORY,
    'playbooks/frr.yaml': '- hosts: routers\n  gather_facts: false\n  tasks: []\n',
  });
});

afterAll(async () => {
  await repository.remove();
});

describe("a drifted target's RACI domain", () => {
  it('comes from netchange_domain, then a group named like a domain, then the paths owning the playbook (real ansible-inventory)', async () => {
    const answers = await resolveDriftOwners({
      root: repository.root,
      targets: ['r1', 'r2', 'r3', 'r4', 'r5', 'r9'].map((name) => ({
        target: name,
        kind: 'ansible' as const,
      })),
      config: {
        ansible: [{ playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml' }],
        terraform: [],
      },
      raci: RACI,
      inventoryCommand: 'ansible-inventory',
    });

    expect(Object.fromEntries([...answers].map(([name, answer]) => [name, shown(answer)]))).toEqual(
      EXPECTED_ANSWERS,
    );
    const r1 = answers.get('r1');
    expect(r1?.ok && r1.owners.teams).toEqual({
      responsible: 'partner-noc',
      accountable: 'netops',
      consulted: [],
      informed: ['cab'],
    });
  });

  it('reads the same facts from what the drift check reported, with no ansible-inventory of its own', async () => {
    const reported = new Map<string, ReadonlyMap<string, InventoryHostFacts>>();
    const config = {
      ansible: [{ playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml' }],
      terraform: [],
    };
    await detectDrift({
      checkoutRoot: repository.root,
      config,
      step: { redactor: createRedactor(), timeoutMs: 60_000, killGraceMs: 1_000, commands: {} },
      rules: [],
      progress: silentProgress(),
      concurrency: 1,
      onInventory: (source, hosts) => reported.set(inventoryKey(source), hosts),
    });

    const answers = await resolveDriftOwners({
      root: repository.root,
      targets: ['r1', 'r2', 'r3', 'r4', 'r5', 'r9'].map((name) => ({
        target: name,
        kind: 'ansible' as const,
      })),
      config,
      raci: RACI,
      // why: a command that cannot start: every answer below comes from the check's own report.
      inventoryCommand: 'ansible-inventory-that-is-not-installed',
      reported,
    });

    expect([...(reported.get(inventoryKey(config.ansible[0]!))?.keys() ?? [])].sort()).toEqual([
      'r1',
      'r2',
      'r3',
      'r4',
      'r5',
    ]);
    expect(reported.get(inventoryKey(config.ansible[0]!))?.get('r2')).toEqual({
      groups: ['core', 'routers'],
      variables: {},
    });
    expect(Object.fromEntries([...answers].map(([name, answer]) => [name, shown(answer)]))).toEqual(
      EXPECTED_ANSWERS,
    );
  });

  it('names the failing inventory when ansible-inventory cannot list it', async () => {
    const answers = await resolveDriftOwners({
      root: repository.root,
      targets: [{ target: 'r1', kind: 'ansible' }],
      config: {
        ansible: [{ playbook: 'playbooks/frr.yaml', inventory: 'inventory/hosts.yaml' }],
        terraform: [],
      },
      raci: RACI,
      inventoryCommand: 'ansible-inventory-that-is-not-installed',
    });

    const r1 = answers.get('r1');
    expect(r1?.ok).toBe(false);
    expect(r1?.ok === false && r1.reason).toContain('could not list inventory/hosts.yaml');
  });

  it('comes from the playbook the drift came from when several sources share one inventory', async () => {
    const raci = new Map<string, RaciAssignment>([
      ['switching', { responsible: 'netops', accountable: 'netops', paths: ['playbooks/switching/**'] }],
      ['firewall', { responsible: 'secops', accountable: 'secops', paths: ['playbooks/firewall/**'] }],
    ]);
    const switching = { playbook: 'playbooks/switching/snmp.yaml', inventory: 'inventory/hosts.yaml' };
    const firewall = { playbook: 'playbooks/firewall/rules.yaml', inventory: 'inventory/hosts.yaml' };
    const hosts = new Map<string, InventoryHostFacts>([
      ['sw1', { groups: ['switches'], variables: {} }],
      ['fw1', { groups: ['firewalls'], variables: {} }],
    ]);
    const reported = new Map([
      [inventoryKey(switching), hosts],
      [inventoryKey(firewall), hosts],
    ]);

    const answers = await resolveDriftOwners({
      root: repository.root,
      targets: [
        { target: 'fw1', kind: 'ansible', source: firewall },
        { target: 'sw1', kind: 'ansible', source: switching },
      ],
      config: { ansible: [switching, firewall], terraform: [] },
      raci,
      inventoryCommand: 'ansible-inventory-that-is-not-installed',
      reported,
    });

    expect(Object.fromEntries([...answers].map(([name, answer]) => [name, shown(answer)]))).toEqual({
      fw1: 'firewall by paths playbooks/firewall/** (playbooks/firewall/rules.yaml)',
      sw1: 'switching by paths playbooks/switching/** (playbooks/switching/snmp.yaml)',
    });
    const fw1 = answers.get('fw1');
    expect(fw1?.ok && fw1.owners.teams.accountable).toBe('secops');
  });

  it('of a Terraform stack is the domain whose paths cover its directory', async () => {
    const answers = await resolveDriftOwners({
      root: repository.root,
      targets: [{ target: 'terraform/sdwan@prod', kind: 'terraform' }],
      config: { ansible: [], terraform: [{ dir: 'terraform/sdwan', workspace: 'prod' }] },
      raci: RACI,
      inventoryCommand: 'ansible-inventory',
    });

    const stack = answers.get('terraform/sdwan@prod');
    expect(stack?.ok && stack.owners.domain).toBe('sdwan');
  });

  it.each([
    [
      'two domain groups',
      { groups: ['core', 'routing'], paths: [] },
      'groups named like several RACI domains (core, routing)',
    ],
    [
      'nothing known',
      { groups: ['switches'], paths: ['other/x.yaml'] },
      'no RACI domain: set the inventory variable netchange_domain',
    ],
  ])('is unknown with a reason when %s', (_name, facts, reason) => {
    const answer = decideDomain(facts, RACI);

    expect(answer.ok === false && answer.reason).toContain(reason);
  });

  it.each([
    ['playbooks/**', 'playbooks/switching/vlans.yaml', true],
    ['/playbooks/switching/', 'playbooks/switching/vlans.yaml', true],
    ['*.yaml', 'playbooks/switching/vlans.yaml', true],
    ['terraform/sdwan/**', 'terraform/sdwan', true],
    ['playbooks/core/**', 'playbooks/switching/vlans.yaml', false],
  ])('CODEOWNERS pattern %s covers %s: %s', (pattern, file, expected) => {
    expect(matchesOwnedPath(pattern, file)).toBe(expected);
  });
});
