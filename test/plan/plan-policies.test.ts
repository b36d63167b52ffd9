/**
 * plan checks the policy files as validate and apply do: one it cannot read is a configuration
 * error (exit 2, at its line) and nothing runs. A proposal the policies block is still planned.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';

let repository: TestRepository;

beforeEach(async () => {
  repository = await createRepository({}, { fromExample: true, onlyChanges: 'chg-014' });
  await repository.commit('example');
});
afterEach(async () => {
  await repository.remove();
});

/** Rewrites one policy file of the repository (left uncommitted, as an operator edits it). */
async function edit(file: string, change: (text: string) => string): Promise<void> {
  const absolute = path.join(repository.root, file);
  await writeFile(absolute, change(await readFile(absolute, 'utf8')));
}

describe('netchange plan and the policy files', () => {
  it.each([
    [
      'an invalid RRULE in windows.yaml',
      'policies/windows.yaml',
      (text: string) => text.replace('FREQ=WEEKLY;', 'FREQ=WEEKLYX;'),
      /policies\/windows\.yaml:\d+:\d+ window 'plant-a-production': invalid RRULE 'FREQ=WEEKLYX/,
    ],
    [
      'an unknown time zone in windows.yaml',
      'policies/windows.yaml',
      (text: string) => text.replace('timezone: America/Chicago', 'timezone: Mars/Base'),
      /policies\/windows\.yaml:6:\d+ unknown time zone 'Mars\/Base'/,
    ],
    [
      'a CEL expression that does not compile in change-control.yaml',
      'policies/change-control.yaml',
      (text: string) => text.replace(`when: "context.risk != 'low'"`, 'when: "context.risk !="'),
      /policies\/change-control\.yaml:\d+:\d+ rule rollback-required: when is not a valid CEL/,
    ],
  ])(
    'refuses %s with exit 2 at its line, as validate does, and runs no step',
    async (_case, file, change, where) => {
      await edit(file, change);

      const validated = await runCli(['validate', PROPOSAL], { cwd: repository.root });
      const planned = await runCli(['plan', PROPOSAL, '--out-dir', 'out'], { cwd: repository.root });

      expect(validated.exitCode).toBe(2);
      expect(validated.stderr).toMatch(where);
      expect(planned.exitCode, planned.stderr).toBe(2);
      expect(planned.stderr).toMatch(where);
      expect(planned.stdout).toBe('');
      expect(existsSync(path.join(repository.root, 'out/plan.json'))).toBe(false);
    },
  );

  it('still plans a proposal its production window blocks (exit 0), so reviewers see its diff', async () => {
    const blocked = 'changes/chg-0144-trunk-during-production.yaml';

    const validated = await runCli(['validate', blocked, '--at', '2026-11-20T15:00:00Z'], {
      cwd: repository.root,
    });
    const planned = await runCli(['plan', blocked, '--format', 'json', '--out-dir', 'out'], {
      cwd: repository.root,
    });

    expect(validated.exitCode).toBe(1);
    expect(validated.stdout).toContain('plant-a-production');
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toMatchObject({ status: 'planned', summary: { planned: 1 } });
  });
});
