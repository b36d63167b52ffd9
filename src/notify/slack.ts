/**
 * The Slack message for a notification: Block Kit blocks (header, summary, facts, one section per
 * list, a context line with the link) plus the plain `text` Slack shows in notifications and where
 * blocks cannot be shown. Pure; the types are the official client's, so a shape it would not send
 * does not compile.
 */
import type { IncomingWebhookSendArguments } from '@slack/webhook';
import { ELLIPSIS, joinLinesWithin, SLACK_LIMITS, truncateText } from './limits.js';
import type { Notification, NotificationTone } from './model.js';

type SlackBlock = NonNullable<IncomingWebhookSendArguments['blocks']>[number];

const TONE_EMOJI: Record<NotificationTone, string> = {
  good: ':white_check_mark:',
  attention: ':warning:',
  neutral: ':information_source:',
};

export function buildSlackMessage(notification: Notification): IncomingWebhookSendArguments {
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncateText(notification.title, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cutMrkdwn(
          `${TONE_EMOJI[notification.tone]} ${escapeMrkdwn(notification.summary)}`,
          SLACK_LIMITS.sectionText,
        ),
      },
    },
  ];
  if (notification.facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: notification.facts.slice(0, SLACK_LIMITS.sectionFields).map((fact) => ({
        type: 'mrkdwn' as const,
        text: cutMrkdwn(`*${escapeMrkdwn(fact.label)}*\n${escapeMrkdwn(fact.value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  // why: the link goes last but must survive the block cap, so the sections get what is left.
  const room = SLACK_LIMITS.blocks - blocks.length - (notification.link ? 1 : 0);
  const sections = notification.sections.filter((section) => section.lines.length > 0);
  const shown = sections.length > room ? sections.slice(0, room - 1) : sections;
  for (const section of shown) {
    const lines = [
      `*${escapeMrkdwn(section.heading)}*`,
      ...section.lines.map((line) => `• ${escapeMrkdwn(line)}`),
    ];
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cutMrkdwn(joinLinesWithin(lines, SLACK_LIMITS.sectionText), SLACK_LIMITS.sectionText),
      },
    });
  }
  if (shown.length < sections.length) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `${ELLIPSIS} and ${sections.length - shown.length} more sections` },
    });
  }
  if (notification.link) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: cutMrkdwn(
            `<${linkTarget(notification.link.url)}|${escapeMrkdwn(notification.link.label)}>`,
            SLACK_LIMITS.sectionText,
          ),
        },
      ],
    });
  }
  return {
    text: cutMrkdwn(
      escapeMrkdwn(`${notification.title}: ${notification.summary}`),
      SLACK_LIMITS.fallbackText,
    ),
    blocks,
    // why: the link points at our own issue or run; an unfurled preview would repeat the message.
    unfurl_links: false,
  };
}

/** Slack's three control characters in mrkdwn (api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts escaped text and drops an entity the cut split (`&am…` would show as garbage). */
function cutMrkdwn(text: string, max: number): string {
  const cut = truncateText(text, max);
  return cut === text ? cut : cut.replace(/&[a-z]{0,3}…$/, ELLIPSIS);
}

/** A URL inside `<url|label>`: `|` and `>` would end it early. */
function linkTarget(url: string): string {
  return url.replace(/\|/g, '%7C').replace(/>/g, '%3E').replace(/</g, '%3C');
}
