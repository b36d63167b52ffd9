import { describe, expect, it } from 'vitest';
import { SLACK_LIMITS, TEAMS_LIMITS } from '../../src/notify/limits.js';
import type { Notification } from '../../src/notify/model.js';
import { DEFAULT_RETRY_POLICY, decideRetry, retryAfterMs } from '../../src/notify/retry.js';
import { buildSlackMessage } from '../../src/notify/slack.js';
import { cabPackProblem, describeCabMarkdown } from '../../src/notify/sources/cab.js';
import { buildTeamsMessage } from '../../src/notify/teams.js';
import { checkSlackPayload, checkTeamsPayload } from './webhook-receiver.js';

function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    title: 'netchange digest',
    summary: '3 changes: 1 failed, 2 succeeded.',
    tone: 'attention',
    facts: [{ label: 'Changes', value: '3' }],
    sections: [{ heading: 'Failed, rolled back and interrupted', lines: ['FAILED  CHG-13 SD-WAN policy'] }],
    link: { label: 'Full digest', url: 'https://github.com/acme/network/issues/7' },
    ...overrides,
  };
}

describe('Slack payload', () => {
  it('is valid Block Kit with the summary, facts, sections and the link last', () => {
    const message = buildSlackMessage(notification());

    expect(checkSlackPayload(message)).toEqual([]);
    expect(message.blocks?.map((block) => block.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
    ]);
    expect(JSON.stringify(message.blocks?.at(-1))).toContain(
      '<https://github.com/acme/network/issues/7|Full digest>',
    );
  });

  it('cuts a long section to 3000 characters and says how many lines were left out', () => {
    const lines = Array.from(
      { length: 400 },
      (_, index) => `OK  CHG-${index} a change with a long enough title`,
    );

    const message = buildSlackMessage(notification({ sections: [{ heading: 'Other changes', lines }] }));

    expect(checkSlackPayload(message)).toEqual([]);
    const text = JSON.stringify(message.blocks?.[3]);
    expect(text).toMatch(/… and \d+ more/);
    expect(text.length).toBeLessThan(SLACK_LIMITS.sectionText + 200);
  });

  it('keeps at most 50 blocks, the link included, however many sections there are', () => {
    const sections = Array.from({ length: 80 }, (_, index) => ({
      heading: `Site ${index}`,
      lines: ['one change'],
    }));

    const message = buildSlackMessage(notification({ sections }));

    expect(checkSlackPayload(message)).toEqual([]);
    expect(message.blocks).toHaveLength(50);
    expect(message.blocks?.at(-1)?.type).toBe('context');
    expect(JSON.stringify(message.blocks?.at(-2))).toContain('more sections');
  });

  it('escapes the three characters Slack reads as markup', () => {
    const message = buildSlackMessage(notification({ summary: 'a <b> & c' }));

    expect(JSON.stringify(message.blocks?.[1])).toContain('a &lt;b&gt; &amp; c');
  });
});

