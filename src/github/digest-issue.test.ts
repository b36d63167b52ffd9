import { describe, expect, it } from 'vitest';
import { composeDigestIssue, digestDay, digestMarker } from './digest-issue.js';
import { GITHUB_LIMITS } from './limits.js';

const base = {
  day: '2026-11-22',
  stableText: 'stable',
  generatedAt: new Date('2026-11-22T08:00:00Z'),
  localCommand: 'netchange digest --since 2026-11-22T00:00:00.000Z --until 2026-11-22T08:00:00.000Z',
};

describe('composeDigestIssue', () => {
  it('puts the day marker first and keeps a short digest whole', () => {
    const content = composeDigestIssue({ ...base, markdown: '## netchange digest\n\nhello\n' });
    expect(content.title).toBe('netchange digest 2026-11-22');
    expect(content.body.startsWith(`${digestMarker('2026-11-22')}\n`)).toBe(true);
    expect(content.body).toContain('## netchange digest\n\nhello\n');
    expect(content.truncated).toBe(false);
  });

  it('fingerprints only the stable text, not the generation time', () => {
    const a = composeDigestIssue({ ...base, markdown: 'x' });
    const b = composeDigestIssue({ ...base, markdown: 'y', generatedAt: new Date('2026-11-22T09:00:00Z') });
    const c = composeDigestIssue({ ...base, markdown: 'x', stableText: 'other' });
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a.fingerprint).not.toBe(c.fingerprint);
    expect(a.body).not.toBe(b.body);
  });

  it('cuts a long digest at a line to fit GitHub, saying how to see the rest', () => {
    const line = `- **change:** ${'x'.repeat(90)}\n`;
    const markdown = line.repeat(2_000);
    const content = composeDigestIssue({ ...base, markdown });
    expect(content.truncated).toBe(true);
    expect(content.body.length).toBeLessThanOrEqual(GITHUB_LIMITS.body);
    expect(content.body.length).toBeGreaterThan(GITHUB_LIMITS.body - 1_000);
    expect(content.body).toContain(`For the full digest run \`${base.localCommand}\` locally.`);
    expect(content.body).toMatch(/\*\*Truncated:\*\* [\d,]+ more characters/);
    const kept = content.body.slice(
      content.body.indexOf('- **change:**'),
      content.body.indexOf('\n> **Truncated'),
    );
    expect(kept.split('\n').every((row) => row === '' || row === line.trimEnd())).toBe(true);
  });
});

describe('digestDay', () => {
  it('is the UTC date by default and the local date in a time zone', () => {
    const at = new Date('2026-11-22T03:00:00Z');
    expect(digestDay(at)).toBe('2026-11-22');
    expect(digestDay(at, 'America/Chicago')).toBe('2026-11-21');
  });
});
