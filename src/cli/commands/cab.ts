import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, writeOutput } from '../options.js';

interface CabFlags {
  repo?: string;
  meeting?: string;
  since: string;
  planDir?: string;
  format: string;
  output?: string;
  fetch: boolean;
  post?: boolean;
}

export function registerCabCommand(program: Command): void {
  program
    .command('cab')
    .summary("the change advisory board's pack: what went wrong, what to assess, what is scheduled")
    .description(
      "The board's pack for one meeting. Since the last meeting: failed, rolled-back and interrupted\n" +
        'changes; emergency changes with their retrospective due or overdue at the meeting; drift no\n' +
        'netchange change explains (or "drift not configured"). To assess: pending proposals (slot not over,\n' +
        'not applied) that need the board, validated at the meeting instant, high risk first; a proposal\n' +
        'needs the board when an approval it requires is of a team of kind board (named, or through its RACI\n' +
        'role) or its effective risk is high. Each card: state, requester and organisation, RACI, slot\n' +
        '(local and UTC), window, conflicts, plan line (--plan-dir), rollback plan and the approvals still\n' +
        'missing, by name. Schedule: every change in the 14 days from the meeting.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--meeting <iso>', 'the meeting, an RFC 3339 instant (default: now)')
    .option(
      '--since <when>',
      'start of "since the last meeting": an instant (the previous meeting) or a duration back from --meeting (7d, PT12H)',
      '7d',
    )
    .option(
      '--plan-dir <dir>',
      'a `netchange plan --out-dir` run directory: its plan.json gives each card its plan line',
    )
    .addOption(formatOption('cab', 'markdown'))
    .option('--output <file>', 'write the pack to FILE instead of stdout')
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
    .option(
      '--post',
      "also publish the pack (markdown) to GitHub as the meeting's issue 'netchange CAB YYYY-MM-DD' (the meeting's day in netchange.yaml defaults.timezone, else UTC), label netchange-cab, created once and edited in place; needs GITHUB_TOKEN and GITHUB_REPOSITORY like netchange comment",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange cab --meeting 2026-12-03T15:00:00-06:00
  $ netchange cab --meeting 2026-12-03T15:00:00-06:00 --since 2026-11-26T15:00:00-06:00 --plan-dir runs/nightly
  $ GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/network netchange cab --meeting 2026-12-03T15:00:00-06:00 --post

Exit codes: 0 the pack was written (also when there is nothing to assess), 2 usage or configuration
error (a bad instant, an invalid policy), 3 git failed or the GitHub post failed after retries.`,
    )
    .action(async (flags: CabFlags) => {
      const { parseSince, parseInstant } = await import('../../audit/cli-support.js');
      const { prepareCabPack } = await import('../../use-cases/cab.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const context = cliContext();
      const meeting = flags.meeting ? parseInstant(flags.meeting, '--meeting') : context.clock.now();
      const run = await prepareCabPack(
        {
          meeting,
          since: parseSince(flags.since, meeting),
          fetch: flags.fetch,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.planDir ? { planDir: flags.planDir } : {}),
        },
        context,
      );
      await writeOutput(await renderResult('cab', flags.format, run.pack), flags.output, process.cwd());
      // why: the pack is printed first: a post that fails must not cost the reader the pack.
      if (flags.post) process.stderr.write(await run.post());
    });
}
