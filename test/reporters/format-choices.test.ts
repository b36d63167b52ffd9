import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { formatChoices, type ResultKind } from '../../src/reporters/registry.js';

/** Which result kind each command with a `--format` prints. */
const KIND_OF_COMMAND: Record<string, ResultKind> = {
  validate: 'validation',
  plan: 'plan',
  apply: 'apply',
  digest: 'digest',
  'audit export': 'export',
  windows: 'calendar',
  'audit verify': 'verify',
  next: 'next',
  drift: 'drift',
  cab: 'cab',
  schedule: 'schedule',
  'policy explain': 'policy',
};

function formatOptions(command: Command, prefix = ''): [string, readonly string[] | undefined][] {
  return command.commands.flatMap((sub) => {
    const name = `${prefix}${sub.name()}`;
    const format = sub.options.find((option) => option.long === '--format');
    return [
      ...(format ? [[name, format.argChoices] as [string, readonly string[] | undefined]] : []),
      ...formatOptions(sub, `${name} `),
    ];
  });
}

describe('--format choices', () => {
  const commands = formatOptions(buildProgram());

  it('exist for every command that prints a result kind, and no other', () => {
    expect(commands.map(([name]) => name).sort()).toEqual(Object.keys(KIND_OF_COMMAND).sort());
  });

  it.each(commands)('of %s are the formats the reporter registry has for its kind', (name, choices) => {
    const kind = KIND_OF_COMMAND[name];

    expect(kind).toBeDefined();
    expect(choices).toEqual(formatChoices(kind as ResultKind));
  });
});
