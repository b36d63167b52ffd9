import { type Command, Option } from 'commander';
import { CHAT_NAMES, type ChatName } from '../../notify/model.js';
import {
  NOTIFICATION_SOURCE_NAMES,
  NOTIFICATION_SOURCES,
  type NotificationSourceName,
} from '../../notify/sources/registry.js';
import { cliContext } from '../context.js';

const CAB_PERIOD_MS = 7 * 86_400_000;

import { OPTION_HELP } from '../options.js';

interface NotifyFlags {
  to: ChatName;
  from: NotificationSourceName;
  repo?: string;
  link?: string;
  dryRun?: boolean;
  since: string;
  until?: string;
  team?: string;
  fetch: boolean;
  runDir?: string;
  file?: string;
  meeting?: string;
}

export function registerNotifyCommand(program: Command): void {
  const sources = NOTIFICATION_SOURCE_NAMES.map(
    (name) => `  ${name.padEnd(13)} ${NOTIFICATION_SOURCES[name]}`,
  ).join('\n');
  program
    .command('notify')
    .summary('post a digest, an apply result or the CAB pack to Slack or Microsoft Teams')
    .description(
      'Posts a short message to a Slack or Microsoft Teams incoming webhook: the headline counts or the\n' +
        'result, the lines that need attention and a link to the whole story. The webhook URL comes from\n' +
        'the environment variable netchange.yaml names (notify.slack.webhookEnv, notify.teams.webhookEnv);\n' +
        'it is a secret and never printed. Secrets are redacted from everything posted. 429 (honouring\n' +
        'Retry-After up to 60 s) and 5xx answers are retried with backoff, 4 attempts in all; any other\n' +
        '4xx fails at once.',
    )
    .addOption(new Option('--to <chat>', 'where to post').choices(CHAT_NAMES).makeOptionMandatory())
    .addOption(
      new Option('--from <source>', 'what to announce')
        .choices(NOTIFICATION_SOURCE_NAMES)
        .makeOptionMandatory(),
    )
    .option('--repo <dir>', OPTION_HELP.repo)
    .option(
      '--link <url>',
      'where the whole story is (the digest issue, the pull request); default: the GitHub Actions run when in CI',
    )
    .option('--dry-run', 'print the payload as JSON instead of posting it (no webhook needed)')
    .option(
      '--since <when>',
      'digest: start of the period, a duration back from --until or an instant',
      '24h',
    )
    .option('--until <iso>', 'digest: end of the period (default: now)')
    .option('--team <team>', 'digest: only changes this team requested, ran or approved')
    .option('--no-fetch', 'digest: do not fetch the evidence branch from origin first')
    .option(
      '--run-dir <dir>',
      'apply-result: the run directory netchange apply wrote (holds result.json), or a folder of them such as .netchange/runs: one message per apply run in it',
    )
    .option('--file <pack>', 'cab: the pack netchange cab wrote, markdown (.md) or JSON (.json)')
    .option(
      '--meeting <iso>',
      'cab without --file: assemble the pack for this meeting (default: now), 7 days back',
    )
    .addHelpText(
      'after',
      `
Sources (--from):
${sources}

Examples:
  $ NETCHANGE_SLACK_WEBHOOK=https://hooks.slack.com/services/... netchange notify --to slack --from digest --since 12h
  $ netchange notify --to teams --from apply-result --run-dir .netchange/runs   # each apply run in it
  $ netchange notify --to slack --from cab --file cab.md --link https://github.com/acme/network/issues/12
  $ netchange notify --to teams --from digest --dry-run     # the Adaptive Card, not posted

Exit codes: 0 posted (or printed with --dry-run), 2 usage or configuration error (no webhook
configured, the variable unset, an unreadable input), 3 the webhook refused the message or kept
failing after retries (nothing is lost: run the command again).`,
    )
    .action(async (flags: NotifyFlags) => {
      const { parsePeriod, parseInstant } = await import('../../audit/cli-support.js');
      const { notify } = await import('../../use-cases/notify.js');
      const context = cliContext();
      const until = flags.until ? parseInstant(flags.until, '--until') : context.clock.now();
      const meeting = flags.meeting ? parseInstant(flags.meeting, '--meeting') : context.clock.now();
      const outcome = await notify(
        {
          to: flags.to,
          from: flags.from,
          ...(flags.repo ? { repo: flags.repo } : {}),
          ...(flags.link ? { link: flags.link } : {}),
          ...(flags.dryRun ? { dryRun: true } : {}),
          ...(flags.runDir ? { runDir: flags.runDir } : {}),
          ...(flags.file ? { file: flags.file } : {}),
          ...(flags.from === 'cab' && !flags.file
            ? {
                // why: the same period as `netchange cab`'s default: the week before the meeting.
                cab: { meeting, since: new Date(meeting.getTime() - CAB_PERIOD_MS), fetch: flags.fetch },
              }
            : {}),
          ...(flags.from === 'digest'
            ? {
                digest: {
                  ...parsePeriod(flags.since, until),
                  fetch: flags.fetch,
                  ...(flags.team ? { team: flags.team } : {}),
                },
              }
            : {}),
        },
        context,
      );
      if (flags.dryRun) {
        // why: one message is printed as its payload, several (one per apply run) as an array of them.
        const payloads = outcome.messages.map((message) => message.payload);
        process.stdout.write(`${JSON.stringify(payloads.length === 1 ? payloads[0] : payloads, null, 2)}\n`);
        return;
      }
      for (const message of outcome.messages)
        process.stderr.write(
          `posted '${message.title}' to ${flags.to} (${message.attempts} ${message.attempts === 1 ? 'attempt' : 'attempts'})\n`,
        );
    });
}
