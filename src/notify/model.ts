/**
 * A notification as plain data: what a chat message says, before it is shaped for one chat. Sources
 * (src/notify/sources/) describe a digest, an apply run or a CAB pack as a Notification; the payload
 * builders (slack.ts, teams.ts) turn it into what each webhook accepts. Everything here is pure.
 */

/** The chats netchange posts to; commander's `--to` choices come from this list. */
export const CHAT_NAMES = ['slack', 'teams'] as const;
export type ChatName = (typeof CHAT_NAMES)[number];

/** How the message should read at a glance: colour of the headline, emoji. */
export type NotificationTone = 'good' | 'attention' | 'neutral';

/** One labelled value (`Outcome: applied`). */
export interface NotificationFact {
  /** Short label, shown bold or as the fact title. */
  label: string;
  /** The value, one line. */
  value: string;
}

/** A titled list of lines (`Failed and rolled back` with one line per change). */
export interface NotificationSection {
  heading: string;
  /** One line per item, plain text (builders escape what their chat treats as markup). */
  lines: string[];
}

export interface Notification {
  /** The message's title (`netchange digest: 2 changes`). */
  title: string;
  /** One sentence with the headline counts or the result. */
  summary: string;
  tone: NotificationTone;
  facts: NotificationFact[];
  sections: NotificationSection[];
  /** Where the whole story is: the digest issue, the pull request, the CI run. */
  link?: { label: string; url: string };
}