describe('Teams payload', () => {
  it('is one Adaptive Card that Microsoft’s parser reads without a complaint', () => {
    const message = buildTeamsMessage(notification());

    expect(checkTeamsPayload(message)).toEqual([]);
    const card = message.attachments[0]?.content;
    expect(card?.actions).toEqual([
      { type: 'Action.OpenUrl', title: 'Full digest', url: 'https://github.com/acme/network/issues/7' },
    ]);
    expect(card?.body[1]).toMatchObject({ color: 'Attention', text: '3 changes: 1 failed, 2 succeeded.' });
  });

  it('stays under the Teams payload limit by dropping the last sections, and says so', () => {
    const sections = Array.from({ length: 40 }, (_, index) => ({
      heading: `Section ${index}`,
      lines: Array.from({ length: 60 }, (_, line) => `line ${line} of section ${index} with some words`),
    }));

    const message = buildTeamsMessage(notification({ sections }));

    expect(checkTeamsPayload(message)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(TEAMS_LIMITS.payloadBytes);
    expect(JSON.stringify(message)).toMatch(/… and \d+ more sections/);
  });
});

describe('retries', () => {
  const now = Date.parse('2026-11-22T08:00:00Z');

  it.each([
    [
      { attempt: 1, status: 429, retryAfter: '2' },
      { retry: true, delayMs: 2000 },
    ],
    [
      { attempt: 1, status: 429, retryAfter: 'Sun, 22 Nov 2026 08:00:05 GMT' },
      { retry: true, delayMs: 5000 },
    ],
    [
      { attempt: 1, status: 429, retryAfter: '3600' },
      { retry: false, reason: 'retry-after-too-long' },
    ],
    [
      { attempt: 2, status: 429 },
      { retry: true, delayMs: 2000 },
    ],
    [
      { attempt: 1, status: 503 },
      { retry: true, delayMs: 1000 },
    ],
    [
      { attempt: 3, status: 500 },
      { retry: true, delayMs: 4000 },
    ],
    [{ attempt: 1 }, { retry: true, delayMs: 1000 }],
    [
      { attempt: 4, status: 500 },
      { retry: false, reason: 'attempts-exhausted' },
    ],
    [
      { attempt: 1, status: 400 },
      { retry: false, reason: 'client-error' },
    ],
    [
      { attempt: 1, status: 404 },
      { retry: false, reason: 'client-error' },
    ],
  ])('after %o: %o', (failure, expected) => {
    expect(decideRetry(failure, DEFAULT_RETRY_POLICY, now)).toEqual(expected);
  });

  it('reads an unreadable Retry-After as absent', () => {
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});

describe('CAB pack from markdown', () => {
  it('takes the title, one section per second-level heading, and its items or cards', () => {
    const markdown = [
      '# CAB pack for Tue 1 Dec 2026',
      '## Since the last meeting',
      '- FAILED CHG-13 SD-WAN policy',
      '- **EMERGENCY** CHG-12 [core reload](https://example.test/12)',
      '## To assess',
      '### CHG-20 Replace core switch (high)',
      'details',
      '### CHG-21 Firewall cleanup (medium)',
    ].join('\n');

    const described = describeCabMarkdown(markdown);

    expect(described.title).toBe('CAB pack for Tue 1 Dec 2026');
    expect(described.summary).toBe('Since the last meeting: 2; To assess: 2.');
    expect(described.sections[0]?.lines).toEqual([
      'FAILED CHG-13 SD-WAN policy',
      'EMERGENCY CHG-12 core reload',
    ]);
    expect(described.sections[1]?.lines).toEqual([
      'CHG-20 Replace core switch (high)',
      'CHG-21 Firewall cleanup (medium)',
    ]);
  });
});

describe('CAB pack from JSON', () => {
  it.each([
    [
      { meeting: 'Tue 1 Dec 2026', toAssess: [{ id: 'CHG-20', title: 'Replace core switch' }] },
      "it has no 'schemaVersion: 1'",
    ],
    [{ title: 'x', a: [1] }, "it has no 'schemaVersion: 1'"],
    [{ schemaVersion: 1, tool: { name: 'netchange' }, proposals: [] }, "it has no 'meeting' time"],
    [
      { schemaVersion: 1, meeting: '2026-12-10T00:00:00Z', toAssess: [], failures: [] },
      "it has no 'emergencies' list",
    ],
    [
      {
        schemaVersion: 1,
        meeting: '2026-12-10T00:00:00Z',
        toAssess: [{ id: 'CHG-1' }],
        failures: [],
        emergencies: [],
      },
      "an entry of 'toAssess' is not a card",
    ],
  ])('refuses what is not a pack: %j', (value, problem) => {
    expect(cabPackProblem(value)).toBe(problem);
  });
});

describe('describeCabMarkdown on the pack netchange cab writes', () => {
  it('counts heading levels from the title, so ## title / ### sections / #### groups read as sections', () => {
    const notification = describeCabMarkdown(
      '## netchange CAB pack: Thu 3 Dec 2026 15:00 CST (21:00Z)\n\n### Since the last meeting\n\n#### Failed (1)\n\n- CHG-1 Add VLAN 40: failed\n\n### To assess\n\n#### CHG-2 Core OSPF (high)\n',
    );

    expect(notification.title).toBe('netchange CAB pack: Thu 3 Dec 2026 15:00 CST (21:00Z)');
    expect(notification.sections).toEqual([
      { heading: 'Since the last meeting', lines: ['Failed (1): CHG-1 Add VLAN 40: failed'] },
      { heading: 'To assess', lines: ['CHG-2 Core OSPF (high)'] },
    ]);
  });
});
