import path from 'node:path';
import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { cliContext } from '../context.js';
import {
  formatOption,
  OPTION_HELP,
  parseAt,
  parsePositiveInteger,
  useColor,
  writeOutput,
} from '../options.js';

interface ValidateFlags {
  repo?: string;
  since?: string;
  at?: string;
  approvals?: string;
  requireApprovals?: boolean;
  commit?: string;
  format: string;
  output?: string;
  github?: boolean;
  pr?: number;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .summary('check proposals against schemas, references, windows and change control')
    .description(
      'Check change proposals: schema, references (playbooks, inventories, devices, Terraform), YAML lint,\n' +
        'production windows and the change-control policy. Reports effective risk, who must approve and the\n' +
        'autonomy class of each proposal. No PATH and no --since: every proposal under changes/.',
    )
    .argument('[path...]', 'proposal files or directories (relative to the current directory)')
    .option('--repo <dir>', OPTION_HELP.repo)
    .option('--since <ref>', OPTION_HELP.since)
    .option(
      '--at <iso>',
      'evaluate as of this instant (default: now); decides what is in the past and lead times',
    )
    .option(
      '--approvals <file>',
      'approvals and holds given, as YAML or JSON: [{user, proposal?, hold?, commit?}]',
    )
    .option('--require-approvals', 'fail proposals whose required approvals are missing (as apply does)')
    .option(
      '--commit <sha>',
      "the commit being evaluated; approvals recorded for another commit do not count (not with --github, which takes the pull request's head)",
    )
    .addOption(formatOption('validation', 'text'))
    .option('--output <file>', 'write the report to FILE instead of stdout')
    .option(
      '--github',
      'count the pull request reviews as approvals, check conflicts with the other open pull requests (the 50 oldest) and publish the report comment and check run',
    )
    .option(
      '--pr <number>',
      'needs --github: the pull request (default: the Actions event)',
      parsePositiveInteger('--pr'),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange validate
  $ netchange validate changes/chg-0142-vlan40-packaging.yaml --at 2026-11-23T15:00:00Z
  $ netchange validate --since origin/main --format sarif --output netchange.sarif
  $ netchange validate --approvals approvals.yaml --require-approvals
  $ netchange validate --since origin/main --github --pr 42     # reviews count; comment + check run

Conflicts: proposals that share a device, Terraform stack or redundancy group in overlapping
occupied intervals (rollback included) fail, naming the other and the next free slot; with a FILE
or --since the rest of the repository's proposals are compared too (docs/change-control.md).

Exit codes: 0 every proposal passed, 1 a proposal failed, 2 usage or policy error, 3 git or ansible
failed, or GitHub did (--github: reading the pull request, publishing the comment and check run).`,
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { validateChanges, validatePullRequest } = await import('../../use-cases/validate.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const { isCommitSha } = await import('../../control/approvals.js');
      // why: the same rule as an approval's commit, so a typo is not a commit no approval matches.
      if (flags.commit !== undefined && !isCommitSha(flags.commit))
        throw usageError(
          `--commit must be a commit sha (7 to 64 hex digits), got '${flags.commit}'`,
          'Copy the sha from `git rev-parse HEAD`.',
        );
      if (flags.github && flags.approvals)
        throw usageError(
          '--github takes approvals from the reviews; drop --approvals',
          "With --github the pull request's reviews are the approvals; an approvals file is for runs without GitHub.",
        );
      // why: --github evaluates the pull request's head commit, so another sha would pass unused.
      if (flags.github && flags.commit !== undefined)
        throw usageError(
          "--github evaluates the pull request's head commit; drop --commit",
          'Give --commit without --github, to evaluate --approvals against another commit.',
        );
      // why: without --github no pull request is read, so the number would pass silently unused.
      if (flags.pr !== undefined && !flags.github)
        throw usageError('--pr needs --github', 'The pull request is the one --github reads and reports to.');
      const request = {
        paths,
        at: parseAt(flags.at),
        ...(flags.repo ? { repo: flags.repo } : {}),
        ...(flags.since ? { since: flags.since } : {}),
        requireApprovals: flags.requireApprovals === true,
        requireGit: true,
      };
      const context = cliContext();
      if (flags.github) {
        // why: refused before asking GitHub anything; without --github opening the workspace refuses.
        const { isInsideWorkTree } = await import('../../git/simple-git.js');
        const { notInsideGitRepository } = await import('../../pipeline/workspace.js');
        const repository = path.resolve(context.cwd, flags.repo ?? '.');
        if (!(await isInsideWorkTree(repository))) throw notInsideGitRepository(repository);
      }
      const pullRequest = flags.github
        ? await validatePullRequest(
            { ...request, ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}) },
            context,
          )
        : undefined;
      const report =
        pullRequest?.report ??
        (await validateChanges({
          ...request,
          cwd: context.cwd,
          env: context.env,
          version: context.version,
          ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
          ...(flags.commit ? { commit: flags.commit } : {}),
        }));
      await writeOutput(
        await renderResult('validation', flags.format, { report, color: useColor(flags.output) }),
        flags.output,
        process.cwd(),
      );
      if (pullRequest) process.stderr.write(await pullRequest.publish());
      process.exitCode = report.ok ? 0 : 1;
    });
}
