import { describe, expect, it } from 'vitest';
import { evidenceDraft } from '../../../test/audit/drafts.js';
import { chainRecord } from '../../audit/chain.js';
import { exportCsv } from './csv.js';

describe('exportCsv', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1 VLAN', "'+1 VLAN"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2 ports', "'-2 ports"],
    ['plain, with comma', '"plain, with comma"'],
  ])('writes the title %s as text a spreadsheet does not run', (title, cell) => {
    const base = evidenceDraft();
    const record = chainRecord(
      evidenceDraft({ proposal: { ...base.proposal, title } }),
      undefined,
      new Date('2026-11-22T09:00:00Z'),
    );

    const [, row] = exportCsv([record]).split('\r\n');

    expect(row?.split(',').slice(5).join(',')).toContain(cell);
  });

  it('writes only the header when there are no records', () => {
    expect(exportCsv([]).split('\r\n').filter(Boolean)).toHaveLength(1);
  });
});
