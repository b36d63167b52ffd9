import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../../src/core/model.js';
import { createHostResolver, type HostQuery } from '../../src/proposals/host-resolution.js';
import { realAnsiblePython } from '../support/processes.js';
import { plantProposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PLANTED = 'inventory-Planted-S3cret';

describe('the host resolution cache', () => {
  let repository: TestRepository;
  let tools: string;
  let inventoryCommand: string;
  const cache = () => path.join(repository.root, '.git/netchange/hosts');

  // why: the resolver runs the Python named on the ansible-inventory command's #! line. A command of
  // our own lets a test break that Python (a fault), proving a later run needed no Python at all.
  const pointAt = async (python: string) =>
    writeFile(inventoryCommand, `#!${python}\n# stands in for ansible-inventory\n`, { mode: 0o755 });

  const resolve = async (query: Omit<HostQuery, 'inventory' | 'playbook'> & { playbook?: string }) => {
    const resolver = createHostResolver({ root: repository.root, inventoryCommand, cacheDirectory: cache() });
    const full: HostQuery = {
      inventory: path.join(repository.root, 'inventory/hosts.yaml'),
      playbook: path.join(repository.root, query.playbook ?? 'playbooks/site.yaml'),
      ...(query.limit ? { limit: query.limit } : {}),
    };
    resolver.want([full.inventory], [full]);
    const resolution = await resolver.resolve();
    return { step: resolution.step(full), inventory: resolution.inventory(full.inventory) };
  };

  beforeEach(async () => {
    repository = await createRepository({
      'inventory/hosts.yaml': `all:\n  vars: {device_password: ${PLANTED}}\n  children:\n    plant_a:\n      vars: {site: plant-a}\n      children:\n        switches:\n          hosts:\n            sw-1: {snmp_community: ${PLANTED}}\n            sw-2: {}\n`,
      'playbooks/site.yaml': '- import_playbook: switches.yaml\n',
      'playbooks/switches.yaml': '- hosts: switches\n  gather_facts: false\n  tasks: []\n',
    });
    tools = await mkdtemp(path.join(os.tmpdir(), 'netchange-tools-'));
    inventoryCommand = path.join(tools, 'ansible-inventory');
    await pointAt(realAnsiblePython());
  });
  afterEach(async () => {
    await repository.remove();
    await rm(tools, { recursive: true, force: true });
  });

  it('starts Python at the first question the cache cannot answer, while its caller is still busy', async () => {
    const marker = path.join(tools, 'python-started');
    const python = path.join(tools, 'python');
    await writeFile(python, `#!/bin/sh\ntouch '${marker}'\nexec '${realAnsiblePython()}' "$@"\n`, {
      mode: 0o755,
    });
    await pointAt(python);
    const resolver = createHostResolver({ root: repository.root, inventoryCommand, cacheDirectory: cache() });
    const query: HostQuery = {
      inventory: path.join(repository.root, 'inventory/hosts.yaml'),
      playbook: path.join(repository.root, 'playbooks/site.yaml'),
      limit: 'sw*',
    };
    const before = resolver.starting();

    resolver.want([query.inventory], [query]);
    await resolver.starting();
    // why: no await until Python has shown it runs, as validate parses on without one; a start that
    // waited for a later turn never would, and the loop gives up after ten seconds.
    const giveUpAt = Date.now() + 10_000;
    while (!existsSync(marker) && Date.now() < giveUpAt) {
      // busy
    }
    const startedWhileBusy = existsSync(marker);
    const resolution = await resolver.resolve();

    expect(before).toBeUndefined();
    expect(startedWhileBusy).toBe(true);
    expect(resolver.starting()).toBeUndefined();
    expect(resolution.step(query)).toEqual({ ok: true, hosts: ['sw-1', 'sw-2'] });
  });

  it('answers a second run from the cache, without Python', async () => {
    const first = await resolve({ limit: 'sw*' });
    await pointAt('/nonexistent/python3');

    const second = await resolve({ limit: 'sw*' });

    expect(first.step).toEqual({ ok: true, hosts: ['sw-1', 'sw-2'] });
    expect(second.step).toEqual(first.step);
    expect(second.inventory).toEqual(first.inventory);
    expect(second.inventory?.ok && second.inventory.inventory.hostSites.get('sw-1')).toBe('plant-a');
  });

  it.each([
    ['the playbook', 'playbooks/site.yaml', '- import_playbook: switches.yaml\n- hosts: sw-1\n  tasks: []\n'],
    [
      'a playbook it imports',
      'playbooks/switches.yaml',
      '- hosts: sw-2\n  gather_facts: false\n  tasks: []\n',
    ],
  ])('runs Ansible again when %s changes', async (_what, file, text) => {
    await resolve({});
    await pointAt('/nonexistent/python3');
    await writeFile(path.join(repository.root, file), text);

    const stale = resolve({});

    await expect(stale).rejects.toMatchObject({ code: 'E_EXECUTOR' });
    await pointAt(realAnsiblePython());
    expect((await resolve({})).step).toEqual({
      ok: true,
      hosts: file.endsWith('site.yaml') ? ['sw-1', 'sw-2'] : ['sw-2'],
    });
  });

  it('runs Ansible again for another limit', async () => {
    await resolve({ limit: 'sw-1' });
    await pointAt('/nonexistent/python3');

    await expect(resolve({ limit: 'sw-2' })).rejects.toMatchObject({ code: 'E_EXECUTOR' });
  });

  it('keeps host names, groups and sites only, never inventory variables', async () => {
    await resolve({ limit: 'sw*' });

    const files = await readdir(cache());
    const texts = await Promise.all(files.map((name) => readFile(path.join(cache(), name), 'utf8')));

    expect(files.length).toBe(2);
    for (const text of texts) {
      expect(text).not.toContain(PLANTED);
      expect(text).not.toContain('device_password');
    }
  });
});

// why: the step's limit reaches a Berlin switch beside the declared one.
const REACHING = plantProposalYaml(
  'CHG-REACH',
  'Describe a port',
  `  - ansible:
      playbook: playbooks/switching/port-description.yaml
      inventory: inventory/hosts.yaml
      limit: "sw-plant-a-01,sw-berlin-01"
`,
);

describe('validate and the host resolution cache (example plant network)', () => {
  let repository: TestRepository;
  afterEach(async () => repository.remove());

  const undeclared = async (): Promise<string[]> => {
    const result = await runCli(['validate', '--format', 'json', '--at', '2026-11-23T15:00:00Z'], {
      cwd: repository.root,
    });
    const report = JSON.parse(result.stdout) as ValidationReport;
    return report.proposals
      .flatMap((proposal) => proposal.findings)
      .filter((finding) => finding.message.includes('not declared in targets'))
      .map((finding) => finding.message);
  };

  /** Every file the host resolution cache holds, wherever netchange keeps it. */
  const remembered = async (): Promise<string[]> => {
    const found: string[] = [];
    const walk = async (directory: string): Promise<void> => {
      for (const entry of await readdir(directory, { withFileTypes: true })) {
        const full = path.join(directory, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (/^(hosts|inventory-v2)-[0-9a-f]{64}\.json$/.test(entry.name)) found.push(full);
      }
    };
    await walk(repository.root);
    return found;
  };

  it('never believes a cache entry a pull request commits into the work tree', async () => {
    repository = await createRepository({}, { fromExample: true });
    await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
    await repository.write({ 'changes/reach.yaml': REACHING });
    await repository.commit('a step that reaches an undeclared switch');
    const honest = await undeclared();
    const entries = await remembered();

    // The forgery: every remembered answer, the Berlin switch left out, committed where a cache
    // inside the work tree would be read; the runner's own cache is gone (a fresh CI checkout).
    const planted = path.join(repository.root, '.netchange/cache');
    await mkdir(planted, { recursive: true });
    for (const file of entries) {
      const entry = JSON.parse(await readFile(file, 'utf8')) as { hosts?: unknown };
      if (Array.isArray(entry.hosts)) entry.hosts = entry.hosts.filter((host) => host !== 'sw-berlin-01');
      await writeFile(path.join(planted, path.basename(file)), JSON.stringify(entry));
    }
    await rm(path.join(repository.root, '.git/netchange'), { recursive: true, force: true });
    await repository.commit('remember fewer hosts');
    const forged = await undeclared();

    expect(honest).toEqual([expect.stringContaining('sw-berlin-01')]);
    expect(forged).toEqual(honest);
    expect(
      entries.some((file) => file.includes(`${path.sep}.git${path.sep}netchange${path.sep}hosts${path.sep}`)),
    ).toBe(true);
  });
});
