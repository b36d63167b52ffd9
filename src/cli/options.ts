import { constants } from 'node:fs';
import { access, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InvalidArgumentError, Option } from 'commander';
import { Temporal } from 'temporal-polyfill';
import { type NetchangeError, usageError } from '../core/errors.js';
import { whyLeavesCheckout } from '../documents/write-paths.js';
import { type FormatName, formatChoices, type ResultKind } from '../reporters/registry.js';

/** Help text of the options most commands share, so they read the same everywhere. */
export const OPTION_HELP = {
  repo: 'the network repository (default: the nearest folder up to the git top level that holds netchange.yaml, else the top level)',
  since: 'only proposals added, modified or renamed between REF and HEAD',
} as const;

/**
 * The last instant an evaluation may start at. why: a period of up to 366 days (`--days`) and a
 * 90-day horizon from there must stay inside the years 1970 to 9999 that netchange schedules.
 */
const LATEST_EVALUATION_MS = Date.UTC(9998, 0, 1);

/** Parses `--at`: an RFC 3339 instant (with offset or Z), from 1970 to the start of 9998. */
export function parseAt(value: string | undefined): Date {
  return value === undefined ? new Date() : parseInstantOption(value, '--at');
}

/** An RFC 3339 instant option (`--at`, `--from`) inside the years netchange evaluates. */
export function parseInstantOption(value: string, flag: string): Date {
  let ms: number;
  try {
    ms = Temporal.Instant.from(value).epochMilliseconds;
  } catch {
    throw usageError(
      `${flag} '${value}' is not an RFC 3339 instant`,
      'Write it like 2026-11-29T08:00:00Z or 2026-11-29T02:00:00-06:00.',
    );
  }
  if (ms < 0 || ms > LATEST_EVALUATION_MS) {
    throw usageError(
      `${flag} '${value}' is outside the years netchange evaluates (1970 to 9997)`,
      'Check the year: write it like 2026-11-29T08:00:00Z.',
    );
  }
  return new Date(ms);
}

/**
 * Decimal digits only. why: `Number()` also reads `1e3`, `0x10`, ` 7 ` and `1.0`, so a typo would
 * quietly become another number than the one the user meant.
 */
const WHOLE_NUMBER = /^\d+$/;

/** Parses a positive integer option such as `--concurrency` or `--pr`: decimal digits only. */
export function parsePositiveInteger(name: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!WHOLE_NUMBER.test(value) || !Number.isSafeInteger(number) || number < 1)
      throw usageError(
        `${name} must be a positive whole number, got '${value}'`,
        `Write it in decimal digits, like ${name} 4.`,
      );
    return number;
  };
}

/** `--format`: its choices are the formats the reporter registry has for the command's result kind. */
export function formatOption<Kind extends ResultKind>(kind: Kind, defaultFormat: FormatName<Kind>): Option {
  return new Option('--format <format>', 'output format').choices(formatChoices(kind)).default(defaultFormat);
}

/** Writes a command's result to `--output FILE` or stdout. */
export async function writeOutput(text: string, output: string | undefined, cwd: string): Promise<void> {
  if (output) {
    refuseOutputLeavingCheckout(output, cwd);
    await writeFile(path.resolve(cwd, output), text).catch((error: NodeJS.ErrnoException) => {
      throw outputError(output, error.code ?? error.message);
    });
    return;
  }
  process.stdout.write(text);
}

/**
 * Refuses an `--output` that cannot be written before a long run starts (plan runs the tools, drift
 * checks every device), instead of after its work is done: a directory, or a file whose folder does
 * not exist, is not a folder or cannot be written.
 */
export async function checkOutputTarget(output: string | undefined, cwd: string): Promise<void> {
  if (!output) return;
  refuseOutputLeavingCheckout(output, cwd);
  const file = path.resolve(cwd, output);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw outputError(output, 'EISDIR');
  const target = existing ? file : path.dirname(file);
  await access(target, constants.W_OK).catch((error: NodeJS.ErrnoException) => {
    throw outputError(output, error.code ?? error.message);
  });
  if (!existing && !(await stat(target)).isDirectory()) throw outputError(output, 'ENOTDIR');
}

/**
 * An `--output` in the working directory (in CI, the checkout) that a symlink leads out of it.
 * why: `validate --output netchange.sarif` on a pull request that commits `netchange.sarif` as a
 * symlink to a file of the runner's would overwrite that file with the report.
 */
function refuseOutputLeavingCheckout(output: string, cwd: string): void {
  const outside = whyLeavesCheckout(path.resolve(cwd, output), [cwd]);
  if (outside) {
    throw usageError(
      `cannot write --output ${output}: ${outside}`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, quoted for the user
      'Remove the symlink, or write the file outside the checkout (in GitHub Actions: ${{ runner.temp }}); a pull request can commit a symlink where a report is written.',
    );
  }
}

function outputError(output: string, code: string): NetchangeError {
  const folder = path.dirname(output);
  const reason: Record<string, string> = {
    EISDIR: 'it is a directory',
    ENOENT: `ENOENT (the folder ${folder} does not exist)`,
    ENOTDIR: `ENOTDIR (${folder} is not a folder)`,
    EACCES: 'EACCES (permission denied)',
  };
  return usageError(
    `cannot write --output ${output}: ${reason[code] ?? code}`,
    'Name a file in a directory that exists and that you can write to.',
  );
}

/** Colour only on a terminal, and never when NO_COLOR is set. */
export function useColor(output: string | undefined): boolean {
  return !output && process.stdout.isTTY === true && !process.env.NO_COLOR;
}

/** Progress on stderr: a live task list on a terminal, timestamped lines in CI and pipes. */
export function progressOptions(): { stream: NodeJS.WriteStream; live: boolean; color: boolean } {
  const ci = process.env.CI === 'true' || process.env.CI === '1';
  return {
    stream: process.stderr,
    live: process.stderr.isTTY === true && !ci,
    color: process.stderr.isTTY === true && !process.env.NO_COLOR,
  };
}

/** `--days N` of a listing: a whole number from 1 to 366. */
export function parseDays(value: string): number {
  const days = Number(value);
  if (!WHOLE_NUMBER.test(value) || days < 1 || days > 366) {
    // why: commander turns InvalidArgumentError into a usage error (exit 2) naming the option.
    throw new InvalidArgumentError('expected a whole number of days from 1 to 366, in decimal digits');
  }
  return days;
}
