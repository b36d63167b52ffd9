import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, writeOutput } from '../options.js';

interface DigestFlags {
  repo?: string;
  since: string;
  until?: string;
  team?: string;
  format: string;
  output?: string;
  fetch: boolean;
  post?: boolean;
}

export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .summary(
      'what changed in the network recently: failures first, then changes made outside netchange, then the rest',
    )
    .description(
      'The morning report from the evidence records: every change that finished in the period, failed and\n' +
        'rolled-back changes first, then what changed outside netchange (drift found by `netchange drift`),\n' +
        'then emergency changes with their retrospective due dates, then the rest; each with who, when\n' +
        '(local and UTC), window, approvals, diff summary and pull request. The secrets netchange.yaml\n' +
        'names (secrets.env, the notify webhooks) are redacted from every format, as for --post.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--since <when>',
      // why: commander appends "(default: "24h")"; a second default here (--until's) read as this one's.
      'start of the period: a duration back from --until (12h, 30m, 2d, PT12H) or an RFC 3339 instant',
      '24h',
    )
    .option('--until <iso>', 'end of the period (default: now)')
    .option('--team <team>', 'only changes this team requested, ran or approved')
    .addOption(formatOption('digest', 'text'))
    .option('--output <file>', 'write the digest to FILE instead of stdout')
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
    .option(
      '--post',
      "also publish the digest (markdown) to GitHub as the day's issue 'netchange digest YYYY-MM-DD' (UTC day of the period's end), created once and edited in place; needs GITHUB_TOKEN and GITHUB_REPOSITORY like netchange comment",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange digest --since 12h
  $ netchange digest --since 2026-11-28T20:00:00Z --team partner-noc --format markdown
  $ GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/network netchange digest --since 12h --post

Exit codes: 0 the digest was written (also when nothing changed), 2 usage error,
3 git failed or the GitHub post failed after retries.`,
    )
    .action(async (flags: DigestFlags) => {
      const { parsePeriod, parseInstant } = await import('../../audit/cli-support.js');
      const { digestChanges } = await import('../../use-cases/evidence.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const context = cliContext();
      const until = flags.until ? parseInstant(flags.until, '--until') : context.clock.now();
      const run = await digestChanges(
        {
          ...parsePeriod(flags.since, until),
          fetch: flags.fetch,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.team ? { team: flags.team } : {}),
        },
        context,
      );
      await writeOutput(await renderResult('digest', flags.format, run.digest), flags.output, process.cwd());
      // why: the digest is printed first: a post that fails must not cost the reader the digest.
      if (flags.post) process.stderr.write(await run.post());
    });
}
