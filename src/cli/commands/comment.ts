import type { Command } from 'commander';
import { usageError } from '../../core/errors.js';
import { cliContext } from '../context.js';
import { OPTION_HELP, parseAt, parsePositiveInteger } from '../options.js';

interface CommentFlags {
  pr?: number;
  repo?: string;
  from?: string[];
  dryRun?: boolean;
  at?: string;
  approvals?: string;
  since?: string;
  outDir?: string;
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
        'Needs GITHUB_TOKEN (or a GitHub App), GITHUB_REPOSITORY or github.repository (a remote of this clone); ' +
        'GITHUB_API_URL for GHES, or github.apiUrl on the host of the origin remote.',
    )
    .option('--pr <number>', 'pull request number (default: the Actions event)', parsePositiveInteger('--pr'))
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--from <dir...>',
      'a run directory: re-send its unsent report, or include its plan (plan.json, plan.md); several, or one shard of a ' +
        'plan --shard K/N with N > 1: the shards of one plan, merged into one report that names the shards missing',
    )
    .option(
      '--since <ref>',
      'report the proposals changed from REF, as validate --since does (default: the base the --from plans were ' +
        'made from with plan --since; without either, every proposal of the repository)',
    )
    .option(
      '--out-dir <dir>',
      'where this run writes its plan and what was posted (default: the one --from directory holding a whole ' +
        'plan, else .netchange/runs/<timestamp>-comment/); in CI keep it outside the checkout',
    )
    .option(
      '--dry-run',
      'print the comment to stdout instead of posting it (no GitHub needed); stderr says how the check would conclude',
    )
    .option(
      '--at <iso>',
      'evaluate as of this instant (default: now); decides what is in the past and lead times',
    )
    .option('--approvals <file>', 'with --dry-run: approvals to evaluate with, instead of the reviews')
    .addHelpText(
      'after',
      `
Examples:
  $ netchange plan --out-dir run && netchange comment --from run --dry-run   # preview, no GitHub
  $ netchange comment --pr 42
  $ netchange plan --out-dir run && netchange comment --pr 42 --from run
  $ netchange comment --pr 42 --from .netchange/runs/2026-11-29T08-00-00.000Z   # re-send after a failure
  $ netchange comment --pr 42 --from shard-1 shard-2 shard-3   # the shards of plan --shard K/3, one report

The comment opens with one row per proposal: ✅ ready, ⏳ needs approvals, 🔍 code review needed,
✋ held, ⛔ blocked, ❌ invalid. The check concludes success only when every proposal is ready,
action_required while approvals, holds or a code review are pending, failure when one is blocked or
invalid or the plan failed. A --from directory that is missing, or holds no plan.json or an
unreadable one, is a plan that failed or never ran (a pull request from a fork is never planned):
the comment says no plan was made and why, and the check fails. Shards that do not add up (one
missing or given twice, different commits or selections) fail it too, and the comment names them;
so does a plan made at another commit than the pull request's head (plan the head again).
In GitHub Actions the footer links the run and names the uploaded artifact (netchange-pr-<number>
on pull_request events; set NETCHANGE_ARTIFACT_NAME for another name).

Exit codes: 0 posted (or already up to date) whatever the verdict: the check run carries it, and
branch protection requires the check; 2 usage error (a --from that is a file, or a directory that
is not a run directory); 3 GitHub failed after retries.
With --dry-run, 0 as well (nothing is posted); stderr says what the check would conclude.`,
    )
    .action(async (flags: CommentFlags) => {
      if (flags.dryRun) {
        if (flags.outDir) {
          throw usageError(
            '--out-dir goes with a post, not with --dry-run',
            'A dry run writes nothing but the comment on stdout; drop --out-dir, or --dry-run to post.',
          );
        }
        await previewComment(flags);
        return;
      }
      if (flags.approvals) {
        throw usageError(
          '--approvals goes with --dry-run',
          'On a pull request, approvals come from its reviews.',
        );
      }
      const { commentOnPullRequest } = await import('../../use-cases/publish-report.js');
      const { describeCommentOutcome } = await import('../../github/report-pull-request.js');
      const outcome = await commentOnPullRequest(
        {
          at: parseAt(flags.at),
          ...(flags.pr !== undefined ? { pullNumber: flags.pr } : {}),
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.from ? { from: flags.from } : {}),
          ...(flags.since ? { since: flags.since } : {}),
          ...(flags.outDir ? { outDir: flags.outDir } : {}),
        },
        cliContext(),
      );
      process.stdout.write(describeCommentOutcome(outcome));
    });
}

async function previewComment(flags: CommentFlags): Promise<void> {
  const { previewComment: compose } = await import('../../use-cases/publish-report.js');
  const preview = await compose(
    {
      at: parseAt(flags.at),
      ...(flags.repo ? { repo: flags.repo } : {}),
      ...(flags.approvals ? { approvalsFile: flags.approvals } : {}),
      ...(flags.from ? { from: flags.from } : {}),
      ...(flags.since ? { since: flags.since } : {}),
    },
    cliContext(),
  );
  process.stdout.write(`${preview.comment}\n`);
  // why: the exit code stays 0 as for a real post (the verdict is the check's); say so, so a
  // dry run with failures is not mistaken for a pass.
  process.stderr.write(
    `dry run: the netchange check would conclude ${preview.conclusion} (${preview.title}); ` +
      'exit 0 because --dry-run posts nothing\n',
  );
}
