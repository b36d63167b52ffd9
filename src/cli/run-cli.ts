import { CommanderError } from 'commander';
import pc from 'picocolors';
import { neutralizeControlCharacters } from '../core/control-characters.js';
import { NetchangeError } from '../core/errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { buildProgram } from './program.js';

/**
 * Runs the CLI and returns the exit code. The one place that catches errors:
 * NetchangeError → its exit code with message and hint; anything else → 70 (a bug).
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.passed;
  } catch (error) {
    if (error instanceof CommanderError) {
      // why: commander already printed help, the version or its message (with a suggestion).
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      ) {
        return EXIT.passed;
      }
      return EXIT.usage;
    }
    if (error instanceof NetchangeError) {
      printError(error);
      return exitCodeFor(error.code);
    }
    process.stderr.write(
      `${pc.red('netchange: internal error')}: ${error instanceof Error ? error.message : String(error)}\n` +
        'This is a bug in netchange. Run again with NETCHANGE_DEBUG=1 for the stack trace and report it.\n',
    );
    if (process.env.NETCHANGE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}

function printError(error: NetchangeError): void {
  // why: messages name files and values from the pull request; see core/control-characters.ts.
  const clean = neutralizeControlCharacters;
  const lines = [`${pc.red('error')}: ${clean(error.message)}`];
  for (const finding of error.findings) {
    const where = [finding.file, finding.line, finding.column].filter((part) => part !== undefined).join(':');
    lines.push(
      `  ${clean(where)} ${clean(finding.message)}${finding.hint ? `\n    ${pc.dim(`hint: ${clean(finding.hint)}`)}` : ''}`,
    );
  }
  if (error.hint) lines.push(pc.dim(`hint: ${clean(error.hint)}`));
  process.stderr.write(`${lines.join('\n')}\n`);
}
