// @vitest-environment jsdom
/**
 * The markdown's Mermaid gantt blocks, checked with mermaid's own parser (it needs a DOM, hence
 * jsdom for this file only).
 */
import mermaid from 'mermaid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { scheduleRepository } from './fixture.js';

let repository: TestRepository;

beforeAll(async () => {
  repository = await scheduleRepository();
});
afterAll(async () => {
  await repository?.remove();
});

describe('netchange schedule --format markdown', () => {
  it('writes one gantt per site that mermaid parses, with windows and changes on one timeline', async () => {
    const result = await runCli(
      ['schedule', '--from', '2026-10-20T00:00:00Z', '--days', '30', '--format', 'markdown'],
      { cwd: repository.root },
    );

    expect(result.exitCode).toBe(0);
    const blocks = [...result.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    expect(blocks).toHaveLength(1);
    for (const block of blocks) {
      await expect(mermaid.parse(block)).resolves.toMatchObject({ diagramType: 'gantt' });
    }
    expect(blocks[0]).toContain('section windows');
    expect(blocks[0]).toContain('section changes');
  });

  it('is a check that can fail: a task without its data is a parse error', async () => {
    await expect(
      mermaid.parse('gantt\n  dateFormat YYYY-MM-DD HH:mm\n  section changes\n  CHG-1 no data'),
    ).rejects.toThrow(/Parse error/);
  });
});
