import type { Command } from 'commander';
import { formatLocalAndUtc } from '../../core/time.js';
import { cliContext } from '../context.js';

interface UnlockFlags {
  repo?: string;
  local?: boolean;
}

export function registerUnlockCommand(program: Command): void {
  program
    .command('unlock')
    .summary('release a device or Terraform stack lock (on GitHub, or --local)')
    .description(
      'Delete the lock refs/netchange/locks/NAME in the GitHub repository (or, with --local, in the local ' +
        'repository, where every apply also holds its locks), for an operator when the run ' +
        'holding it died and its lease has not expired yet. Prints who held it. Lock names are ' +
        'device-<host> and terraform-<stack>[-<workspace>] (terraform/sdwan, prod: terraform-sdwan-prod), as apply names them when it refuses.',
    )
    .argument('<name>', 'the lock, e.g. device-sw-plant-a-01')
    .option('--repo <dir>', 'the network repository (for github.repository in netchange.yaml)')
    .option('--local', 'release the lock in the local repository instead of on GitHub')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange unlock device-sw-plant-a-01
  $ netchange unlock terraform-sdwan-prod
  $ netchange unlock device-sw-plant-a-01 --local     # an apply on this machine died

Exit codes: 0 released, 1 there was no such lock, 2 usage error, 3 git or GitHub failed.`,
    )
    .action(async (name: string, flags: UnlockFlags) => {
      const { releaseLock } = await import('../../use-cases/unlock.js');
      const outcome = await releaseLock(
        { name, local: flags.local === true, ...(flags.repo ? { repo: flags.repo } : {}) },
        cliContext(),
      );
      if (!outcome.released) {
        process.stdout.write(`there is no lock ${name} on ${outcome.where}\n`);
        process.exitCode = 1;
        return;
      }
      const lease = outcome.lease;
      const since = lease?.acquiredAt
        ? ` since ${formatLocalAndUtc(Date.parse(lease.acquiredAt), outcome.timeZone)}`
        : '';
      const holder = lease
        ? ` (held by ${lease.holder} for ${lease.proposal}${since}, lease until ${formatLocalAndUtc(Date.parse(lease.expiresAt), outcome.timeZone)})`
        : '';
      process.stdout.write(`released lock ${name} on ${outcome.where}${holder}\n`);
    });
}
