/**
 * The one pass every notification goes through before a chat builder shapes it. why: its text comes
 * from proposals (anyone opening a pull request writes them) and from evidence records written by
 * older netchange versions; a line break in a title would start a fake heading or list item in the
 * other team's channel, an ESC or a right-to-left override would hide or reorder what it says. The
 * model promises one line per title, summary, fact and list item, so every string is put on one line
 * here, and its control characters shown as visible marks as the reporters do (`renderResult`),
 * whatever source described it.
 */
import { neutralizeControlCharacters } from '../core/control-characters.js';
import { oneLine } from '../reporters/digest/describe.js';
import type { Notification } from './model.js';

/** The notification with every text on one line and no raw control character. Pure. */
export function chatText(notification: Notification): Notification {
  return {
    ...notification,
    title: plainLine(notification.title),
    summary: plainLine(notification.summary),
    facts: notification.facts.map((fact) => ({ label: plainLine(fact.label), value: plainLine(fact.value) })),
    sections: notification.sections.map((section) => ({
      heading: plainLine(section.heading),
      lines: section.lines.map(plainLine),
    })),
    ...(notification.link
      ? { link: { label: plainLine(notification.link.label), url: notification.link.url } }
      : {}),
  };
}

// why: line breaks first, so a `\r` becomes a space rather than the mark `␍`.
function plainLine(text: string): string {
  return neutralizeControlCharacters(oneLine(text));
}
