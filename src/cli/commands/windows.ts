import type { Command } from 'commander';
import { neutralizeControlCharacters } from '../../core/control-characters.js';
import { usageError } from '../../core/errors.js';
import type { Finding } from '../../core/findings.js';
import type { ListingStart } from '../../use-cases/windows.js';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, parseDays, parseInstantOption, writeOutput } from '../options.js';

interface WindowsFlags {
  repo?: string;
  site?: string;
  domain?: string;
  from?: string;
  days: number;
  format: string;
  output?: string;
}

const DEFAULT_DAYS = 14;

export function registerWindowsCommand(program: Command): void {
  program
    .command('windows')
    .summary('list the production windows that apply to a site or domain, as text, JSON or iCalendar')
    .description(
      'List the occurrences of the windows in policies/windows.yaml over the next N days: deny windows\n' +
        "(changes blocked) and allow windows (changes only inside), in each window's local time and in UTC.\n" +
        'With --site/--domain, only windows whose scope includes them (or that have no such scope key);\n' +
        'a site no window names, or a domain neither the windows nor the RACI name, is a warning on stderr.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--site <site>', 'only windows that apply to this site')
    .option('--domain <domain>', 'only windows that apply to this RACI domain')
    .option(
      '--from <iso>',
      "start of the listing: an RFC 3339 instant, or a date (midnight in the policy's zone); default now",
    )
    .option(
      '--days <n>',
      // why: commander appends "(default: 14)" from the default value; writing it here showed it twice.
      'how many days to list, at most 366',
      parseDays,
      DEFAULT_DAYS,
    )
    .addOption(formatOption('calendar', 'text'))
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange windows --site plant-a --days 7
  $ netchange windows --domain firewall --from 2026-12-01 --days 31
  $ netchange windows --format ics --output windows.ics     # subscribe the CAB's calendar to it

Exit codes: 0 listed, 2 usage error or invalid window policy.`,
    )
    .action(async (flags: WindowsFlags) => {
      const { listWindows } = await import('../../use-cases/windows.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const context = cliContext();
      const listing = await listWindows(
        {
          from: parseFrom(flags.from),
          days: flags.days,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.site ? { site: flags.site } : {}),
          ...(flags.domain ? { domain: flags.domain } : {}),
        },
        context,
      );
      printPolicyWarnings(listing.policyWarnings);
      const { policyWarnings: _shown, ...calendar } = listing;
      await writeOutput(await renderResult('calendar', flags.format, calendar), flags.output, context.cwd);
      process.exitCode = 0;
    });
}

/** The window policy's warnings, on stderr, before the command's output. */
export function printPolicyWarnings(findings: readonly Finding[]): void {
  for (const finding of findings) process.stderr.write(describeFinding(finding));
}

function describeFinding(finding: Finding): string {
  const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':');
  return neutralizeControlCharacters(
    `${finding.severity}: ${where} ${finding.message}${finding.hint ? `\n  hint: ${finding.hint}` : ''}\n`,
  );
}

/** `--from`: a day (in the policy's zone, resolved by the use-case) or an RFC 3339 instant. */
function parseFrom(value: string | undefined): ListingStart {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (value >= '1970-01-01' && value < '9998-01-01') return { localDate: value };
    throw usageError(
      `--from '${value}' is outside the years netchange evaluates (1970 to 9997)`,
      'Check the year: write it like 2026-12-01.',
    );
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    throw usageError(
      `--from '${value}' is not a date or an RFC 3339 instant`,
      'Write it like 2026-12-01 or 2026-12-01T06:00:00-06:00.',
    );
  }
  return { instant: parseInstantOption(value, '--from') };
}
