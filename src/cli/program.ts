import { Command } from 'commander';
import { registerApplyCommand } from './commands/apply.js';
import { registerAuditCommand } from './commands/audit.js';
import { registerCodeownersCommand } from './commands/codeowners.js';
import { registerCommentCommand } from './commands/comment.js';
import { registerDigestCommand } from './commands/digest.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerInitCommand } from './commands/init.js';
import { registerNextCommand } from './commands/next.js';
import { registerPlanCommand } from './commands/plan.js';
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
            3 an external step failed (git, ansible, terraform, GitHub), 70 internal error.

Examples:
  $ netchange validate                      # every proposal under changes/
  $ netchange validate --since origin/main  # only proposals this branch changed
  $ netchange plan changes/chg-0142.yaml    # Ansible check+diff and terraform plan`,
    );
  program.configureHelp({ sortSubcommands: false });
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerApplyCommand(program);
  registerCommentCommand(program);
  registerUnlockCommand(program);
  registerInitCommand(program);
  registerCodeownersCommand(program);
  registerWindowsCommand(program);
  registerNextCommand(program);
  registerDigestCommand(program);
  registerAuditCommand(program);
  registerDriftCommand(program);
  return program;
}
