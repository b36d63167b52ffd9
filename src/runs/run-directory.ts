/**
 * A run's artifact directory (`.netchange/runs/<timestamp>/` by default): redacted step logs,
 * plan.json, plan.md, result.json. Every write goes through the redactor's text pass as the last
 * line of defence; the data was already redacted before it was rendered.
 */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { makeDirectory, whyLeavesCheckout, whyOutsideRepository } from '../documents/write-paths.js';
import type { Redactor } from '../redact/index.js';

export interface RunDirectory {
  /** Absolute path. */
  readonly path: string;
  /** Writes a text artifact (path relative to the run directory) and returns that relative path. */
  writeText(relative: string, text: string): Promise<string>;
  /**
   * Writes a text artifact like `writeText` and returns its relative path with the sha256 (hex) of
   * exactly the bytes written, after redaction: what the evidence records and `sha256sum` checks.
   */
  writeHashedText(relative: string, text: string): Promise<{ path: string; sha256: string }>;
  /** Writes a JSON artifact, pretty-printed. */
  writeJson(relative: string, value: unknown): Promise<string>;
}

/** A timestamp usable in a directory name on every file system: `2026-11-23T12-27-07.123Z`. */
export function runTimestamp(at: Date): string {
  return at.toISOString().replace(/:/g, '-');
}

/**
 * Creates the run directory: `outDir` when given (relative to `cwd`, an existing one is reused), else
 * `<repoRoot>/<runsPath>/<timestamp>[-<label>]`. The one place run directories are made: every file
 * in it is written through the redactor, readable by its owner only.
 */
export async function createRunDirectory(options: {
  repoRoot: string;
  runsPath: string;
  cwd: string;
  outDir?: string;
  at: Date;
  redactor: Redactor;
  /** Appended to the timestamp (`<timestamp>-comment`), so a run's kind shows in its name. */
  label?: string;
}): Promise<RunDirectory> {
  const name = `${runTimestamp(options.at)}${options.label ? `-${options.label}` : ''}`;
  if (options.outDir) {
    // why: --out-dir is the operator's choice, but inside the checkout a pull request can commit
    // the folder it names as a symlink, and the plan would write plan.json and its logs through it.
    const directory = path.resolve(options.cwd, options.outDir);
    const outside = whyLeavesCheckout(directory, [options.repoRoot, options.cwd]);
    if (outside) {
      throw usageError(
        `cannot use --out-dir ${options.outDir}: ${outside}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, quoted for the user
        'Remove the symlink, or keep the run outside the checkout (in GitHub Actions: --out-dir ${{ runner.temp }}/netchange-run); a pull request can commit a symlink where a run writes.',
      );
    }
    return openRunDirectory(directory, options.redactor);
  }
  const directory = path.resolve(options.repoRoot, options.runsPath, name);
  // why: paths.runs is the repository's, and a pull request can commit `.netchange -> /elsewhere`
  // so that a plan would write its files there.
  const outside = whyOutsideRepository(options.repoRoot, directory);
  if (outside) {
    throw usageError(
      `cannot create the run directory ${directory}: ${outside}`,
      'Remove the symlink (the run folder must be inside the repository), or pass --out-dir DIR to keep the run elsewhere.',
    );
  }
  return openRunDirectory(directory, options.redactor);
}

/** A run directory at an absolute path (created when missing), writing through the redactor. */
export async function openRunDirectory(directory: string, redactor: Redactor): Promise<RunDirectory> {
  makeRunDirectory(directory);
  const writeHashedText = async (relative: string, text: string) => {
    const target = path.resolve(directory, relative);
    makeRunDirectory(path.dirname(target));
    // why: step logs arrive already redacted as data by their executor (redactOutput); this text pass,
    // which knows every escaped form of every secret, is the last line of defence.
    const content = Buffer.from(redactor.redactText(text), 'utf8');
    await writeFile(target, content, { mode: 0o600 });
    return { path: relative, sha256: createHash('sha256').update(content).digest('hex') };
  };
  return {
    path: directory,
    writeText: async (relative, text) => (await writeHashedText(relative, text)).path,
    writeHashedText,
    // why: JSON is redacted as data (a text pass could cut a quoted string and break the document).
    writeJson: async (relative, value) => {
      const target = path.resolve(directory, relative);
      makeRunDirectory(path.dirname(target));
      await writeFile(target, `${JSON.stringify(redactor.redactValue(value), null, 2)}\n`, {
        mode: 0o600,
      });
      return relative;
    },
  };
}

/**
 * Makes the run directory and its missing parents (one level at a time: see makeDirectory). A path
 * that cannot be a directory is a usage error (exit 2).
 */
function makeRunDirectory(directory: string): void {
  makeDirectory(directory, {
    what: 'the run directory',
    hint: 'Choose a directory you can write to (--out-dir DIR, or paths.runs in netchange.yaml).',
  });
}

/** A file-name-safe form of a proposal id or step label. */
export function safeName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'step';
}
