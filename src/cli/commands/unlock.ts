import type { Command } from 'commander';

interface UnlockFlags {
  repo?: string;
}

export function registerUnlockCommand(program: Command): void {
  program
    .command('unlock')
    .summary('release a device or Terraform stack lock held on GitHub')
    .description(
      'Delete the lock refs/netchange/locks/NAME in the GitHub repository, for an operator when the run ' +
        'holding it died and its lease has not expired yet. Prints who held it. Lock names are ' +
        'device-<host> and terraform-<stack>[-<workspace>] (terraform/sdwan, prod: terraform-sdwan-prod), as apply names them when it refuses.',
    )
    .argument('<name>', 'the lock, e.g. device-sw-plant-a-01')
    .option('--repo <dir>', 'the network repository (for github.repository in netchange.yaml)')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange unlock device-sw-plant-a-01
  $ netchange unlock terraform-sdwan-prod

Exit codes: 0 released, 1 there was no such lock, 2 usage error, 3 GitHub failed.`,
    )
    .action(async (name: string, flags: UnlockFlags) => {
      const { openWorkspace } = await import('../../pipeline/workspace.js');
      const { connectGitHub } = await import('../../github/publish.js');
      const { unlock } = await import('../../github/locks.js');
      const workspace = await openWorkspace({
        cwd: process.cwd(),
        ...(flags.repo ? { repo: flags.repo } : {}),
      });
      const { github } = await connectGitHub({ env: process.env, config: workspace.config.github });
      const outcome = await unlock(github, name);
      if (!outcome.released) {
        process.stdout.write(`there is no lock ${name} on ${github.repository}\n`);
        process.exitCode = 1;
        return;
      }
      const holder = outcome.lease
        ? ` (held by ${outcome.lease.holder} for ${outcome.lease.proposal} since ${outcome.lease.acquiredAt}, lease until ${outcome.lease.expiresAt})`
        : '';
      process.stdout.write(`released lock ${name} on ${github.repository}${holder}\n`);
    });
}
