import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { DAY_MS, formatLocalAndUtc, HOUR_MS, MINUTE_MS, parseElapsedDuration } from '../../core/time.js';
import type { HoldableType } from '../../freezes/model.js';
import { cliContext } from '../context.js';
import { OPTION_HELP, parseInstantOption } from '../options.js';

interface FreezeFlags {
  repo?: string;
  site: string[];
  device: string[];
  until?: string;
  reason?: string;
  types?: string[];
  github?: boolean;
}

interface UnfreezeFlags {
  repo?: string;
  site?: string;
  github?: boolean;
}

const TYPES: readonly HoldableType[] = ['standard', 'normal', 'emergency'];

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerFreezeCommands(program: Command): void {
  program
    .command('freeze')
    .summary('hold every change at a site or device until a time (locally, or as a GitHub issue)')
    .description(
      'Put a manual freeze on sites or devices: while it is in force, validate warns and apply refuses ' +
        'every change that touches them (the holds stage, docs/holds.md). Without --github the freeze ' +
        'goes into the local freezes file (paths.freezes, default .netchange/freezes.yaml), read by ' +
        'applies from this checkout; with --github it is an open issue labelled netchange-freeze, read ' +
        'by every runner, and closing the issue lifts it. The policy must enable holds.freezes.',
    )
    .option('--site <site>', 'a site to freeze (repeatable)', collect, [])
    .option('--device <device>', 'a device to freeze (repeatable)', collect, [])
    .option(
      '--until <when>',
      'when the freeze ends by itself: a duration from now (4h, 90m, 2d, PT4H) or an RFC 3339 instant (required)',
    )
    .option('--reason <text>', 'why: an incident or a plant event (required)')
    .option('--types <types...>', `only hold these change types (${TYPES.join(', ')}; default: every type)`)
    .option('--github', 'open a netchange-freeze issue instead of writing the local file')
    .option('--repo <dir>', OPTION_HELP.repo)
    .addHelpText(
      'after',
      `
Examples:
  $ netchange freeze --site plant-a --until 4h --reason INC-0042
  $ netchange freeze --device sw-plant-a-01 --until 2099-12-31T18:00:00Z --reason "PLC upgrade" --github

Exit codes: 0 frozen, 2 usage error (missing --until or --reason, a past --until), 3 GitHub failed
(or the issue it opened does not read back as the freeze).`,
    )
    .action(async (flags: FreezeFlags) => {
      if (!flags.until) throw usageError('--until is required', 'Say when the freeze ends, e.g. --until 4h.');
      if (!flags.reason) throw usageError('--reason is required', 'Say why, e.g. --reason INC-0042.');
      const types = (flags.types ?? []).map((type) => {
        if (!(TYPES as readonly string[]).includes(type))
          throw usageError(`--types: '${type}' is not a change type`, `Use ${TYPES.join(', ')}.`);
        return type as HoldableType;
      });
      const context = cliContext();
      const until = parseUntil(flags.until, context.clock.now());
      const { freezeTargets } = await import('../../use-cases/freeze.js');
      const outcome = await freezeTargets(
        {
          sites: flags.site,
          devices: flags.device,
          until,
          reason: flags.reason,
          ...(types.length > 0 ? { types } : {}),
          github: flags.github === true,
          ...(flags.repo ? { repo: flags.repo } : {}),
        },
        context,
      );
      const scope = [...outcome.freeze.sites, ...outcome.freeze.devices].join(', ');
      process.stdout.write(
        `froze ${scope} until ${formatLocalAndUtc(until.getTime(), outcome.timeZone)} as ${outcome.freeze.id} (${outcome.where})\n`,
      );
      if (outcome.unread)
        context.warn(
          'the change-control policy has no holds section with freezes: nothing reads this freeze yet (docs/holds.md)',
        );
    });

  program
    .command('unfreeze')
    .summary('lift a manual freeze, recording who lifted it')
    .description(
      'Lift a freeze by its id (FRZ-3 locally, #42 or 42 with --github), or every freeze in force ' +
        'that covers --site. Locally the freeze stays in the file marked with who lifted it and when; ' +
        'with --github the issue gets a comment saying who lifted it, then is closed.',
    )
    .argument('[id]', 'the freeze to lift')
    .option('--site <site>', 'lift every freeze in force at this site')
    .option('--github', 'lift netchange-freeze issues instead of local freezes')
    .option('--repo <dir>', OPTION_HELP.repo)
    .addHelpText(
      'after',
      `
Examples:
  $ netchange unfreeze FRZ-3
  $ netchange unfreeze --site plant-a --github

Exit codes: 0 lifted, 1 no freeze in force matched, 2 usage error, 3 GitHub failed.`,
    )
    .action(async (id: string | undefined, flags: UnfreezeFlags) => {
      const { liftFreezes } = await import('../../use-cases/freeze.js');
      const outcome = await liftFreezes(
        {
          ...(id !== undefined ? { id } : {}),
          ...(flags.site !== undefined ? { site: flags.site } : {}),
          github: flags.github === true,
          ...(flags.repo ? { repo: flags.repo } : {}),
        },
        cliContext(),
      );
      if (outcome.lifted.length === 0) {
        process.stdout.write(`no freeze in force matched in ${outcome.where}\n`);
        process.exitCode = 1;
        return;
      }
      for (const freeze of outcome.lifted)
        process.stdout.write(
          `lifted ${freeze.id} (${[...freeze.sites, ...freeze.devices].join(', ')}: ${freeze.reason}) by ${freeze.liftedBy}\n`,
        );
    });
}

// why: the instants --until accepts end there too (parseInstantOption).
const LATEST_UNTIL_MS = Date.UTC(9998, 0, 1);
const SHORT_DURATION = /^(\d+)(m|h|d)$/;
const UNIT_MS: Record<string, number> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

/**
 * `--until`: a duration from now (`4h`, `90m`, `2d`, `PT4H`) or an RFC 3339 instant. why: an
 * incident freeze is "for four hours"; a written date in an example or a runbook goes stale.
 */
function parseUntil(value: string, now: Date): Date {
  const short = SHORT_DURATION.exec(value);
  const ms = short
    ? Number(short[1]) * (UNIT_MS[short[2] ?? 'h'] ?? HOUR_MS)
    : value.startsWith('P')
      ? parseElapsedDuration(value)
      : undefined;
  if (ms === undefined) {
    if (!/^\d{4}-\d{2}-\d{2}T/.test(value))
      throw usageError(
        `--until '${value}' is not a duration or an RFC 3339 instant`,
        'Write a duration from now like 4h, 90m, 2d or PT4H, or an instant like 2099-12-31T18:00:00Z.',
      );
    return parseInstantOption(value, '--until');
  }
  const until = now.getTime() + ms;
  if (until >= LATEST_UNTIL_MS)
    throw usageError(
      `--until ${value} ends after the years netchange evaluates (to 9997)`,
      'Give a shorter duration, like 4h or 2d.',
    );
  return new Date(until);
}
