import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const cwd = os.tmpdir();

describe('the command line', () => {
  it('prints its version', async () => {
    const result = await runCli(['--version'], { cwd });

    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('lists its commands and exit codes in --help', async () => {
    const result = await runCli(['--help'], { cwd });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('validate');
    expect(result.stdout).toContain('Exit codes: 0 passed, 1 a proposal failed');
  });

  it('explains validate with examples in its --help', async () => {
    const result = await runCli(['validate', '--help'], { cwd });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('--since <ref>');
    expect(result.stdout).toContain('$ netchange validate --since origin/main');
  });

  it.each([['digest'], ['audit', 'verify']])('exits 2 when %s runs outside a repository', async (...args) => {
    const result = await runCli(args, { cwd });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is not inside a git repository');
  });

  it.each([
    [['valdiate'], /unknown command 'valdiate'[\s\S]*Did you mean validate\?/],
    [['validate', '--sinse', 'main'], /unknown option '--sinse'[\s\S]*Did you mean --since\?/],
    [
      ['validate', '--format', 'yaml'],
      /argument 'yaml' is invalid[\s\S]*text, json, sarif, junit, markdown, github/,
    ],
  ])('exits 2 for %j with a suggestion', async (args, message) => {
    const result = await runCli(args, { cwd });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
