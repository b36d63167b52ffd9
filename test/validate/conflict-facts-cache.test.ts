import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { POLICY_TREE } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

const AT = '2026-11-23T15:00:00Z';
const CACHE_DIRECTORY = '.git/netchange';
const CACHE_FILE = `${CACHE_DIRECTORY}/conflict-facts.json`;

// why: sw-4 starts outside the group plant_a, so a change limited to `plant_a` does not reach it
// until the inventory moves it there: a change of facts no proposal file shows.
function inventory(plantA: string): string {
  return `all:
  vars: {ansible_connection: local}
  children:
    plant_a:
      vars: {site: plant-a}
      hosts: {${plantA}}
    spare:
      vars: {site: plant-a}
      hosts: {sw-4: {}}
`;
}

const POLICY = `${POLICY_TREE['policies/change-control.yaml']}changeTypes:
  normal: {}
`;

/** A normal change of one hour on `day` of December 2026, local time (in Chicago, or the default zone). */
function change(
  id: string,
  options: { devices: string; limit: string; day: number; hour?: number; zone?: boolean },
): string {
  const day = String(options.day).padStart(2, '0');
  const hour = options.hour ?? 2;
  const at = (value: number) => `2026-12-${day}T${String(value).padStart(2, '0')}:00`;
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: ${id}
title: Change ${id}
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: low
targets: {devices: [${options.devices}]}
schedule:
  start: "${at(hour)}"
  end: "${at(hour + 1)}"
${options.zone === false ? '' : '  timezone: America/Chicago\n'}execution:
  - ansible:
      playbook: playbooks/touch.yaml
      inventory: inventory/hosts.yaml
      limit: "${options.limit}"
`;
}

const RUN = 'changes/run.yaml';
const TREE = {
  'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: America/Chicago}\n',
  'inventory/hosts.yaml': inventory('sw-1: {}, sw-2: {}, sw-3: {}'),
  'playbooks/touch.yaml': '- hosts: all\n  gather_facts: false\n  tasks: []\n',
  'policies/change-control.yaml': POLICY,
  [RUN]: change('RUN', { devices: 'sw-4', limit: 'sw-4', day: 1 }),
  'changes/group.yaml': change('GROUP', { devices: 'sw-1, sw-2, sw-3, sw-4', limit: 'plant_a', day: 1 }),
  'changes/pair-a.yaml': change('PAIR-A', { devices: 'sw-1', limit: 'sw-1', day: 2 }),
  'changes/pair-b.yaml': change('PAIR-B', { devices: 'sw-1', limit: 'sw-1', day: 2 }),
  // why: 09:00 in Chicago is 15:00Z, clear of RUN (08:00Z); in Berlin it is 08:00Z, on top of it.
  'changes/local.yaml': change('LOCAL', { devices: 'sw-4', limit: 'sw-4', day: 1, hour: 9, zone: false }),
  'changes/broken.yaml': 'apiVersion: netchange/v1\nkind: ChangeProposal\nid: BROKEN\n',
};

let repository: TestRepository;

afterEach(async () => {
  await repository.remove();
});

/** A repository whose cache was filled by a complete run, as a developer's clone or a cached CI workspace. */
async function warmRepository(): Promise<TestRepository> {
  const created = await createRepository(TREE);
  await created.commit('proposals');
  await runCli(['validate', '--at', AT, '--format', 'json'], { cwd: created.root });
  return created;
}

function validate(args: readonly string[]): Promise<CliResult> {
  return runCli(['validate', ...args, '--at', AT, '--format', 'json'], { cwd: repository.root });
}

/** The same run with the cache as it is, then with no cache at all (everything computed). */
async function withAndWithoutCache(
  args: readonly string[],
): Promise<{ cached: CliResult; computed: CliResult }> {
  const cached = await validate(args);
  await rm(path.join(repository.root, CACHE_DIRECTORY), { recursive: true, force: true });
  const computed = await validate(args);
  return { cached, computed };
}

function conflictsOf(result: CliResult, id: string): string[] {
  const report = JSON.parse(result.stdout) as ValidationReport;
  const proposal = report.proposals.find((entry) => entry.id === id);
  return (proposal?.findings ?? [])
    .filter((finding) => finding.ruleId === 'conflict')
    .map((finding) => finding.message);
}

describe('the conflict-facts cache of partial runs', () => {
  it('fills .git/netchange/ on a complete run and gives a --since run the same report as computing', async () => {
    repository = await warmRepository();
    await repository.write({ [RUN]: change('RUN', { devices: 'sw-1', limit: 'sw-1', day: 2 }) });
    await repository.commit('move RUN onto sw-1 on the 2nd');
    const filled = JSON.parse(await readFile(path.join(repository.root, CACHE_FILE), 'utf8'));

    const { cached, computed } = await withAndWithoutCache(['--since', 'HEAD~1']);

    expect(Object.keys(filled.entries).sort()).toEqual(
      Object.keys(TREE)
        .filter((file) => file.startsWith('changes/'))
        .sort(),
    );
    expect(cached.stdout).toBe(computed.stdout);
    expect(cached.exitCode).toBe(computed.exitCode);
    expect(conflictsOf(cached, 'RUN')).toEqual([
      'conflicts with changes/pair-a.yaml (PAIR-A): both change sw-1',
      'conflicts with changes/pair-b.yaml (PAIR-B): both change sw-1',
    ]);
  });

  it('writes only scheduled facts, never a file of a secret-looking value', async () => {
    repository = await createRepository({
      ...TREE,
      'changes/pair-a.yaml': TREE['changes/pair-a.yaml'].replace(
        '      limit: "sw-1"\n',
        '      limit: "sw-1"\n      extraVars: {snmp_community: s3cr3t-community-value}\n',
      ),
    });
    await repository.commit('proposals');

    await validate([RUN]);
    const text = await readFile(path.join(repository.root, CACHE_FILE), 'utf8');

    expect(text).toContain('PAIR-A');
    expect(text).not.toContain('s3cr3t-community-value');
  });

  it('finds a duplicate id in a proposal whose id comes from the cache', async () => {
    repository = await warmRepository();
    await repository.write({ [RUN]: change('PAIR-A', { devices: 'sw-4', limit: 'sw-4', day: 1 }) });
    await repository.commit('RUN takes the id of PAIR-A');

    const { cached, computed } = await withAndWithoutCache(['--since', 'HEAD~1']);

    expect(cached.stdout).toBe(computed.stdout);
    expect(cached.stdout).toContain("id 'PAIR-A' is also used by changes/pair-a.yaml");
  });

  it.each<{ name: string; edit: Record<string, string>; commit: boolean }>([
    {
      name: 'a policy change (a new redundancy group)',
      edit: {
        'policies/change-control.yaml': `${POLICY}redundancyGroups:\n  - {name: plant-pair, devices: ["sw-1", "sw-4"]}\n`,
      },
      commit: true,
    },
    {
      name: 'an inventory change that moves sw-4 into the group another change is limited to',
      edit: {
        'inventory/hosts.yaml': inventory('sw-1: {}, sw-2: {}, sw-3: {}, sw-4: {}').replace(
          / {4}spare:\n.*\n.*\n/,
          '',
        ),
      },
      commit: true,
    },
    {
      name: 'a configuration change of the default time zone',
      edit: {
        'netchange.yaml': 'apiVersion: netchange/v1\nkind: Config\ndefaults: {timezone: Europe/Berlin}\n',
      },
      commit: true,
    },
    {
      name: 'an uncommitted edit of another proposal',
      edit: { 'changes/pair-a.yaml': change('PAIR-A', { devices: 'sw-4', limit: 'sw-4', day: 1 }) },
      commit: false,
    },
  ])('gives the computed report after $name (a stale cache is never read)', async ({ edit, commit }) => {
    repository = await warmRepository();
    const before = await validate([RUN]);
    await repository.write(edit);
    if (commit) await repository.commit('edit');

    const { cached, computed } = await withAndWithoutCache([RUN]);

    expect(cached.stdout).toBe(computed.stdout);
    expect(cached.exitCode).toBe(computed.exitCode);
    expect(cached.stdout).not.toBe(before.stdout);
  });

  it.each([
    { name: 'not JSON', content: () => '{"environment": "trunc' },
    { name: 'binary garbage', content: () => '\u0000\u00ff\u0001 not a cache' },
    {
      name: 'entries of the wrong shape',
      // why: every entry damaged differently: a device index past the string table, a start that is
      // no number, a row one field short, an entry that is no row.
      content: (stored: string) => {
        const file = JSON.parse(stored) as { entries: Record<string, unknown[]> };
        const rows = Object.values(file.entries);
        expect(rows.length).toBeGreaterThan(3);
        rows.forEach((row, index) => {
          const facts = row[2] as unknown[] | null;
          if (!facts) row.splice(0, row.length, 'not', 'an entry');
          else if (index % 4 === 0) facts[10] = [9999];
          else if (index % 4 === 1) facts[6] = 'x';
          else if (index % 4 === 2) facts.pop();
          else row.splice(0, row.length, 'not', 'an entry');
        });
        return JSON.stringify(file);
      },
    },
    { name: 'a JSON array', content: () => '[1, 2, 3]' },
  ])('falls back to computing when the cache file is $name', async ({ content }) => {
    repository = await warmRepository();
    const file = path.join(repository.root, CACHE_FILE);
    await writeFile(file, content(await readFile(file, 'utf8')));

    const { cached, computed } = await withAndWithoutCache(['changes/pair-b.yaml']);

    expect(cached.stderr).toBe(computed.stderr);
    expect(cached.stdout).toBe(computed.stdout);
    expect(conflictsOf(cached, 'PAIR-B')).toEqual([
      'conflicts with changes/pair-a.yaml (PAIR-A): both change sw-1',
    ]);
  });
});
