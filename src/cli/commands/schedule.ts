import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, parseDays, parseInstantOption, writeOutput } from '../options.js';

interface ScheduleFlags {
  repo?: string;
  from?: Date;
  days: number;
  site?: string;
  device?: string;
  format: string;
  output?: string;
  github?: boolean;
}

const DEFAULT_DAYS = 14;

export function registerScheduleCommand(program: Command): void {
  program
    .command('schedule')
    .summary('the forward schedule of change: every scheduled change with its conflicts, and the windows')
    .description(
      'List every scheduled change in the period with its occupied interval (start to end plus rollback\n' +
        'time), targets, review state and conflicts, together with the windows that apply. Conflicts are\n' +
        'judged over the whole repository: the same device or Terraform stack, or two members of one\n' +
        'redundancy group, in overlapping occupied intervals.\n\n' +
        'Formats: text; json (one object with changes[], windows[], conflicts[]); ics (a calendar to\n' +
        'subscribe to: one event per change, UID the proposal id, updated in place, plus the windows);\n' +
        'markdown (a Mermaid gantt per site, which GitHub renders, and a table).',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--from <iso>', 'start of the period, an RFC 3339 instant (default: now)', parseFrom)
    .option(
      '--days <n>',
      // why: commander appends "(default: 14)" from the default value; writing it here showed it twice.
      'how many days to list, at most 366',
      parseDays,
      DEFAULT_DAYS,
    )
    .option(
      '--site <site>',
      'only changes at this site (a warning names the sites when no change reaches it)',
    )
    .option(
      '--device <device>',
      'only changes that reach this device (inventory hostname; a warning when no change reaches it)',
    )
    .addOption(formatOption('schedule', 'text'))
    .option('--output <file>', 'write to this file instead of stdout')
    .option(
      '--github',
      "also list other open pull requests' proposals as pending, read at each one's head commit (GITHUB_TOKEN, GITHUB_REPOSITORY)",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange schedule --days 7
  $ netchange schedule --site plant-a --format markdown     # a gantt per site for the pull request or wiki
  $ netchange schedule --days 90 --format ics --output changes.ics   # publish it; both teams subscribe

Exit codes: 0 listed (conflicts are shown, not an error: validate fails on them), 2 usage error or
invalid policy, 3 GitHub failed (--github).`,
    )
    .action(async (flags: ScheduleFlags) => {
      const { listSchedule } = await import('../../use-cases/schedule.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const context = cliContext();
      const schedule = await listSchedule(
        {
          days: flags.days,
          ...(flags.from ? { from: flags.from } : {}),
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.site ? { site: flags.site } : {}),
          ...(flags.device ? { device: flags.device } : {}),
          ...(flags.github ? { github: true } : {}),
        },
        context,
      );
      await writeOutput(await renderResult('schedule', flags.format, schedule), flags.output, context.cwd);
      process.exitCode = 0;
    });
}

function parseFrom(value: string): Date {
  return parseInstantOption(value, '--from');
}
