import { describe, expect, it } from 'vitest';
import type { DriftReport } from '../../drift/model.js';
import { renderDriftMarkdown } from './markdown.js';
import { renderDriftText } from './text.js';

const REPORT: DriftReport = {
  schemaVersion: 1,
  tool: { name: 'netchange', version: '0.0.0' },
  checkedAt: '2026-12-01T08:00:00Z',
  ok: true,
  commit: '0123456789abcdef',
  ref: 'origin/main',
  targets: [],
  findings: [],
  summary: { targets: 0, drifted: 0, inSync: 0, ignored: 0, errors: 0 },
};

describe('the drift report says when it checked in the one display format', () => {
  it.each([
    ['America/Chicago', 'checked Tue 1 Dec 2026 02:00 CST (08:00Z)'],
    [undefined, 'checked Tue 1 Dec 2026 08:00 UTC'],
  ])('in the repository zone %s, in text and markdown', (timeZone, checked) => {
    const output = { report: REPORT, color: false, ...(timeZone ? { timeZone } : {}) };

    const text = renderDriftText(output);
    const markdown = renderDriftMarkdown(output);

    expect(text.split('\n')[0]).toBe(`Drift against origin/main (0123456789ab), ${checked}`);
    expect(markdown).toContain(`Intended state: \`origin/main (0123456789ab)\`, ${checked}.`);
    expect(`${text}${markdown}`).not.toContain('2026-12-01T08:00');
  });
});
