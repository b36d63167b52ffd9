/** Helpers the digest and audit commands share: finding the repository and reading periods. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Temporal } from 'temporal-polyfill';
import { NetchangeError, usageError } from '../core/errors.js';
import { calendarDurationMs, parseCalendarDuration, toRfc3339Utc } from '../core/time.js';
import { openGitRepository } from '../proposals/git-repository.js';
import { checkRemoteEvidence, fetchEvidence, holdsEvidence } from './store.js';

/** The git repository evidence lives in: --repo, or the work tree around `cwd`. */
export async function resolveEvidenceRepository(repo: string | undefined, cwd: string): Promise<string> {
  const start = path.resolve(cwd, repo ?? '.');
  if (!existsSync(start))
    throw usageError(`--repo ${repo} does not exist`, 'Name the network repository directory.');
  const git = await openGitRepository(start, false);
  if (!git) {
    // why: the wrong directory is a usage error (exit 2), not a failing git (exit 3).
    throw usageError(
      `${start} is not inside a git repository`,
      'Evidence lives on the branch netchange-evidence of the network repository; run from it or pass --repo.',
    );
  }
  return git.root;
}

/**
 * Fast-forwards the local evidence ref from `origin` (CI checkouts do not fetch it). A failed fetch
 * is a warning while this clone holds records of its own (they are still worth reporting), and an
 * error when it holds none. origin no longer holding the evidence this clone saw there is a warning.
 */
export async function refreshEvidence(
  root: string,
  warn: (message: string) => void,
  notice?: (message: string) => void,
): Promise<void> {
  try {
    await fetchEvidence(root, 'origin', notice);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // why: with nothing local, going on would report an empty chain ("no evidence recorded yet",
    // "No changes were recorded") as if that were the truth rather than a read that failed.
    if (!(await holdsEvidence(root))) {
      throw new NetchangeError(
        'E_GIT',
        `could not fetch the evidence branch from origin (${reason}), and this clone holds no evidence of its own to read instead`,
        {
          hint: 'Check that origin is reachable and readable with these credentials (`git remote -v`, `git ls-remote origin netchange-evidence`) and run the command again.',
          cause: error,
        },
      );
    }
    warn(`could not fetch the evidence branch from origin (${reason}); using the local records`);
  }
  const rewind = await checkRemoteEvidence(root);
  if (rewind) {
    warn(
      `${rewind.message}; this clone's records are read instead. Run \`netchange audit verify\`, and push the evidence back from a clone that holds it (docs/audit.md)`,
    );
  }
}

const SHORT_DURATION = /^(\d+)\s*(m|min|h|d|w)$/i;
const UNIT_MS: Record<string, number> = {
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `--since`: a duration back from `now` (`12h`, `30m`, `2d`, `PT12H`) or an RFC 3339 instant. */
export function parseSince(value: string, now: Date, flag = '--since'): Date {
  // why: a duration reaching past what a Date holds (99999999999h) is refused, not an Invalid Date.
  const back = (ms: number): Date => {
    const since = new Date(now.getTime() - ms);
    if (Number.isNaN(since.getTime()) || since.getTime() < 0)
      throw usageError(
        `${flag} ${value} reaches back before 1970`,
        'Use a duration like 12h, 30m, 2d or PT12H, or an instant like 2026-11-29T08:00:00Z.',
      );
    return since;
  };
  const short = SHORT_DURATION.exec(value.trim());
  if (short) return back(Number(short[1]) * (UNIT_MS[(short[2] ?? 'h').toLowerCase()] ?? 0));
  if (/^P/i.test(value)) {
    let ms: number | undefined;
    try {
      const duration = parseCalendarDuration(value);
      // why: measured forward from `now` in UTC (P1M is the coming month's length), never the system clock.
      if (duration) ms = calendarDurationMs(duration, now.getTime(), 'UTC');
    } catch {
      // fall through to the error below
    }
    if (ms !== undefined) return back(ms);
  }
  return parseInstant(
    value,
    flag,
    `Use a duration like 12h, 30m, 2d or PT12H, or an instant like 2026-11-29T08:00:00Z.`,
  );
}

/**
 * The digest's period: `--since` (a duration back from `until`, or an instant) up to `until`. An
 * empty or backwards period is a usage error, as `cab` refuses a `--since` after its `--meeting`.
 */
export function parsePeriod(since: string, until: Date): { since: Date; until: Date } {
  const start = parseSince(since, until);
  if (start.getTime() >= until.getTime())
    throw usageError(
      `--since ${since} must be before --until ${toRfc3339Utc(until.getTime())}`,
      'Give the start of the period, e.g. --since 12h or --since 2026-11-29T08:00:00Z.',
    );
  return { since: start, until };
}

/** An RFC 3339 instant option (`--from`, `--to`, `--until`). */
export function parseInstant(
  value: string,
  flag: string,
  hint = 'Write it like 2026-11-29T08:00:00Z or 2026-11-29T02:00:00-06:00.',
): Date {
  try {
    return new Date(Temporal.Instant.from(value).epochMilliseconds);
  } catch {
    throw usageError(
      `${flag} '${value}' is not ${flag === '--since' ? 'a duration or ' : ''}an RFC 3339 instant`,
      hint,
    );
  }
}
