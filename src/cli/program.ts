import { Command } from 'commander';
import { usageError } from '../core/errors.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCabCommand } from './commands/cab.js';
import { registerCodeownersCommand } from './commands/codeowners.js';
import { registerCommentCommand } from './commands/comment.js';
import { registerDigestCommand } from './commands/digest.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerFreezeCommands } from './commands/freeze.js';
import { registerInitCommand } from './commands/init.js';
import { registerNextCommand } from './commands/next.js';
import { registerNotifyCommand } from './commands/notify.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerScheduleCommand } from './commands/schedule.js';
import { registerUnlockCommand } from './commands/unlock.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerWindowsCommand } from './commands/windows.js';
import { VERSION } from './version.js';

/**
 * The command tree. Each command lives in commands/<name>.ts and registers itself here;
 * commands are loaded lazily so `netchange --version` does not pay for the whole pipeline.
 */
export function buildProgram(): Command {
  const program = new Command('netchange')
    .description('Network changes as code: validate, plan, review and apply change proposals from git.')
    .version(VERSION, '-V, --version', 'print the version')
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText(
      'after',
      `
Exit codes: 0 passed, 1 a proposal failed or a gate refused, 2 usage or configuration error,
            3 an external step failed (git, ansible, terraform, GitHub), 70 internal error,
            130 interrupted (Ctrl-C).

Examples:
  $ netchange validate                      # every proposal under changes/
  $ netchange validate --since origin/main  # only proposals this branch changed
  $ netchange plan changes/chg-0142-vlan40-packaging.yaml   # Ansible check+diff and terraform plan`,
    );
  // why: commander wraps to process.stdout.columns, which is undefined (or tiny) when piped; wrap at
  // the terminal's width, capped at 100 columns, so descriptions read as sentences.
  program.configureHelp({
    sortSubcommands: false,
    helpWidth: helpWidth(),
    // why: descriptions are written across source lines; a line break inside a paragraph is a space.
    commandDescription: (command) => reflow(command.description()),
  });
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerApplyCommand(program);
  registerCommentCommand(program);
  registerUnlockCommand(program);
  registerFreezeCommands(program);
  registerInitCommand(program);
  registerCodeownersCommand(program);
  registerWindowsCommand(program);
  registerNextCommand(program);
  registerDigestCommand(program);
  registerAuditCommand(program);
  registerDriftCommand(program);
  registerNotifyCommand(program);
  registerCabCommand(program);
  registerScheduleCommand(program);
  registerPolicyCommand(program);
  program.hook('preAction', (_program, actionCommand) => refuseEmptyValues(actionCommand));
  // why: every group (netchange, audit, policy) answers `help NAME` the same way.
  for (const group of [program, ...program.commands.filter((command) => command.commands.length > 0)]) {
    registerHelpCommand(group);
    explainMissingCommand(group);
  }
  return program;
}

/**
 * Ends the help commander prints to stderr when a group is run without a command (`netchange`,
 * `netchange audit`) with the error that made it a usage error (exit 2, run-cli.ts).
 */
function explainMissingCommand(group: Command): void {
  group.addHelpText('after', ({ error }) =>
    error ? `\nerror: ${commandPath(group)} needs a command: one of those listed above` : '',
  );
}

/**
 * An empty value on the command line (`--at ""`, `--allowed-signers "$UNSET"`, `next ""`) is a
 * usage error. why: the commands read an absent value as "use the default", so an empty one would
 * quietly evaluate now instead of the meeting, drop --plan-dir, write to stdout instead of
 * --output, or verify the evidence without its signers: a variable the script forgot to set would
 * pass unnoticed.
 */
function refuseEmptyValues(command: Command): void {
  for (const option of command.options) {
    const key = option.attributeName();
    if (command.getOptionValueSource(key) !== 'cli') continue;
    const value: unknown = command.getOptionValue(key);
    if (value === '' || (Array.isArray(value) && value.includes('')))
      throw usageError(
        `${option.long ?? option.flags} was given an empty value`,
        `Give ${option.long ?? option.flags} a value, or leave the option out for its default (see ${commandPath(command)} --help).`,
      );
  }
  command.registeredArguments.forEach((argument, index) => {
    const value: unknown = command.processedArgs[index];
    if (value === '' || (Array.isArray(value) && value.includes('')))
      throw usageError(
        `the ${argument.name()} argument is empty`,
        `Name a ${argument.name()}, or leave it out where it is optional (see ${commandPath(command)} --help).`,
      );
  });
}

/** `netchange audit verify`, for hints. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/**
 * `help [command]` of the program or a command group. why: commander's own prints the group's help
 * and exits 0 for a name it does not know, so `netchange help valdiate` or `netchange audit help
 * verfy` in a script would pass; here it is an unknown command (exit 2).
 */
function registerHelpCommand(group: Command): void {
  group.helpCommand(false);
  group
    .command('help')
    .argument('[command]')
    .description('display help for command')
    .helpOption(false)
    .action((name: string | undefined) => {
      // why: outputHelp, not help(): help() ends with commander's `commander.help`, which is also what
      // a missing command ends with, and that one is a usage error (run-cli.ts); asked-for help is 0.
      if (name === undefined) {
        group.outputHelp();
        return;
      }
      const command = group.commands.find(
        (candidate) =>
          candidate.name() !== 'help' && (candidate.name() === name || candidate.aliases().includes(name)),
      );
      if (!command) {
        const names = group.commands.map((candidate) => candidate.name()).filter((known) => known !== 'help');
        throw usageError(`unknown command '${name}'`, `The commands are: ${names.join(', ')}.`);
      }
      command.outputHelp();
    });
}

/**
 * Joins the lines of each paragraph, so the help wraps them at its width; blank lines, list items
 * (`-`, `•`, `1.`) and indented lines keep their breaks.
 */
export function reflow(text: string): string {
  return text.replace(/([^\n])\n(?![\n\s•]|- |\d+\. )/g, '$1 ');
}

/** The width help text wraps at: the terminal's, at most 100 columns; 100 when not a terminal. */
export function helpWidth(): number {
  const columns = process.stdout.isTTY ? process.stdout.columns : undefined;
  return columns && columns >= 40 ? Math.min(columns, 100) : 100;
}
