import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../audit/digest.js';
import type { EvidenceRecord } from '../../audit/types.js';
import { renderDigestMarkdown } from './markdown.js';

/** A change record, as stored, whose title and verification message were written by whoever opened the proposal. */
function recordTitled(title: string, message: string): EvidenceRecord {
  return {
    schemaVersion: 1,
    sequence: 1,
    previousHash: null,
    hash: 'f'.repeat(64),
    recordedAt: '2026-11-22T08:05:00Z',
    kind: 'apply',
    proposal: { id: 'CHG-1', file: 'changes/chg-1.yaml', blob: null, title, timezone: 'America/Chicago' },
    commit: 'b'.repeat(40),
    pullRequest: null,
    requester: { team: 'partner-noc', github: 'dana' },
    approvers: [],
    window: { status: 'open', windows: [] },
    actor: { name: 'github-actions', kind: 'automation', team: 'partner-noc' },
    startedAt: '2026-11-22T08:00:00Z',
    finishedAt: '2026-11-22T08:05:00Z',
    steps: [],
    verification: { status: 'failed', message },
    rollback: { status: 'not-needed' },
    outcome: 'failed',
  } as EvidenceRecord;
}

describe('digest markdown', () => {
  it('prints record text as text: no mention, issue reference or link reaches the issue', () => {
    const record = recordTitled(
      'Fix @acme/netops see https://evil.example/x and #1',
      'ping @alice at www.evil.example or http://evil.example, see #22',
    );
    const digest = buildDigest([record], {
      since: new Date('2026-11-22T00:00:00Z'),
      until: new Date('2026-11-23T00:00:00Z'),
    });

    const markdown = renderDigestMarkdown(digest);

    expect(markdown).not.toMatch(/@(?=\w)/);
    expect(markdown).not.toMatch(/#\d/);
    expect(markdown).not.toMatch(/https?:\/\/evil|www\.evil/);
    expect(markdown).toContain('Fix @\u200bacme/netops see https\u200b://evil.example/x and #\u200b1');
    expect(markdown).toContain(
      'ping @\u200balice at www\u200b.evil.example or http\u200b://evil.example, see #\u200b22',
    );
  });
});
