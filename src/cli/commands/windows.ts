import { type Command, InvalidArgumentError } from 'commander';
import type { Finding } from '../../core/findings.js';
import type { Workspace } from '../../pipeline/workspace.js';
import type { CompiledWindowPolicy } from '../../windows/index.js';
import { formatOption, OPTION_HELP } from '../options.js';

interface WindowsFlags {
  repo?: string;
  site?: string;
  domain?: string;
  from?: string;
  days: number;
  format: string;
}

const DEFAULT_DAYS = 14;

export function registerWindowsCommand(program: Command): void {
  program
    .command('windows')
    .summary('list the production windows that apply to a site or domain, as text, JSON or iCalendar')
    .description(
      'List the occurrences of the windows in policies/windows.yaml over the next N days: deny windows\n' +
        "(changes blocked) and allow windows (changes only inside), in each window's local time and in UTC.\n" +
        'With --site/--domain, only windows whose scope includes them (or that have no such scope key).',
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
      `how many days to list (default ${DEFAULT_DAYS}, at most 366)`,
      parseDays,
      DEFAULT_DAYS,
    )
    .addOption(formatOption('calendar', 'text'))
    .addHelpText(
      'after',
      `
Examples:
  $ netchange windows --site plant-a --days 7
  $ netchange windows --domain firewall --from 2026-12-01 --days 31
  $ netchange windows --format ics > windows.ics     # subscribe the CAB's calendar to it

Exit codes: 0 listed, 2 usage error or invalid window policy.`,
    )
    .action(async (flags: WindowsFlags) => {
      const { openWorkspace } = await import('../../pipeline/workspace.js');
      const { listOccurrences } = await import('../../windows/index.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const workspace = await openWorkspace({
        cwd: process.cwd(),
        ...(flags.repo ? { repo: flags.repo } : {}),
      });
      const now = new Date();
      const policy = await loadWindowPolicy(workspace, now);
      const from = await parseFrom(flags.from, policy.timezone, now);
      const occurrences = listOccurrences(policy, {
        from,
        days: flags.days,
        ...(flags.site ? { site: flags.site } : {}),
        ...(flags.domain ? { domain: flags.domain } : {}),
      });
      process.stdout.write(
        await renderResult('calendar', flags.format, {
          occurrences,
          from,
          days: flags.days,
          timezone: policy.timezone,
          ...(flags.site ? { site: flags.site } : {}),
          ...(flags.domain ? { domain: flags.domain } : {}),
        }),
      );
      process.exitCode = 0;
    });
}

function parseDays(value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    // why: commander turns InvalidArgumentError into a usage error (exit 2) naming the option.
    throw new InvalidArgumentError('expected a whole number of days from 1 to 366');
  }
  return days;
}

/**
 * Compiles the workspace's window policy as of `at`; a missing or invalid policy is a configuration
 * error (exit 2) carrying the lint findings with lines. Warnings go to stderr.
 */
export async function loadWindowPolicy(workspace: Workspace, at: Date): Promise<CompiledWindowPolicy> {
  const { configError } = await import('../../core/errors.js');
  const { compileWindowPolicy } = await import('../../windows/index.js');
  const file = workspace.config.paths.windows;
  const document = workspace.windowPolicyDocument;
  if (!document) {
    throw configError(`there is no window policy at ${file}`, {
      hint: 'Create it (netchange init writes one) or set paths.windows in netchange.yaml.',
    });
  }
  const { policy, findings } = compileWindowPolicy(document, { from: at });
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (!policy || errors.length > 0) {
    throw configError(`${file} has errors`, {
      findings: errors,
      hint: 'Fix the window policy; netchange does not evaluate changes against a policy it cannot read.',
    });
  }
  for (const finding of findings) process.stderr.write(describeFinding(finding));
  return policy;
}

function describeFinding(finding: Finding): string {
  const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':');
  return `${finding.severity}: ${where} ${finding.message}${finding.hint ? `\n  hint: ${finding.hint}` : ''}\n`;
}

async function parseFrom(value: string | undefined, zone: string, now: Date): Promise<Date> {
  if (value === undefined) return now;
  const { usageError } = await import('../../core/errors.js');
  const { parseLocalDateTime, zoneClock } = await import('../../windows/index.js');
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const wall = parseLocalDateTime(value);
    if (wall !== undefined) return new Date(zoneClock(zone).toInstant(wall).epochMs);
  } else {
    const { parseAt } = await import('../options.js');
    try {
      return parseAt(value);
    } catch {
      // fall through to the --from specific message
    }
  }
  throw usageError(
    `--from '${value}' is not a date or an RFC 3339 instant`,
    'Write it like 2026-12-01 or 2026-12-01T06:00:00-06:00.',
  );
}
