import type { Digest } from '../../audit/digest.js';
import { describeRecord, headline, periodText, SECTIONS, summaryText } from './describe.js';

/** `--format text`: the morning report for a terminal or an e-mail, sections underlined with `==`. */
export function renderDigestText(digest: Digest): string {
  const lines = [`netchange digest: changes between ${periodText(digest)}`, ''];
  const total = digest.attention.length + digest.emergency.length + digest.other.length;
  if (total === 0) {
    lines.push(`No changes were recorded between ${periodText(digest)}.`);
  } else {
    lines.push(summaryText(digest));
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length === 0) continue;
      lines.push('', `== ${title} (${records.length}) ==`);
      for (const record of records) {
        lines.push('', headline(record));
        const facts = describeRecord(record);
        const width = Math.max(...facts.map(([label]) => label.length)) + 1;
        for (const [label, text] of facts) lines.push(`  ${`${label}:`.padEnd(width)} ${text}`);
      }
    }
  }
  if (digest.unreadable.length > 0) {
    lines.push(
      '',
      `Warning: ${digest.unreadable.length} evidence record(s) could not be read (${digest.unreadable.join(', ')}); run netchange audit verify.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
