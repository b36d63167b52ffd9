import { describe, expect, it } from 'vitest';
import { cabCard, cabPack } from '../../../test/support/cab-pack.js';
import type { CabCard } from '../../cab/pack.js';
import { GITHUB_LIMITS } from '../../github/limits.js';
import { renderCabMarkdown } from './markdown.js';

function card(index: number, risk: 'high' | 'medium'): CabCard {
  return cabCard({
    id: `CHG-${String(index).padStart(4, '0')}`,
    file: `changes/chg-${index}.yaml`,
    title: `Rework the plant backbone segment ${index} ${'x'.repeat(200)}`,
    risk: { declared: risk, effective: risk, reasons: [] },
  });
}

describe('renderCabMarkdown', () => {
  it('stays within GitHub issue body limit, cutting at a line and keeping high risk first', () => {
    const cards = [
      ...Array.from({ length: 150 }, (_, index) => card(index, 'high')),
      ...Array.from({ length: 150 }, (_, index) => card(1000 + index, 'medium')),
    ];

    const markdown = renderCabMarkdown(cabPack(cards));

    expect(markdown.length).toBeLessThanOrEqual(GITHUB_LIMITS.commentSection);
    expect(markdown).toMatch(/\n> \*\*Truncated:\*\* [\d,]+ more characters of this pack do not fit/);
    expect(markdown).toContain('--format json');
    expect(markdown).toContain('##### CHG-0000');
    expect(markdown).not.toContain('##### CHG-1149');
  });

  it('says what is missing instead of leaving sections empty', () => {
    const markdown = renderCabMarkdown(cabPack([]));

    expect(markdown).toContain('#### Failed, rolled back and interrupted (0)\n\nNone.');
    expect(markdown).toContain('Drift not configured');
    expect(markdown).toContain('No pending change needs the board.');
    expect(markdown).toContain('Nothing is scheduled.');
    expect(markdown).not.toContain('Truncated');
  });

  it('keeps a bare URL, www., #12 and @team in proposal text from linking in the GitHub issue', () => {
    const tricked: CabCard = {
      ...card(1, 'high'),
      title: 'Rework OSPF [x](https://evil.example) see www.evil.example, #12 and @netops',
      rollback: 'restore from http://evil.example/restore',
    };

    const markdown = renderCabMarkdown(cabPack([tricked]));

    expect(markdown).toContain(
      '##### CHG-0001 Rework OSPF \\[x\\](https\u200b://evil.example) see www\u200b.evil.example, #\u200b12 and @\u200bnetops',
    );
    expect(markdown).toContain('- **rollback plan:** restore from http\u200b://evil.example/restore');
    expect(markdown).not.toMatch(/https?:\/\/evil|www\.evil|#12|@netops/);
  });
});
