/**
 * Input the CLI used to take quietly: numbers in other notations, a backwards period, a commit that
 * is not a sha, a notify source that is not there, an unknown help topic, credentials in
 * GITHUB_API_URL; and the one JSON object `--format json` owes also when the answer is "refused".
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const TYPO = 'changes/chg-0146-typo.yaml';
const API_PASSWORD = 'APIPASSXYZ';

let repository: TestRepository;

beforeAll(async () => {
  repository = await createRepository(
    {
      'runs/empty/.keep': '',
      'notes.md': 'Meeting notes, not a pack.\n',
      'notes.json': '{"author": "alice"}\n',
    },
    { fromExample: true },
  );
  await repository.commit('example');
});
afterAll(async () => {
  await repository.remove();
});

const run = (args: readonly string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: repository.root, env, timeout: 60_000 });

describe('a whole-number flag written another way than in decimal digits', () => {
  it.each([
    [['windows', '--days', '1e1'], '--days'],
    [['windows', '--days', '0x10'], '--days'],
    [['schedule', '--days', '1e1'], '--days'],
    [['plan', TYPO, '--concurrency', '1e3'], "--concurrency must be a positive whole number, got '1e3'"],
    [['validate', '--github', '--pr', '1e2'], "--pr must be a positive whole number, got '1e2'"],
    [['comment', '--pr', '0x10', '--dry-run'], "--pr must be a positive whole number, got '0x10'"],
  ])('%j is a usage error (exit 2) naming the flag', async (args, message) => {
    const result = await run(args);

    expect(result.stderr).toContain(message);
    expect(result.exitCode).toBe(2);
  });

  it('--days in decimal digits still works', async () => {
    const result = await run(['windows', '--days', '10', '--from', '2026-11-23T00:00:00Z']);

    expect(result.exitCode).toBe(0);
  });
});

describe('netchange help TOPIC', () => {
  it('of an unknown command is a usage error (exit 2) naming the commands', async () => {
    const result = await run(['help', 'nosuch']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'nosuch'");
    expect(result.stderr).toContain('validate, plan, apply');
    expect(result.stdout).toBe('');
  });

  it('of a known command prints that command’s help (exit 0)', async () => {
    const result = await run(['help', 'next']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: netchange next');
  });
});

describe('a flag that does nothing without another, or beside another', () => {
  it.each([
    [['plan', TYPO, '--pr', '3'], '--pr needs --github'],
    [['plan', TYPO, '--at', '2026-11-20T12:00:00Z'], '--at needs --github'],
    [['validate', TYPO, '--pr', '3'], '--pr needs --github'],
    [
      ['validate', TYPO, '--github', '--commit', 'abc1234'],
      "--github evaluates the pull request's head commit",
    ],
  ])('%j is a usage error (exit 2) naming the flag and what it needs', async (args, message) => {
    const result = await run(args);

    expect(result.stderr).toContain(message);
    expect(result.exitCode).toBe(2);
  });

  it('plan --help says which flags need --github or --since', async () => {
    const result = await run(['plan', '--help']);

    expect(result.stdout).toMatch(/--at <iso>\s+needs --github/);
    expect(result.stdout).toMatch(/--pr <number>\s+needs --github/);
    expect(result.stdout).toMatch(/--approvals <file>\s+needs --since/);
  });
});

describe('--shard K/N out of range', () => {
  it.each([
    ['1000/1000', '--shard 1000/1000: N must be between 1 and 256'],
    ['300/8', '--shard 300/8: K must be between 1 and N (8)'],
  ])('%s says which number is wrong (exit 2)', async (shard, message) => {
    const result = await run(['plan', TYPO, '--shard', shard]);

    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('is not K/N');
    expect(result.exitCode).toBe(2);
  });
});

describe('help TOPIC of a command group', () => {
  it.each([
    ['audit', 'verify, export'],
    ['policy', 'explain'],
  ])('%s help nosuch is a usage error (exit 2) naming the group’s commands', async (group, names) => {
    const result = await run([group, 'help', 'nosuch']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'nosuch'");
    expect(result.stderr).toContain(names);
    expect(result.stdout).toBe('');
  });

  it('audit help verify prints that command’s help (exit 0)', async () => {
    const result = await run(['audit', 'help', 'verify']);

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: netchange audit verify');
  });
});

describe('an --approvals file that is not UTF-8', () => {
  it('is a usage error (exit 2) that says so and names the file', async () => {
    await writeFile(path.join(repository.root, 'approvals.bin'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]));

    const result = await run(['validate', TYPO, '--approvals', 'approvals.bin']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--approvals approvals.bin: the file is not valid UTF-8');
    expect(result.stderr).not.toContain('not a string');
  });
});

describe('an empty --approvals file', () => {
  it('is a configuration error (exit 2) whose hint shows the list an approvals file is', async () => {
    await writeFile(path.join(repository.root, 'approvals-empty.yaml'), '# nobody yet\n');

    const result = await run(['validate', TYPO, '--approvals', 'approvals-empty.yaml']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('approvals-empty.yaml:1:1 the file is empty');
    expect(result.stderr).toContain('hint: Write one approval per line, like "- {user: alice}".');
    expect(result.stderr).not.toContain('apiVersion and kind');
  });
});

describe('unlock of a name no lock can have', () => {
  it.each(['a..b', 'sw 1', 'device~1', '.hidden', 'device.lock'])(
    'unlock --local %j is a usage error (exit 2), not "there is no lock"',
    async (name) => {
      const result = await run(['unlock', '--local', name]);

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`'${name}' is not a lock name`);
      expect(result.stdout).not.toContain('there is no lock');
    },
  );

  it('unlock --local of a well-formed name that is not held still exits 1', async () => {
    const result = await run(['unlock', '--local', 'device-sw-nowhere']);

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('there is no lock device-sw-nowhere');
  });
});

describe('digest with --since after --until', () => {
  it('is a usage error (exit 2), as cab refuses a --since after --meeting', async () => {
    const result = await run([
      'digest',
      '--since',
      '2026-12-07T00:00:00Z',
      '--until',
      '2026-12-01T00:00:00Z',
      '--no-fetch',
    ]);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(
      '--since 2026-12-07T00:00:00Z must be before --until 2026-12-01T00:00:00Z',
    );
    expect(result.stderr).toContain('hint: ');
    expect(result.stdout).toBe('');
  });
});

describe('validate --commit', () => {
  it('that is not a commit sha is a usage error (exit 2), not a silently unmatched commit', async () => {
    const result = await run(['validate', '--commit', 'zzz', '--require-approvals']);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--commit must be a commit sha (7 to 64 hex digits), got 'zzz'");
  });
});

describe('notify with an input that is not what the source reads', () => {
  it.each([
    [['--from', 'apply-result', '--run-dir', 'runs/empty'], 'runs/empty holds no apply run'],
    [['--from', 'apply-result', '--run-dir', 'netchange.yaml'], 'netchange.yaml is not a directory'],
    [['--from', 'cab', '--file', 'notes.md'], 'notes.md is not a CAB pack'],
    [['--from', 'cab', '--file', 'notes.json'], 'notes.json is not a CAB pack'],
  ])('%j is a usage error (exit 2) with a hint, and nothing is posted', async (args, message) => {
    const result = await run(['notify', '--to', 'slack', ...args, '--dry-run']);

    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('hint: ');
    expect(result.stdout).toBe('');
    expect(result.exitCode).toBe(2);
  });
});

describe('--format json when the proposal is invalid', () => {
  it.each([
    [['next', TYPO, '--format', 'json']],
    [['apply', '--dry-run', TYPO, '--format', 'json']],
    [['apply', TYPO, '--format', 'json']],
  ])('%j prints one JSON object with the findings and exits 1', async (args) => {
    const result = await run(args);

    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout) as { ok: boolean };
    expect(document.ok).toBe(false);
    expect(result.stdout).toContain("unknown key 'rollbak'");
  });
});

describe('GITHUB_API_URL with a user name or password', () => {
  const env = {
    GITHUB_TOKEN: 'x',
    GITHUB_REPOSITORY: 'acme/plant-network',
    GITHUB_API_URL: `http://u:${API_PASSWORD}@127.0.0.1:9`,
    GITHUB_EVENT_PATH: '',
  };

  it.each([[['validate', '--github', '--pr', '1']], [['comment', '--pr', '1']]])(
    '%j is a configuration error (exit 2) that never prints the credentials',
    async (args) => {
      const result = await run(args, env);

      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain('GITHUB_API_URL includes a user name or password');
      expect(result.stderr).toContain('GITHUB_TOKEN');
      expect(`${result.stdout}${result.stderr}`).not.toContain(API_PASSWORD);
    },
  );
});
