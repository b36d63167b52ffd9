import type { Command } from 'commander';
import { parsePositiveInteger } from '../options.js';

interface CommentFlags {
  pr?: number;
  repo?: string;
  from?: string;
}

export function registerCommentCommand(program: Command): void {
  program
    .command('comment')
    .summary('post the report comment and the netchange check run to a pull request')
    .description(
      'Validate the pull request with the approvals its reviews give (latest review per user, on the head ' +
        'commit), add the plan of a run directory, and keep ONE report comment up to date (found by a hidden ' +
        'marker, edited in place, not written when unchanged) plus the `netchange` check run with annotations. ' +
        'Everything is saved in the run directory first; a post that fails can be re-sent with --from. ' +
        'Needs GITHUB_TOKEN (or a GitHub App), GITHUB_REPOSITORY or github.repository; GITHUB_API_URL for GHES.',
    )
    .option('--pr <number>', 'pull request number (default: the Actions event)', parsePositiveInteger('--pr'))
    .option(
      '--repo <dir>',
      'the network repository (default: the git repository around the current directory)',
    )
    .option(
      '--from <dir>',
      'a run directory: re-send its unsent report, or include its plan (plan.json, plan.md)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange comment --pr 42
  $ netchange plan --out-dir run && netchange comment --pr 42 --from run
  $ netchange comment --pr 42 --from .netchange/runs/2026-11-29T08-00-00.000Z   # re-send after a failure

Exit codes: 0 posted (or already up to date), 2 usage error, 3 GitHub failed after retries.`,
    )
    .action(async (flags: CommentFlags) => {
      const { commentOnPullRequest, describeCommentOutcome } = await import(
        '../../github/report-pull-request.js'
      );
      const { VERSION } = await import('../version.js');
      const outcome = await commentOnPullRequest({
        cwd: process.cwd(),
        env: process.env,
        version: VERSION,
        at: new Date(),
        warn: (message) => process.stderr.write(`warning: ${message}\n`),
        ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}),
        ...(flags.repo ? { repo: flags.repo } : {}),
        ...(flags.from ? { from: flags.from } : {}),
      });
      process.stdout.write(describeCommentOutcome(outcome));
    });
}
