import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { OPTION_HELP } from '../options.js';

interface CodeownersFlags {
  repo?: string;
  check?: boolean;
}

export function registerCodeownersCommand(program: Command): void {
  program
    .command('codeowners')
    .summary('generate .github/CODEOWNERS from the change-control RACI')
    .description(
      "Write .github/CODEOWNERS from policies/change-control.yaml: each RACI domain's paths go to its\n" +
        'responsible and accountable teams, the policies to the policy owners, so GitHub itself requests\n' +
        'the right reviewers. Teams with `github: org/slug` appear as @org/slug, others as their members.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--check', 'write nothing; exit 1 when the committed file differs from what the policy gives')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange codeowners            # write .github/CODEOWNERS
  $ netchange codeowners --check    # in CI: fail when someone changed the RACI but not CODEOWNERS

Exit codes: 0 written or up to date, 1 stale (--check), 2 usage or policy error.`,
    )
    .action(async (flags: CodeownersFlags) => {
      process.exitCode = await runCodeowners(flags);
    });
}

async function runCodeowners(flags: CodeownersFlags): Promise<number> {
  const { syncCodeowners } = await import('../../use-cases/codeowners.js');
  const outcome = await syncCodeowners(
    { check: flags.check === true, ...(flags.repo ? { repo: flags.repo } : {}) },
    cliContext(),
  );
  for (const finding of outcome.policyFindings) {
    process.stderr.write(`${finding.severity}: ${finding.file}:${finding.line ?? 1} ${finding.message}\n`);
  }
  switch (outcome.status) {
    case 'up-to-date':
      process.stdout.write(`${outcome.file} is up to date with ${outcome.policyFile}\n`);
      return 0;
    case 'written':
      process.stdout.write(`wrote ${outcome.file} (${outcome.rules} patterns) from ${outcome.policyFile}\n`);
      return 0;
    default:
      process.stdout.write((outcome.patch ?? '').split('\n').slice(1).join('\n'));
      process.stderr.write(
        `${outcome.file} is ${outcome.status}: it does not match the RACI in ${outcome.policyFile}\n` +
          'hint: run `netchange codeowners` and commit .github/CODEOWNERS\n',
      );
      return 1;
  }
}
