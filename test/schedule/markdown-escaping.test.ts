// @vitest-environment jsdom
/**
 * `schedule --format markdown`: a proposal's text in the table stays text where GitHub renders it
 * (no link, mention, issue reference, bare URL or HTML), and the gantt's bars have their real length
 * across the fall-back DST change (checked with mermaid's own parser; it needs a DOM, hence jsdom).
 */
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { renderResult } from '../../src/reporters/registry.js';
import type { Schedule, ScheduleEntry } from '../../src/schedule/model.js';

function entry(id: string, title: string, startIso: string, minutes: number): ScheduleEntry {
  const startMs = Date.parse(startIso);
  return {
    id,
    file: `changes/${id}.yaml`,
    title,
    type: 'normal',
    domain: 'switching',
    requester: { team: 'partner-noc', github: 'dana' },
    startMs,
    endMs: startMs + minutes * 60_000,
    occupiedEndMs: startMs + minutes * 60_000,
    timezone: 'America/Chicago',
    devices: ['sw-1'],
    sites: ['hq'],
    stacks: [],
    source: { kind: 'repository' },
    state: 'ready',
    conflicts: [],
    revision: 1,
  };
}

function schedule(changes: ScheduleEntry[]): Schedule {
  return {
    from: '2026-10-31T00:00:00Z',
    until: '2026-12-17T00:00:00Z',
    timezone: 'America/Chicago',
    changes,
    windows: [],
    conflicts: [],
  };
}

describe('schedule markdown table', () => {
  it('shows a title with a link, a mention, an issue reference, a bare URL and HTML as text', async () => {
    const title = '[Approve](https://evil.example/a) @acme/netops #1 see https://evil.example <!-- hide';

    const markdown = await renderResult(
      'schedule',
      'markdown',
      schedule([entry('CHG-1', title, '2026-12-12T08:00:00Z', 60)]),
    );

    const row = markdown.split('\n').find((line) => line.includes('CHG-1') && line.startsWith('|')) ?? '';
    expect(row).toContain('\\[Approve\\]');
    expect(row).not.toMatch(/[^\\]\]\(/);
    expect(row).toContain('@\u200bacme/netops');
    expect(row).toContain('#\u200b1');
    expect(row).not.toMatch(/https?:\/\//);
    expect(row).not.toMatch(/(^|[^\\])<!--/);
  });
});

describe('schedule markdown gantt across the fall-back change (1 Nov 2026, America/Chicago)', () => {
  it('draws each change with its real length', async () => {
    const markdown = await renderResult(
      'schedule',
      'markdown',
      schedule([
        // 01:30 CDT for 1 h ends at 01:30 CST; 00:30 CDT for 2 h ends at 01:30 CST too.
        entry('CHG-A', 'one hour in the repeated hour', '2026-11-01T06:30:00Z', 60),
        entry('CHG-B', 'two hours over the change', '2026-11-01T05:30:00Z', 120),
      ]),
    );

    const block = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';
    await expect(mermaid.parse(block)).resolves.toMatchObject({ diagramType: 'gantt' });
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(block);
    const tasks = (
      diagram.db as unknown as { getTasks(): { task: string; startTime: Date; endTime: Date }[] }
    ).getTasks();
    const minutes = Object.fromEntries(
      tasks.map((task) => [
        task.task.split(' ')[0],
        (task.endTime.getTime() - task.startTime.getTime()) / 60_000,
      ]),
    );
    expect(minutes).toEqual({ 'CHG-A': 60, 'CHG-B': 120 });
  });
});
