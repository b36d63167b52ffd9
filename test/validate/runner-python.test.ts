import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realAnsiblePython } from '../support/processes.js';
import { plantProposalYaml } from '../support/proposals.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const MARKER = 'python-of-the-pull-request-ran';
const AT = '2026-11-23T15:00:00Z';

/** A "python3" that leaves a marker in `folder` and then runs the real one (so validate would pass). */
function pythonThatLeavesAMarker(folder: string): string {
  return `#!/bin/sh\ntouch '${path.join(folder, MARKER)}'\nexec '${realAnsiblePython()}' "$@"\n`;
}

const PROPOSAL = plantProposalYaml(
  'CHG-PY',
  'Describe a port',
  `  - ansible:
      playbook: playbooks/switching/port-description.yaml
      inventory: inventory/hosts.yaml
      limit: sw-plant-a-01
`,
);

describe("validate never runs a Python from the pull request's repository", () => {
  let repository: TestRepository;
  let tools: string | undefined;
  afterEach(async () => {
    await repository.remove();
    if (tools) await rm(tools, { recursive: true, force: true });
    tools = undefined;
  });

  /** The example with one proposal; `config` is appended to its netchange.yaml. */
  const pullRequest = async (config: string, files: Record<string, string> = {}) => {
    repository = await createRepository({}, { fromExample: true });
    await rm(path.join(repository.root, 'changes'), { recursive: true, force: true });
    const current = await readFile(path.join(repository.root, 'netchange.yaml'), 'utf8');
    await repository.write({
      'changes/py.yaml': PROPOSAL,
      'netchange.yaml': `${current}${config}`,
      ...files,
    });
  };
  const makeExecutable = (relative: string) => chmod(path.join(repository.root, relative), 0o755);

  it('refuses an ansible-inventory whose #! names a python3 the pull request added: exit 2, nothing runs', async () => {
    await pullRequest('executors:\n  ansibleInventory: tools/ansible-inventory\n');
    await repository.write({
      'tools/python3': pythonThatLeavesAMarker(repository.root),
      'tools/ansible-inventory': `#!${path.join(repository.root, 'tools/python3')}\n`,
    });
    await makeExecutable('tools/python3');
    await repository.commit('name our own Python');

    const result = await runCli(['validate', '--at', AT], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('executors.ansibleInventory');
    expect(result.stderr).toContain('tools/python3, a file of the repository');
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('refuses a python3 found on a PATH entry inside the checkout (node_modules/.bin): exit 2, nothing runs', async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'netchange-tools-'));
    // why: an ansible-inventory of the runner's own, outside the repository, that finds python3 on PATH.
    await writeFile(path.join(tools, 'ansible-inventory'), '#!/usr/bin/env python3\n', { mode: 0o755 });
    await pullRequest(`executors:\n  ansibleInventory: ${path.join(tools, 'ansible-inventory')}\n`);
    await repository.write({ 'node_modules/.bin/python3': pythonThatLeavesAMarker(repository.root) });
    await makeExecutable('node_modules/.bin/python3');
    await repository.commit('a python3 of our own');

    const result = await runCli(['validate', '--at', AT], {
      cwd: repository.root,
      env: { PATH: `${path.join(repository.root, 'node_modules/.bin')}:${process.env.PATH}` },
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('node_modules/.bin/python3, a file of the repository');
    expect(existsSync(path.join(repository.root, MARKER))).toBe(false);
  });

  it('runs the Python of an ansible-inventory outside the repository, as before', async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'netchange-tools-'));
    await writeFile(path.join(tools, 'python3'), pythonThatLeavesAMarker(tools), { mode: 0o755 });
    await writeFile(path.join(tools, 'ansible-inventory'), `#!${path.join(tools, 'python3')}\n`, {
      mode: 0o755,
    });
    await pullRequest(`executors:\n  ansibleInventory: ${path.join(tools, 'ansible-inventory')}\n`);
    await repository.commit('the runner tool');

    const result = await runCli(['validate', '--format', 'json', '--at', AT], { cwd: repository.root });

    expect(result.stderr).not.toContain('a file of the repository');
    expect(JSON.parse(result.stdout).proposals).toHaveLength(1);
    expect(existsSync(path.join(tools, MARKER))).toBe(true);
  });
});
