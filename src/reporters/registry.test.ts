import { describe, expect, it } from 'vitest';
import { NetchangeError } from '../core/errors.js';
import { REPORT_FORMATS, renderReport } from './index.js';
import { formatChoices, REPORTERS, type ResultKind, renderResult } from './registry.js';
import { VALIDATION_FORMATS } from './validation/formats.js';

const KINDS = Object.keys(REPORTERS) as ResultKind[];

describe('the reporter registry', () => {
  it('has a table for every result kind the CLI prints', () => {
    expect(KINDS).toEqual([
      'validation',
      'plan',
      'apply',
      'digest',
      'export',
      'controls',
      'calendar',
      'verify',
      'next',
      'drift',
      'cab',
      'schedule',
      'policy',
    ]);
  });

  it.each([
    ['validation', ['text', 'json', 'sarif', 'junit', 'markdown', 'github']],
    ['plan', ['text', 'json', 'markdown']],
    ['apply', ['text', 'json']],
    ['digest', ['text', 'markdown', 'json']],
    ['export', ['csv', 'json']],
    ['calendar', ['text', 'json', 'ics']],
    ['verify', ['text', 'json']],
    ['next', ['text', 'json']],
    ['drift', ['text', 'json', 'markdown']],
    ['cab', ['markdown', 'json']],
    ['schedule', ['text', 'json', 'ics', 'markdown']],
    ['controls', ['csv', 'json']],
    ['policy', ['text', 'json']],
  ] as const)('lists the %s formats in the order --help shows them', (kind, formats) => {
    expect(formatChoices(kind)).toEqual(formats);
  });

  it.each(KINDS)('loads a render function for every %s format', async (kind) => {
    const table: Record<string, () => Promise<unknown>> = REPORTERS[kind];

    const loaded = await Promise.all(formatChoices(kind).map((format) => table[format]?.()));

    for (const reporter of loaded) expect(reporter).toBeTypeOf('function');
  });

  it('refuses a format the kind does not have as a usage error naming the ones it has', async () => {
    const attempt = renderResult('verify', 'csv', { ok: true, checked: 0 });

    await expect(attempt).rejects.toBeInstanceOf(NetchangeError);
    await expect(attempt).rejects.toMatchObject({
      code: 'E_USAGE',
      message: "--format 'csv' is not supported",
      hint: 'Use one of: text, json.',
    });
  });

  it('does not take an inherited property name for a format', async () => {
    await expect(renderResult('next', 'constructor', {} as never)).rejects.toMatchObject({
      code: 'E_USAGE',
    });
  });

  it('renders validation synchronously with exactly the registered formats', () => {
    expect(Object.keys(VALIDATION_FORMATS)).toEqual(formatChoices('validation'));
    expect(REPORT_FORMATS).toEqual(formatChoices('validation'));
  });

  it('renders the same validation text through the registry and through renderReport', async () => {
    const report = {
      schemaVersion: 1 as const,
      tool: { name: 'netchange' as const, version: '0.0.0' },
      evaluatedAt: '2026-11-29T07:00:00.000Z',
      ok: true,
      proposals: [],
      findings: [],
      withdrawn: [],
      summary: { proposals: 0, passed: 0, failed: 0, errors: 0, warnings: 0 },
    };

    const viaRegistry = await renderResult('validation', 'text', { report, color: false });

    expect(viaRegistry).toBe(renderReport(report, 'text', { color: false }));
    expect(viaRegistry).toBe('\n0 proposals (0 errors, 0 warnings)\n');
  });
});
