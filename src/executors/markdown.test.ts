import { describe, expect, it } from 'vitest';
import { codeCell, escapeCell } from './markdown.js';

const FORGED = 'x`</td></tr></table><h1>APPROVED by CAB</h1><!-- ';

describe('table cells from untrusted text', () => {
  it('show HTML as text and keep the cell whole', () => {
    const cell = escapeCell(`${FORGED}a\\|b\nc & d`);

    expect(cell).not.toMatch(/[<>|`\n]/);
    expect(cell).toBe(
      'x&#96;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;h1&gt;APPROVED by CAB&lt;/h1&gt;&lt;!-- a&#92;&#124;b c &amp; d',
    );
  });

  it.each([
    ['terraform_data.keep', '`terraform_data.keep`'],
    ['terraform_data.x["a<b>"]', '`terraform_data.x["a<b>"]`'],
    [`terraform_data.x["${FORGED}"]`, `<code>${escapeCell(`terraform_data.x["${FORGED}"]`)}</code>`],
    ['a\\|b', '<code>a&#92;&#124;b</code>'],
  ])('shows %j as code that cannot end its span or the cell', (text, expected) => {
    expect(codeCell(text)).toBe(expected);
  });
});
