import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

// why: apply measures notice from the commit that brought the proposal; a commit dated before the
// example's slots keeps the verdicts independent of the day the suite runs.
const COMMITTED = '2026-11-20T10:00:00Z';
const PROPOSAL = 'changes/chg-0142-vlan40-packaging.yaml';
/** CHG-2026-0142's slot: Sun 29 Nov 2026 02:00–03:00 CST, inside plant A's Sunday window. */
const IN_SLOT = '2026-11-29T02:10:00-06:00';
const BEFORE_SLOT = '2026-11-27T02:10:00-06:00';

let repository: TestRepository;
let commit: string;

beforeAll(async () => {
  repository = await createRepository({}, { fromExample: true });
  await execa('git', ['add', '-A'], { cwd: repository.root });
  await execa('git', ['commit', '-q', '-m', 'the plant network'], {
    cwd: repository.root,
    env: { GIT_AUTHOR_DATE: COMMITTED, GIT_COMMITTER_DATE: COMMITTED },
  });
  commit = (await repository.git.revparse(['HEAD'])).trim();
});

afterAll(async () => {
  await repository.remove();
});

async function approvals(name: string, entries: string): Promise<string> {
  // why: outside the repository, so the tree stays committed (apply refuses a dirty tree).
  const file = path.join(path.dirname(repository.root), `${path.basename(repository.root)}-${name}.yaml`);
  await writeFile(file, entries);
  return file;
}

function rehearse(...flags: string[]) {
  return runCli(['apply', PROPOSAL, '--dry-run', ...flags], { cwd: repository.root });
}

async function nothingHappened(): Promise<void> {
  const refs = (await repository.git.raw(['for-each-ref', '--format=%(refname)'])).trim().split('\n');
  expect(refs).toEqual(['refs/heads/main']);
  // (validation's host cache may appear under .git/netchange/hosts, as with validate; no run directory)
  expect(existsSync(path.join(repository.root, '.netchange/runs'))).toBe(false);
  expect(existsSync(path.join(repository.root, 'state'))).toBe(false);
  expect((await repository.git.status()).isClean()).toBe(true);
}

describe('apply --dry-run --at', () => {
  it('inside the window, with the approvals for the head commit: would run (exit 0), nothing run or locked', async () => {
    const file = await approvals('approved', `- {user: alice, commit: ${commit}}\n`);

    const result = await rehearse('--approvals', file, '--at', IN_SLOT);

    expect(result.stdout).toContain(
      'CHG-2026-0142 (changes/chg-0142-vlan40-packaging.yaml) at Sun 29 Nov 2026 02:10 CST (08:10Z): would run',
    );
    expect(result.stdout).toContain('locks it would take: device-sw-plant-a-01, device-sw-plant-a-02');
    expect(result.stdout).toContain('Nothing was run, locked or recorded (--dry-run).');
    expect(result.exitCode).toBe(0);
    await nothingHappened();
  });

  it('inside the window, before approvals: refused, naming who can still approve', async () => {
    const result = await rehearse('--at', IN_SLOT);

    expect(result.stdout).toContain('would be refused');
    expect(result.stdout).toContain('✗ approvals missing: 1 from netops (alice or bob)');
    expect(result.stdout).not.toContain('slot');
    expect(result.exitCode).toBe(1);
    await nothingHappened();
  });

  it('with an approval for an older commit: says whose approval did not count and why', async () => {
    const file = await approvals(
      'stale',
      '- {user: alice, commit: 0123456789abcdef0123456789abcdef01234567}\n',
    );

    const result = await rehearse('--approvals', file, '--at', IN_SLOT);

    expect(result.stdout).toContain('approvals missing: 1 from netops (alice or bob)');
    expect(result.stdout).toContain(
      `approval by alice was given for another commit than ${commit.slice(0, 12)}`,
    );
    expect(result.exitCode).toBe(1);
  });

  it('outside the slot, after approvals: refused with the slot in local time and a hint about the slot', async () => {
    const file = await approvals('approved', `- {user: alice, commit: ${commit}}\n`);

    const result = await rehearse('--approvals', file, '--at', BEFORE_SLOT);

    expect(result.stdout).toContain('at Fri 27 Nov 2026 02:10 CST (08:10Z): would be refused');
    expect(result.stdout).toContain(
      '✗ its slot has not started: Sun 29 Nov 2026 02:00–03:00 CST (08:00–09:00Z)',
    );
    expect(result.stdout).toContain("hint: Apply runs inside the proposal's slot");
    expect(result.stdout).not.toContain('approvals missing');
    expect(result.exitCode).toBe(1);
    await nothingHappened();
  });

  it('a window that blocks: says when the window opens, in local time, and the verdict as JSON', async () => {
    const file = await approvals('all', '- {user: grace}\n- {user: carol}\n');

    const result = await runCli(
      [
        'apply',
        'changes/chg-0148-firewall-quarter-end.yaml',
        '--dry-run',
        '--approvals',
        file,
        '--at',
        '2026-12-29T20:10:00-06:00',
        '--format',
        'json',
      ],
      { cwd: repository.root },
    );
    const verdict = JSON.parse(result.stdout);

    expect(verdict).toMatchObject({
      schemaVersion: 1,
      tool: { name: 'netchange' },
      id: 'CHG-2026-0148',
      wouldRun: false,
      at: '2026-12-30T02:10:00Z',
    });
    expect(verdict.reasons).toContain(
      'the window opens Mon 4 Jan 2027 00:00 CST (06:00Z) (blocked now by hq-firewall-quarter-end, year-end-freeze)',
    );
    expect(verdict.hint).toContain('netchange next');
    expect(result.exitCode).toBe(1);
  });

  it('--at without --dry-run is a usage error: a real apply judges the gate now', async () => {
    const result = await runCli(['apply', PROPOSAL, '--at', IN_SLOT], { cwd: repository.root });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--at rehearses the gate at another time and works only with --dry-run');
    await nothingHappened();
  });
});
