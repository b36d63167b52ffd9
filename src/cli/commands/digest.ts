import type { Command } from 'commander';
import { formatOption, OPTION_HELP, writeOutput } from '../options.js';

interface DigestFlags {
  repo?: string;
  since: string;
  until?: string;
  team?: string;
  format: string;
  output?: string;
  fetch: boolean;
  post?: boolean;
}

export function registerDigestCommand(program: Command): void {
  program
    .command('digest')
    .summary('what changed in the network recently: failures first, then emergencies, then the rest')
    .description(
      'The morning report from the evidence records: every change that finished in the period, failed and\n' +
        'rolled-back changes first, then emergency changes with their retrospective due dates, then the rest;\n' +
        'each with who, when (local and UTC), window, approvals, diff summary and pull request.',
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--since <when>',
      'start of the period: a duration back from now (12h, 30m, 2d, PT12H) or an instant',
      '24h',
    )
    .option('--until <iso>', 'end of the period (default: now)')
    .option('--team <team>', 'only changes this team requested, ran or approved')
    .addOption(formatOption('digest', 'text'))
    .option('--output <file>', 'write the digest to FILE instead of stdout')
    .option('--no-fetch', 'do not fetch the evidence branch from origin first')
    .option(
      '--post',
      "also publish the digest (markdown) to GitHub as the day's issue 'netchange digest YYYY-MM-DD' (UTC day of the period's end), created once and edited in place; needs GITHUB_TOKEN and GITHUB_REPOSITORY like netchange comment",
    )
    .addHelpText(
      'after',
      `
Examples:
  $ netchange digest --since 12h
  $ netchange digest --since 2026-11-28T20:00:00Z --team partner-noc --format markdown
  $ GITHUB_TOKEN=... GITHUB_REPOSITORY=acme/network netchange digest --since 12h --post

Exit codes: 0 the digest was written (also when nothing changed), 2 usage error,
3 git failed or the GitHub post failed after retries.`,
    )
    .action(async (flags: DigestFlags) => {
      const { resolveEvidenceRepository, refreshEvidence, parseSince, parseInstant } = await import(
        '../../audit/cli-support.js'
      );
      const { buildDigest, loadEvidence, readEvidenceHead } = await import('../../audit/index.js');
      const { renderResult } = await import('../../reporters/registry.js');
      const notice = (message: string) => process.stderr.write(`note: ${message}\n`);
      const until = flags.until ? parseInstant(flags.until, '--until') : new Date();
      const since = parseSince(flags.since, until);
      const root = await resolveEvidenceRepository(flags.repo, process.cwd());
      if (flags.fetch)
        await refreshEvidence(root, (message) => process.stderr.write(`warning: ${message}\n`), notice);
      // why: no upper bound here: a started record is paired with its finished record even when that
      // finished after --until; buildDigest keeps the period.
      const loaded = await loadEvidence(root, { since, onNotice: notice });
      const digest = buildDigest(
        loaded.records,
        { since, until, ...(flags.team ? { team: flags.team } : {}) },
        loaded.unreadable,
      );
      await writeOutput(await renderResult('digest', flags.format, digest), flags.output, process.cwd());
      if (flags.post) {
        const { postDigest, describeDigestPost } = await import('../../github/digest-issue.js');
        const { openWorkspace } = await import('../../pipeline/workspace.js');
        // why: netchange.yaml `github` names the repository outside Actions, as for `netchange comment`.
        const workspace = await openWorkspace({ cwd: process.cwd(), repo: root });
        const evidenceHead = await readEvidenceHead(root);
        const outcome = await postDigest({
          ...(evidenceHead ? { evidenceHead } : {}),
          digest,
          env: process.env,
          config: workspace.config.github,
          at: new Date(),
          warn: (message) => process.stderr.write(`warning: ${message}\n`),
        });
        process.stderr.write(describeDigestPost(outcome));
      }
    });
}
