import type { Command } from 'commander';

interface InitFlags {
  timezone?: string;
  force?: boolean;
  pack?: string;
  runner?: string;
}

export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .summary('write a starter network repository')
    .description(
      'Write a starter network repository into DIR (default: the current directory): netchange.yaml, one ' +
        'change proposal, window and change-control policies, a playbook, an inventory, .github/CODEOWNERS (proposals ' +
        "go under changes/<domain>/, reviewed by that domain's owners) and seven GitHub workflows " +
        '(pull request, review, apply, emergency, morning digest at 07:00 local, CAB pack, drift). ' +
        'It validates clean at once: the sample proposal starts on the Sunday at 02:00 at least three days ahead, ' +
        'or at the first open slot when the policies close that one (a freeze, a pack window). ' +
        'Existing files are never overwritten unless --force is given.',
    )
    .argument('[dir]', 'directory to create the repository in', '.')
    .option('--timezone <zone>', "IANA time zone for windows and schedules (default: this machine's)")
    .option('--force', 'overwrite files that already exist')
    .option(
      '--pack <name>',
      'start from a policy pack (manufacturing, healthcare, financial-services): the policies extend ' +
        'netchange:<name>@<major> and add the teams and RACI domains it names',
    )
    .option(
      '--runner <labels>',
      'labels of the self-hosted runner inside the management network, comma-separated: the workflows ' +
        'run plan (on pull requests and reviews), apply (scheduled and emergency) and drift there unless ' +
        'the repository variable NETCHANGE_RUNNER says otherwise (default: self-hosted,netchange; ' +
        'GitHub-hosted labels such as ubuntu-latest are refused: they cannot reach the devices)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange init network && cd network && netchange validate
  $ netchange init --timezone Europe/Berlin
  $ netchange init network --runner self-hosted,plant-a-mgmt
  $ netchange init bank-network --pack financial-services && netchange policy explain --repo bank-network

A pack is a starting point, not a compliance certificate: review what it requires (netchange policy
explain) and adapt it to your organisation (docs/policy-packs.md).

Exit codes: 0 written, 2 usage error (files that exist without --force, an unknown --timezone,
--pack or --runner, a directory that cannot be written), 3 git failed (creating the repository or
staging the files it wrote).`,
    )
    .action(async (directory: string, flags: InitFlags) => {
      const { initRepository, placeSampleInOpenWindow, stageStarterFiles } = await import(
        '../../use-cases/init.js'
      );
      const { cliContext } = await import('../context.js');
      const context = cliContext();
      const now = context.clock.now();
      const result = await initRepository({
        directory,
        cwd: process.cwd(),
        now,
        ...(flags.timezone ? { timezone: flags.timezone } : {}),
        force: flags.force === true,
        ...(flags.pack ? { pack: flags.pack } : {}),
        ...(flags.runner !== undefined ? { runner: flags.runner } : {}),
      });
      // why: routing reviews is part of being ready for review; CODEOWNERS comes from the RACI the
      // starter policy has, by the same code `netchange codeowners --check` compares against.
      const { syncCodeowners } = await import('../../use-cases/codeowners.js');
      const codeowners = await syncCodeowners({ check: false, repo: result.root }, context);
      const moved = await placeSampleInOpenWindow(result.root, now, context);
      if (moved) {
        context.notice(
          `the sample proposal starts at ${moved}: the first open slot under the policies (its usual Sunday 02:00 is closed)`,
        );
      }
      if (!result.files.includes(codeowners.file)) result.files.push(codeowners.file);
      result.files.sort();
      await stageStarterFiles(result.root, result.files);
      process.stdout.write(
        `Created ${result.files.length} files in ${result.root}${result.initialisedGit ? ' (and a git repository)' : ''}, staged for your first commit (git add):\n` +
          `${result.files.map((file) => `  ${file}`).join('\n')}\n\n` +
          `Next: cd ${directory} && netchange validate && netchange plan\n\n` +
          `On GitHub, plan, apply (scheduled and emergency) and drift run on a self-hosted runner labelled ${result.runnerLabels.join(', ')},\n` +
          'inside the management network (docs/scale.md): those jobs wait until one is registered.\n' +
          'The repository variable NETCHANGE_RUNNER (a JSON list of labels) changes the labels for every workflow.\n',
      );
    });
}
