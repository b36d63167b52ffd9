import type { Digest } from '../../audit/digest.js';
import { describeRecord, headline, periodText, SECTIONS, summaryText } from './describe.js';

/** `--format markdown`: the digest issue on GitHub, pull requests as links. */
export function renderDigestMarkdown(digest: Digest): string {
  const lines = [`## netchange digest`, '', `Changes between ${periodText(digest)}.`, ''];
  const total = digest.attention.length + digest.emergency.length + digest.other.length;
  if (total === 0) {
    lines.push(`**No changes were recorded between ${periodText(digest)}.**`);
  } else {
    lines.push(`**${summaryText(digest)}**`);
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length === 0) continue;
      lines.push('', `### ${title} (${records.length})`);
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

// why: titles and messages come from proposals and tool output; they must not turn into markup or links.
function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>|~])/g, '\\$1');
}
