import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostResolver, type HostQuery } from '../../src/proposals/host-resolution.js';
import { createRepository, type TestRepository } from '../support/repository.js';

const PLANTED = 'inventory-Planted-S3cret';

/** The Python that runs the real ansible-inventory, read from its #! line. */
function realAnsiblePython(): string {
  const command = execFileSync('sh', ['-c', 'command -v ansible-inventory'], { encoding: 'utf8' }).trim();
  const first = execFileSync('head', ['-n', '1', command], { encoding: 'utf8' });
  return first.slice(2).trim().split(/\s+/)[0]!;
}

describe('the host resolution cache', () => {
  let repository: TestRepository;
  let tools: string;
  let inventoryCommand: string;
  const cache = () => path.join(repository.root, '.netchange/cache');

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

  it('deletes inventory cache files of older versions, which kept variables', async () => {
    const legacy = path.join(cache(), `inventory-${'a'.repeat(64)}.json`);
    await resolve({ limit: 'sw-1' });
    await writeFile(legacy, JSON.stringify({ secret: PLANTED }));

    await resolve({ limit: 'sw-2' });

    expect(await readdir(cache())).not.toContain(path.basename(legacy));
  });
});
