import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { PROJECT_ROOT } from './repository.js';

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const MAIN = path.join(PROJECT_ROOT, 'src/cli/main.ts');
// why: an absolute loader URL, because tests run the CLI from temp directories without node_modules.
const TSX_LOADER = import.meta.resolve('tsx');

/**
 * How the tests start the CLI: the bundle vitest's global setup built from the sources
 * (test/support/cli-bundle.ts), or the sources through tsx where there is none (the benches).
 */
function cliEntry(): string[] {
  const bundle = process.env.NETCHANGE_TEST_CLI;
  return bundle ? [bundle] : ['--import', TSX_LOADER, MAIN];
}

const CLI_ENV: Record<string, string> = {
  NO_COLOR: '1',
  CI: 'true',
  ...(process.env.NETCHANGE_TEST_CODE_CACHE
    ? { NETCHANGE_CODE_CACHE: process.env.NETCHANGE_TEST_CODE_CACHE }
    : {}),
};

/** Runs the real CLI as a user does: a separate process, real exit code and output. */
export async function runCli(
  args: readonly string[],
  options: {
    cwd: string;
    env?: Record<string, string>;
    input?: string;
    timeout?: number;
    /** Runs the CLI with its clock starting at this instant (`YYYY-MM-DD hh:mm:ss`, UTC), under faketime. */
    clockAt?: string;
  },
): Promise<CliResult> {
  const result = await execa('node', [...cliEntry(), ...args], {
    cwd: options.cwd,
    env: {
      ...CLI_ENV,
      ...(options.clockAt ? clockAt(options.clockAt) : {}),
      ...options.env,
    },
    reject: false,
    timeout: options.timeout ?? 120_000,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
  });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/**
 * The environment that starts a process's clock at `instant` with libfaketime (the library the
 * year-ahead suite runs under; its `faketime` wrapper would warn on stderr when nested in it).
 */
function clockAt(instant: string): Record<string, string> {
  const library = FAKETIME_LIBRARIES.find((candidate) => existsSync(candidate));
  if (!library) throw new Error('libfaketime is not installed: run `bash scripts/setup.sh`');
  return { LD_PRELOAD: library, FAKETIME: `@${instant}`, TZ: 'UTC' };
}

const FAKETIME_LIBRARIES = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/faketime/libfaketime.so.1',
];

/** Starts the real CLI in the background, for tests that signal or kill it while it runs. */
export function startCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): ResultPromise<{ reject: false; stdin: 'ignore' }> {
  return execa('node', [...cliEntry(), ...args], {
    cwd: options.cwd,
    env: { ...CLI_ENV, ...options.env },
    reject: false,
    stdin: 'ignore',
  });
}

/**
 * The CLI as a workflow runs it against the GitHub stand-in: `env` gives its API address, token,
 * repository and actor. Every result is kept in `outputs`, so a suite can check afterwards that the
 * token never showed.
 */
export function githubCli(env: () => Record<string, string>, cwd: () => string) {
  const outputs: CliResult[] = [];
  const run = async (args: readonly string[]): Promise<CliResult> => {
    const result = await runCli(args, { cwd: cwd(), env: env() });
    outputs.push(result);
    return result;
  };
  return { run, outputs };
}
