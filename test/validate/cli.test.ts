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

  it.each([
    [[], 'Usage: netchange [options] [command]', 'netchange needs a command'],
    [['audit'], 'Usage: netchange audit [options] [command]', 'netchange audit needs a command'],
    [['policy'], 'Usage: netchange policy [options] [command]', 'netchange policy needs a command'],
  ])('exits 2 for %j: a missing command is a usage error, its help on stderr', async (args, usage, error) => {
    const result = await runCli(args, { cwd });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(usage);
    expect(result.stderr).toContain(`error: ${error}`);
    expect(result.stdout).toBe('');
  });

  it.each([
    [['--help'], 'Usage: netchange [options] [command]'],
    [['help'], 'Usage: netchange [options] [command]'],
    [['audit', '--help'], 'Usage: netchange audit [options] [command]'],
    [['help', 'audit'], 'Usage: netchange audit [options] [command]'],
    [['audit', 'help'], 'Usage: netchange audit [options] [command]'],
    [['policy', 'help', 'explain'], 'Usage: netchange policy explain [options]'],
  ])('exits 0 for %j: help that was asked for, on stdout', async (args, usage) => {
    const result = await runCli(args, { cwd });

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(usage);
    expect(result.stdout).not.toContain('needs a command');
  });
});
