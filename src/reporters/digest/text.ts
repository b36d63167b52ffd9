import type { Digest } from '../../audit/digest.js';
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

/** `--format text`: the morning report for a terminal or an e-mail, sections underlined with `==`. */
export function renderDigestText(digest: Digest): string {
  const lines = [`netchange digest: changes between ${periodText(digest)}`, ''];
  if (isEmptyDigest(digest)) {
    lines.push(`No changes were recorded between ${periodText(digest)}.`);
  } else {
    lines.push(summaryText(digest));
    for (const [key, title] of SECTIONS) {
      const records = digest[key];
      if (records.length > 0) {
        lines.push('', `== ${title} (${records.length}) ==`);
        for (const record of records) lines.push('', headline(record), ...factLines(describeRecord(record)));
      }
      // why: what changed outside netchange is read right after the failures, before anything that went well.
      if (key === 'attention' && digest.outside.length > 0) {
        lines.push('', `== ${OUTSIDE_TITLE} (${digest.outside.length}) ==`);
        for (const record of digest.outside) {
          lines.push('', driftHeadline(record), ...factLines(describeDrift(record, digest.timezone)));
          if (record.diff) lines.push(...diffExcerpt(record.diff).map((line) => `    ${line}`));
        }
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

/** `  label: text`, the labels padded to one width. */
function factLines(facts: readonly [string, string][]): string[] {
  const width = Math.max(...facts.map(([label]) => label.length)) + 1;
  return facts.map(([label, text]) => `  ${`${label}:`.padEnd(width)} ${oneLine(text)}`);
}
