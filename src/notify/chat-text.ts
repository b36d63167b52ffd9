/**
 * The one pass every notification goes through before a chat builder shapes it. why: its text comes
 * from proposals (anyone opening a pull request writes them) and from evidence records written by
 * older netchange versions; a line break in a title would start a fake heading or list item in the
 * other team's channel. The model promises one line per title, summary, fact and list item, so every
 * string is put on one line here, whatever source described it.
 */
import { oneLine } from '../reporters/digest/describe.js';
import type { Notification } from './model.js';

/** The notification with every text on one line. Pure. */
export function chatText(notification: Notification): Notification {
  return {
    ...notification,
    title: oneLine(notification.title),
    summary: oneLine(notification.summary),
    facts: notification.facts.map((fact) => ({ label: oneLine(fact.label), value: oneLine(fact.value) })),
    sections: notification.sections.map((section) => ({
      heading: oneLine(section.heading),
      lines: section.lines.map(oneLine),
    })),
    ...(notification.link
      ? { link: { label: oneLine(notification.link.label), url: notification.link.url } }
      : {}),
  };
}
