import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_ROOT, PROJECT_ROOT } from '../../test/support/repository.js';
import { buildProgram } from './program.js';

/** Every command of the tree with how it is run (`netchange audit verify`), `help` left out. */
function commandsOf(command: Command, name = command.name()): [string, Command][] {
  const children = command.commands.filter((child) => child.name() !== 'help');
  return [[name, command], ...children.flatMap((child) => commandsOf(child, `${name} ${child.name()}`))];
}

/** What `netchange PATH --help` prints, captured in this process. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({
    writeOut: (chunk) => {
      text += chunk;
    },
  });
  command.outputHelp();
  return text;
}

// why: from the registry of commands itself, so a command added later is checked without a new line here.
const COMMANDS = commandsOf(buildProgram());

describe('--help of every command', () => {
  it('covers the command groups and their subcommands', () => {
    expect(COMMANDS.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'netchange',
        'netchange validate',
        'netchange init',
        'netchange audit',
        'netchange audit verify',
        'netchange audit export',
        'netchange policy explain',
      ]),
    );
  });

  it.each(COMMANDS)('%s --help has a description, examples and exit codes', (name, command) => {
    const help = helpOf(command);
    const [, description = ''] = help.split('\n\n');

    expect(command.description().trim()).not.toBe('');
    expect(description).not.toMatch(/^(Options|Arguments|Commands):/);
    expect(help).toMatch(new RegExp(`\\nExamples:\\n {2}\\$ .*${name}`));
    expect(help).toContain('\nExit codes: ');
    // every command takes options, so every one can end in a usage error
    expect(help.slice(help.indexOf('\nExit codes: '))).toMatch(/\b2 /);
  });

  it('validate --help says exit 3 is also GitHub failing (--github)', () => {
    const validate = COMMANDS.find(([name]) => name === 'netchange validate')?.[1];

    const help = validate ? helpOf(validate) : '';

    expect(help.slice(help.indexOf('\nExit codes: '))).toMatch(/3 git or ansible\s+failed, or GitHub/);
  });

  it.each(COMMANDS)('%s --help names each option’s default at most once', (_name, command) => {
    const help = command.createHelp();

    for (const option of command.options) {
      const text = help.optionDescription(option);
      expect(text.match(/default/gi)?.length ?? 0, `${option.flags}: ${text}`).toBeLessThanOrEqual(1);
    }
  });
});

/** The proposal files (`changes/….yaml`) a text names, each once. */
function proposalsNamedIn(text: string): string[] {
  return [...new Set(text.match(/\bchanges\/[\w.-]+\.yaml\b/g) ?? [])];
}

describe('the proposals examples name', () => {
  it.each(COMMANDS)('%s --help names only proposals of the bundled example', (_name, command) => {
    const named = proposalsNamedIn(helpOf(command));

    expect(named.filter((file) => !existsSync(path.join(EXAMPLE_ROOT, file)))).toEqual([]);
  });

  it('the README tour names only proposals of the bundled example', async () => {
    const readme = await readFile(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const tour = readme.slice(readme.indexOf('## A tour'), readme.indexOf('\n### What `validate` checks'));

    const named = proposalsNamedIn(tour);

    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((file) => !existsSync(path.join(EXAMPLE_ROOT, file)))).toEqual([]);
  });
});
