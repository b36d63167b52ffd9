import { CommanderError } from 'commander';
import pc from 'picocolors';
import { neutralizeControlCharacters } from '../core/control-characters.js';
import { NetchangeError } from '../core/errors.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { writeOutput } from './options.js';
import { buildProgram } from './program.js';
import { VERSION } from './version.js';

/**
 * Runs the CLI and returns the exit code. The one place that catches errors:
 * NetchangeError → its exit code with message and hint; anything else → 70 (a bug).
 */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  // why: a gate that refuses by throwing (apply, plan) still owes `--format json` its one JSON object.
  let json: { output: string | undefined } | undefined;
  program.hook('preAction', (_program, action) => {
    const options = action.opts<{ format?: unknown; output?: unknown }>();
    if (options.format === 'json')
      json = { output: typeof options.output === 'string' ? options.output : undefined };
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.passed;
  } catch (error) {
    if (error instanceof CommanderError) {
      // why: commander already printed help, the version or its message (with a suggestion). Only
      // help that was asked for (--help, `help`) and the version pass; `commander.help` is the help
      // commander prints to stderr when a command or a group's subcommand is missing, a usage error.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.passed;
      return EXIT.usage;
    }
    if (error instanceof NetchangeError) {
      printError(error);
      const exitCode = exitCodeFor(error.code);
      if (json && exitCode === EXIT.failed) await writeRefusal(error, json.output);
      return exitCode;
    }
    process.stderr.write(
      `${pc.red('netchange: internal error')}: ${error instanceof Error ? error.message : String(error)}\n` +
        'This is a bug in netchange. Run again with NETCHANGE_DEBUG=1 for the stack trace and report it.\n',
    );
    if (process.env.NETCHANGE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT.internal;
  }
}

/**
 * The one JSON object `--format json` promises, for a refusal (exit 1) that ended the command before
 * its report: what refused, with its findings. Usage errors (exit 2) stay on stderr only.
 */
async function writeRefusal(error: NetchangeError, output: string | undefined): Promise<void> {
  const refusal = {
    schemaVersion: 1,
    tool: { name: 'netchange', version: VERSION },
    ok: false,
    error: {
      code: error.code,
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
      findings: error.findings,
    },
  };
  try {
    await writeOutput(`${JSON.stringify(refusal, null, 2)}\n`, output, process.cwd());
  } catch (writeError) {
    if (writeError instanceof NetchangeError) printError(writeError);
    else throw writeError;
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
