import type { Command } from 'commander';
import { neutralizeControlCharacters } from '../../core/control-characters.js';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP } from '../options.js';

interface NextFlags {
  repo?: string;
  at?: string;
  format: string;
  output?: string;
}

const SLOT_COUNT = 3;

export function registerNextCommand(program: Command): void {
  program
    .command('next')
    .summary('show the next allowed slots for a proposal, and what blocks the requested one')
    .description(
      'Evaluate one proposal against the production windows and list the first three slots, at or after\n' +
        'its requested start and not in the past, where the whole change (rollback time included) is allowed.\n' +
        'Windows are judged at the effective risk from the change-control policy, when there is one.',
    )
    .argument('<path>', 'the proposal file (relative to the current directory)')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--at <iso>', 'search as of this instant (default: now); slots are never before it')
    .addOption(formatOption('next', 'text'))
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange next changes/chg-0144-trunk-during-production.yaml
  $ netchange next changes/chg-0144-trunk-during-production.yaml --at 2026-11-23T08:00:00Z --format json

Exit codes: 0 a slot was found (or the requested one is allowed), 1 the proposal is invalid or no
            slot exists within the policy's horizon, 2 usage error or invalid policy.`,
    )
    .action(async (file: string, flags: NextFlags) => {
      process.exitCode = await runNext(file, flags);
    });
}

async function runNext(file: string, flags: NextFlags): Promise<number> {
  const { parseAt, writeOutput } = await import('../options.js');
  const { findNextSlots } = await import('../../use-cases/windows.js');
  const { printPolicyWarnings } = await import('./windows.js');
  const context = cliContext();
  const result = await findNextSlots(
    { file, at: parseAt(flags.at), count: SLOT_COUNT, ...(flags.repo ? { repo: flags.repo } : {}) },
    context,
  );
  printPolicyWarnings(result.policyWarnings);
  if (result.errors) {
    for (const finding of result.errors) {
      process.stderr.write(
        neutralizeControlCharacters(
          `error: ${[finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':')} ${finding.message}\n`,
        ),
      );
    }
    process.stderr.write(
      neutralizeControlCharacters(`${file} cannot be scheduled until these errors are fixed.\n`),
    );
    // why: `--format json` promises one JSON object on stdout, also when the answer is "invalid".
    if (flags.format === 'json') {
      const { versionedJsonDocument } = await import('../../reporters/reporter.js');
      await writeOutput(
        versionedJsonDocument({ ok: false, file, slots: [], findings: result.errors }),
        flags.output,
        context.cwd,
      );
    }
    return 1;
  }
  const { renderResult } = await import('../../reporters/registry.js');
  await writeOutput(await renderResult('next', flags.format, result.report), flags.output, context.cwd);
  return result.report.open || result.report.slots.length > 0 ? 0 : 1;
}
