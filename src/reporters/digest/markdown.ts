import type { Digest } from '../../audit/digest.js';
import { escapeMarkdown as escapeMarkup } from '../validation/markdown.js';
import {
  describeDrift,
  describeRecord,
  diffExcerpt,
  driftHeadline,
  headline,
  isEmptyDigest,
  OUTSIDE_TITLE,
  oneLine,
  periodText,
  SECTIONS,
  summaryText,
} from './describe.js';

/** `--format markdown`: the digest issue on GitHub, pull requests as links. */
export function renderDigestMarkdown(digest: Digest): string {
  const lines = [`## netchange digest`, '', `Changes between ${periodText(digest)}.`, ''];
  if (isEmptyDigest(digest)) {
    lines.push(`**No changes were recorded between ${periodText(digest)}.**`);
  } else {
    lines.push(`**${summaryText(digest)}**`);
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length > 0) lines.push('', `### ${title} (${records.length})`);
      for (const record of records) {
        const link = record.pullRequest?.url
          ? ` ([#${record.pullRequest.number}](${record.pullRequest.url}))`
          : '';
        lines.push('', `#### ${escapeMarkdown(headline(record))}${link}`, '');
        for (const [label, text] of describeRecord(record)) {
          const value =
            label === 'pull request' && record.pullRequest?.url
              ? `[#${record.pullRequest.number}](${record.pullRequest.url})`
              : escapeMarkdown(text);
          lines.push(`- **${label}:** ${value}`);
        }
      }
      // why: what changed outside netchange is read right after the failures, before anything that went well.
      if (key === 'attention') lines.push(...outsideSection(digest));
    }
  }
  if (digest.unreadable.length > 0) {
    lines.push(
      '',
      `> **Warning:** ${digest.unreadable.length} evidence record(s) could not be read (${digest.unreadable.map((file) => `\`${file}\``).join(', ')}); run \`netchange audit verify\`.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** The "Changed outside netchange" section: each drift with its facts and its diff in a fenced block. */
function outsideSection(digest: Digest): string[] {
  if (digest.outside.length === 0) return [];
  const lines = ['', `### ${OUTSIDE_TITLE} (${digest.outside.length})`];
  for (const record of digest.outside) {
    lines.push('', `#### ${escapeMarkdown(driftHeadline(record))}`, '');
    for (const [label, text] of describeDrift(record, digest.timezone))
      lines.push(`- **${label}:** ${escapeMarkdown(text)}`);
    if (record.diff) {
      // why: a fence longer than any backtick run in the diff, so device output cannot close it.
      const longest = Math.max(2, ...(record.diff.match(/`+/g) ?? []).map((run) => run.length));
      const fence = '`'.repeat(longest + 1);
      lines.push('', `${fence}diff`, ...diffExcerpt(record.diff), fence);
    }
  }
  return lines;
}

// why: titles and messages come from records (proposals, tool output); they must not turn into markup
// or links. The pull-request comment's escape handles markup and @mentions; an issue also links `#12`
// and bare URLs, so a zero-width space after `#` and inside `http://` / `www.` keeps them text, and
// --post cannot ping a team, reference an issue or link a site a record names.
export function escapeMarkdown(text: string): string {
  return escapeMarkup(oneLine(text))
    .replace(/~/g, '\\~')
    .replace(/#(?=\d)/g, '#\u200b')
    .replace(/\b(https?)(?=:\/\/)/gi, '$1\u200b')
    .replace(/\b(www)(?=\.)/gi, '$1\u200b');
}
