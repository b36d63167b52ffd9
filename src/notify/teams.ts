/**
 * The Microsoft Teams message for a notification: one Adaptive Card (version 1.4, what Teams
 * renders) in a `message` activity, the shape Teams incoming webhooks and Workflows accept. Pure.
 * The card's JSON types below are the subset netchange writes; tests parse every card with the
 * `adaptivecards` library (Microsoft's own parser) and fail on any element or property it rejects.
 */
import { joinLinesWithin, TEAMS_LIMITS, truncateText } from './limits.js';
import type { Notification, NotificationSection, NotificationTone } from './model.js';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.4';

export interface AdaptiveTextBlock {
  type: 'TextBlock';
  text: string;
  wrap: boolean;
  size?: 'Small' | 'Default' | 'Medium' | 'Large' | 'ExtraLarge';
  weight?: 'Lighter' | 'Default' | 'Bolder';
  color?: 'Default' | 'Good' | 'Warning' | 'Attention' | 'Accent';
  spacing?: 'None' | 'Small' | 'Default' | 'Medium' | 'Large';
}

export interface AdaptiveFactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface AdaptiveOpenUrlAction {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface AdaptiveCard {
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  type: 'AdaptiveCard';
  version: typeof ADAPTIVE_CARD_VERSION;
  body: (AdaptiveTextBlock | AdaptiveFactSet)[];
  actions?: AdaptiveOpenUrlAction[];
  /** Teams: use the message's full width. */
  msteams?: { width: 'Full' };
}

/** What a Teams incoming webhook accepts: a message whose attachments are cards. */
export interface TeamsMessage {
  type: 'message';
  attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; contentUrl: null; content: AdaptiveCard }[];
}

const TONE_COLOR: Record<NotificationTone, AdaptiveTextBlock['color']> = {
  good: 'Good',
  attention: 'Attention',
  neutral: 'Default',
};

export function buildTeamsMessage(notification: Notification): TeamsMessage {
  let sections = notification.sections.filter((section) => section.lines.length > 0);
  let message = teamsMessage(notification, sections, 0);
  // why: Teams refuses a payload over about 28 KB; the last sections go first, and the card says so.
  while (byteLength(message) > TEAMS_LIMITS.payloadBytes && sections.length > 0) {
    sections = sections.slice(0, -1);
    message = teamsMessage(notification, sections, notification.sections.length - sections.length);
  }
  return message;
}

function teamsMessage(
  notification: Notification,
  sections: NotificationSection[],
  left: number,
): TeamsMessage {
  const body: AdaptiveCard['body'] = [
    {
      type: 'TextBlock',
      text: truncateText(escapeTeamsMarkdown(notification.title), 200),
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
    },
    {
      type: 'TextBlock',
      text: truncateText(escapeTeamsMarkdown(notification.summary), TEAMS_LIMITS.textBlock),
      color: TONE_COLOR[notification.tone],
      wrap: true,
    },
  ];
  if (notification.facts.length > 0) {
    body.push({
      type: 'FactSet',
      facts: notification.facts.slice(0, TEAMS_LIMITS.facts).map((fact) => ({
        title: truncateText(escapeTeamsMarkdown(fact.label), 100),
        value: truncateText(escapeTeamsMarkdown(fact.value), 500),
      })),
    });
  }
  for (const section of sections) {
    body.push(
      {
        type: 'TextBlock',
        text: truncateText(escapeTeamsMarkdown(section.heading), 200),
        weight: 'Bolder',
        spacing: 'Medium',
        wrap: true,
      },
      // why: a Markdown list: Teams renders `- ` lines as bullets, where plain lines would run together.
      {
        type: 'TextBlock',
        text: joinLinesWithin(
          section.lines.map((line) => `- ${escapeTeamsMarkdown(line)}`),
          TEAMS_LIMITS.textBlock,
        ),
        wrap: true,
      },
    );
  }
  if (left > 0) body.push({ type: 'TextBlock', text: `… and ${left} more sections`, wrap: true });
  const card: AdaptiveCard = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body,
    ...(notification.link
      ? {
          actions: [
            {
              type: 'Action.OpenUrl',
              title: truncateText(notification.link.label, 100),
              url: notification.link.url,
            },
          ],
        }
      : {}),
    msteams: { width: 'Full' },
  };
  return {
    type: 'message',
    attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: card }],
  };
}

/**
 * Text shown as itself in a TextBlock or FactSet, which Teams renders as Markdown. why: the text comes
 * from proposals; `[Approve here](https://…)` would be a link and `**URGENT**` bold in the other
 * team's channel. Markdown's punctuation is backslash-escaped (CommonMark; Teams desktop and web
 * show the character, clients that ignore escapes show the backslash: literal either way; with `[`
 * and `]` escaped no `(…)` can make a link), a line start that would open a heading or list is
 * escaped, and a zero-width space after a URL's
 * scheme or `www` keeps a bare address from being linked.
 */
export function escapeTeamsMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>~]/g, (character) => `\\${character}`)
    .replace(/^(\s*)([-+#])/, '$1\\$2')
    .replace(/^(\s*\d+)\.(?=\s|$)/, '$1\\.')
    .replace(/\b(https?|ftp|mailto)(?=:)/gi, '$1\u200b')
    .replace(/\b(www)(?=\.)/gi, '$1\u200b');
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
