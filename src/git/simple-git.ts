/**
 * The one module that imports simple-git: every git command netchange runs starts here. The
 * adapters named by role (GitRepository for proposals, EvidenceGit, the local lock refs) and the
 * few one-off questions (HEAD, the last commit of a file, init) are written over it.
 */
import { execFile } from 'node:child_process';
import type { SimpleGit } from 'simple-git';
import { runProcess } from '../executors/run-process.js';

/** git commands in one repository. */
export interface GitCommands {
  /** The directory git runs in. */
  readonly root: string;
  /**
   * Runs `git <args>` and resolves with its standard output; rejects when git fails (an exit
   * status other than 0 with something on standard error), with git's message.
   */
  run(args: readonly string[]): Promise<string>;
  /** `git show --binary <objects>`: the objects' contents as bytes, one after the other. */
  showBytes(objects: readonly string[]): Promise<Buffer>;
  /**
   * The contents of blobs whose sizes `git ls-tree -l` gave, one Buffer each, read `perCall` blobs
   * per `git show` (one process per chunk instead of one per blob).
   */
  showBlobs(entries: readonly { blob: string; size: number }[], perCall: number): Promise<Buffer[]>;
  /** Runs `git <args>` with `input` on its standard input; rejects when git exits with another status than 0. */
  runWithInput(args: readonly string[], input: string): Promise<string>;
}

export interface OpenGitOptions {
  /**
   * Run git with only the variables local plumbing needs (PATH, HOME, the ssh-agent socket...)
   * plus these, instead of netchange's whole environment.
   */
  environment?: Record<string, string>;
}

// why: only what local plumbing needs; simple-git refuses to run with editor or pager variables set.
// SSH_AUTH_SOCK, so a signing key held by ssh-agent (git's user.signingkey) can sign.
const PLUMBING_VARIABLES = [
  'PATH',
  'HOME',
  'XDG_CONFIG_HOME',
  'TMPDIR',
  'LANG',
  'SYSTEMROOT',
  'SSH_AUTH_SOCK',
];

/** git in the directory `root` (a work tree, a subdirectory of one, or a bare repository). */
export function openGit(root: string, options: OpenGitOptions = {}): GitCommands {
  const environment = options.environment ? plumbingEnvironment(options.environment) : undefined;
  return {
    root,
    run: (args) => runGit(root, args, environment),
    showBytes: (objects) => runGitBytes(root, ['show', '--binary', ...objects], environment),
    async showBlobs(entries, perCall) {
      const contents: Buffer[] = [];
      for (let start = 0; start < entries.length; start += perCall) {
        const chunk = entries.slice(start, start + perCall);
        // why: `git show` of several blobs concatenates them with no separator; the sizes split them again.
        const output = await runGitBytes(
          root,
          ['show', '--binary', ...chunk.map((entry) => entry.blob)],
          environment,
        );
        let offset = 0;
        for (const entry of chunk) {
          contents.push(output.subarray(offset, offset + entry.size));
          offset += entry.size;
        }
      }
      return contents;
    },
    async runWithInput(args, input) {
      // why: simple-git cannot feed standard input; the process choke point can.
      const result = await runProcess({
        command: 'git',
        args,
        cwd: root,
        input,
        killGraceMs: 1_000,
        ...(environment ? { env: environment, inheritEnvironment: false } : {}),
      });
      if (result.exitCode !== 0) {
        const reason =
          result.spawnError ?? (result.stderr.trim() || `exit status ${result.exitCode ?? result.signal}`);
        throw new Error(`git ${args[0] ?? ''} failed: ${reason}`);
      }
      return result.stdout;
    },
  };
}

/**
 * `git <args>` in `root`, resolving with its standard output. Rejects with git's message when git
 * exits with another status than 0 and says why on standard error, as simple-git's `raw` does: an
 * empty answer (`rev-parse --verify --quiet` of a missing ref, `config --get` of an unset key) is
 * not an error. `environment`: git sees only these variables; none: netchange's own.
 * why not simple-git's `raw`: it waits 50 ms after every command that prints nothing (its
 * completion detection, not configurable), and netchange runs many (read-tree, update-index, a
 * missing ref); a drift run that recorded four findings spent about a second waiting.
 */
function runGit(
  root: string,
  args: readonly string[],
  environment: Record<string, string> | undefined,
): Promise<string> {
  return runGitBytes(root, args, environment).then((stdout) => stdout.toString('utf8'));
}

/**
 * `runGit` with the standard output as bytes (`git show --binary` of evidence records).
 * why not simple-git's `showBuffer`: after every command it leaves a 50 ms timer running past the
 * process's exit, so a run whose last git command is a `show` ends 50 ms late.
 */
function runGitBytes(
  root: string,
  args: readonly string[],
  environment: Record<string, string> | undefined,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      [...args],
      {
        cwd: root,
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
        ...(environment ? { env: environment } : {}),
      },
      (error, stdout, stderr) => {
        const message = stderr.toString('utf8').trim();
        const failed = error && (typeof error.code !== 'number' || message !== '');
        if (failed) reject(new Error(message || error.message));
        else resolve(stdout);
      },
    );
  });
}

/** True when `directory` is inside a git work tree. */
export async function isInsideWorkTree(directory: string): Promise<boolean> {
  return (await simpleGitIn(directory)).checkIsRepo();
}

/** The remotes of the clone at `root`: name → URL (none when it has none). */
export async function remoteUrls(root: string): Promise<Map<string, string>> {
  const remotes = new Map<string, string>();
  try {
    const lines = await runGit(root, ['config', '--get-regexp', '^remote\\..*\\.url$'], undefined);
    for (const line of lines.split('\n')) {
      const match = /^remote\.(.+)\.url (.+)$/.exec(line.trim());
      if (match?.[1] && match[2]) remotes.set(match[1], match[2]);
    }
  } catch {
    // why: not a git repository, or no git: no remotes.
  }
  return remotes;
}

/** `git init` with `main` as the first branch. */
export async function initGitRepository(directory: string): Promise<void> {
  await (await simpleGitIn(directory)).init(['--initial-branch=main']);
}

/** `git add` of exactly these repository-relative files (init's, so the first validate sees them tracked). */
export async function stageFiles(root: string, files: readonly string[]): Promise<void> {
  if (files.length > 0) await runGit(root, ['add', '--', ...files], undefined);
}

/** The sha of the last commit on HEAD that touched `file` (following renames), or undefined. */
export async function lastCommitTouching(root: string, file: string): Promise<string | undefined> {
  const log = await (await simpleGitIn(root)).log({ file, maxCount: 1 });
  return log.latest?.hash;
}

/**
 * simple-git in `root`, for the few one-off questions above.
 * why loaded on first use: the commands of a validate run go through runGit, and simple-git is about
 * a tenth of a megabyte of code to compile.
 */
async function simpleGitIn(root: string): Promise<SimpleGit> {
  const { simpleGit } = await import('simple-git');
  return simpleGit({ baseDir: root });
}

function plumbingEnvironment(environment: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const name of PLUMBING_VARIABLES) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  return { ...base, ...environment };
}
