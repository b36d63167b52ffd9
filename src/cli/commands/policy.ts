import { type Command, Option } from 'commander';
import { cliContext } from '../context.js';
import { formatOption, OPTION_HELP, writeOutput } from '../options.js';

interface ExplainFlags {
  repo?: string;
  kind?: 'windows' | 'change-control';
  format: string;
  output?: string;
}

export function registerPolicyCommand(program: Command): void {
  const policy = program
    .command('policy')
    .summary('explain the effective policy after every extends')
    .description(
      'Commands about the policy files themselves (policies/windows.yaml, policies/change-control.yaml).',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange policy explain
  $ netchange help policy explain

Exit codes: those of the command run (see its --help); 2 when no command or an unknown one is given.`,
    );
  policy
    .command('explain')
    .summary('print the effective policy, each rule, window and requirement with where it came from')
    .description(
      'Resolve the extends of the policy files (netchange:<pack>@<major> from this installation, and\n' +
        'files inside the repository) and print the effective policy: every rule, window, approval\n' +
        'requirement, team and setting with its origin, a pack and its name\n' +
        '(pack financial-services@1.0.0 rule sod-approver) or a file and line\n' +
        '(policies/change-control.yaml:41), the control it serves, and what it overrides. Then the\n' +
        'overrides and drops that weaken an inherited rule, with their waivers as of today (UTC).',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .addOption(
      new Option('--kind <kind>', 'only one policy: windows or change-control (default: both)').choices([
        'windows',
        'change-control',
      ]),
    )
    .addOption(formatOption('policy', 'text'))
    .option('--output <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange policy explain
  $ netchange policy explain --kind change-control --format json

Exit codes: 0 explained, 2 usage error or a policy (or a pack it extends) that cannot be read.`,
    )
    .action(async (flags: ExplainFlags) => {
      const { explainPolicies } = await import('../../use-cases/policy-explain.js');
      const context = cliContext();
      const explanation = await explainPolicies(
        { ...(flags.repo ? { repo: flags.repo } : {}), ...(flags.kind ? { kind: flags.kind } : {}) },
        context,
      );
      const { renderResult } = await import('../../reporters/registry.js');
      await writeOutput(await renderResult('policy', flags.format, explanation), flags.output, context.cwd);
    });
}
