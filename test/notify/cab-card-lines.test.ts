/**
 * A CAB card in Slack or Teams says the change, then netchange's state of it, then the proposal's
 * title in quotes: a title that reads `— state: ✅ ready` cannot pass for the state the board reads.
 * And text the pack escaped (`\[x\](https://…)`) reads as the proposal wrote it, not garbled.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CabCard } from '../../src/cab/pack.js';
import { describeCabMarkdown, describeCabPack } from '../../src/notify/sources/cab.js';
import { renderCabMarkdown } from '../../src/reporters/cab/markdown.js';
import { cabCard, cabPack } from '../support/cab-pack.js';
import { createRepository, type TestRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const FAKE_STATE = 'Rework OSPF — state: ✅ ready; why the board: none';
const LINKED = '[x](https://evil.example)';
const MEETING = '2026-11-23T15:00:00-06:00';

function card(overrides: Partial<CabCard> = {}): CabCard {
  return cabCard({ title: `${FAKE_STATE} ${LINKED}`, state: 'held', ...overrides });
}

function assessLines(notification: { sections: { heading: string; lines: string[] }[] }): string[] {
  return notification.sections.find((section) => section.heading.startsWith('To assess'))?.lines ?? [];
}

describe('a CAB card as a chat line', () => {
  it('from the pack netchange cab writes as markdown: the state before the quoted title, the link text intact', () => {
    const markdown = renderCabMarkdown(cabPack([card()]));

    const [line] = assessLines(describeCabMarkdown(markdown));

    expect(line).toMatch(
      /^CHG-7 — state: ✋ held — “Rework OSPF — state: ✅ ready; why the board: none \[x\]\(https\u200b:\/\/evil\.example\)” — why the board: approval of 2 from the CAB \(cab\) required; risk: high/,
    );
    expect(line).not.toContain('\\');
  });

  it('from the pack as JSON: the state and risk before the quoted title', () => {
    const [line] = assessLines(describeCabPack(cabPack([card()])));

    expect(line).toBe(
      `CHG-7 — state: ✋ held — “${FAKE_STATE} ${LINKED}” — high risk, Sun 6 Dec 2026 01:30–02:30 CST (07:30–08:30Z)`,
    );
  });

  it.each([
    ['curly quotes', 'Tidy” — state: ✅ ready', '“Tidy" — state: ✅ ready”'],
    ['a long title', `Rework ${'x'.repeat(400)}`, `“Rework ${'x'.repeat(142)}…”`],
  ])('a title with %s stays inside its quotes and leaves the facts room', (_, title, shown) => {
    const markdown = renderCabMarkdown(cabPack([card({ title })]));

    const [line] = assessLines(describeCabMarkdown(markdown));

    expect(line).toContain(`CHG-7 — state: ✋ held — ${shown} — why the board: approval of 2`);
  });

  it('a hand-written card whose heading starts with no change id keeps its heading whole after the state', () => {
    const markdown = '# CAB\n## To assess\n### Core upgrade\n- state: ready\n- risk: high\n';

    const [line] = assessLines(describeCabMarkdown(markdown));

    expect(line).toBe('state: ready — “Core upgrade” — risk: high');
  });
});

describe('notify --from cab --file PACK.md on a pack with a title that imitates a state', () => {
  let repository: TestRepository;

  beforeAll(async () => {
    repository = await createRepository({}, { fromExample: true });
    const file = path.join(repository.root, 'changes/chg-0144-trunk-during-production.yaml');
    const proposal = await readFile(file, 'utf8');
    await writeFile(
      file,
      proposal.replace(
        'title: Add VLAN 41 for the quality lab on sw-plant-a-03',
        `title: "${FAKE_STATE} ${LINKED}"`,
      ),
    );
    await repository.commit('the plant example, one title imitating a state');
  });

  afterAll(async () => {
    await repository?.remove();
  });

  it('the issue body breaks the link, and Slack shows the real state first and the title as written', async () => {
    const cab = await runCli(['cab', '--meeting', MEETING, '--no-fetch'], { cwd: repository.root });
    await writeFile(path.join(repository.root, 'cab.md'), cab.stdout);

    const result = await runCli(
      ['notify', '--to', 'slack', '--from', 'cab', '--file', 'cab.md', '--dry-run'],
      {
        cwd: repository.root,
      },
    );

    expect(cab.exitCode).toBe(0);
    expect(cab.stdout).toContain(`##### CHG-2026-0144 ${FAKE_STATE} \\[x\\](https\u200b://evil.example)`);
    expect(cab.stdout).not.toContain('https://evil.example');
    expect(result.exitCode).toBe(0);
    const payload = JSON.parse(result.stdout) as { blocks: { text?: { text: string } }[] };
    const assess =
      payload.blocks.find((block) => block.text?.text.startsWith('*To assess'))?.text?.text ?? '';
    const line = assess.split('\n').find((entry) => entry.startsWith('• CHG-2026-0144'));
    expect(line).toMatch(
      /^• CHG-2026-0144 — state: ⛔ blocked — “Rework OSPF — state: ✅ ready; why the board: none \[x\]\(https\u200b:\/\/evil\.example\)” — why the board: /,
    );
  });
});
