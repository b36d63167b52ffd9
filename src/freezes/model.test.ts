import { describe, expect, it } from 'vitest';
import type { ChangeSubject } from '../core/model.js';
import { freezeIssue, freezeOfIssue } from './github.js';
import { type Freeze, freezeHolds, toFreeze } from './model.js';

const FREEZE: Freeze = {
  id: 'FRZ-1',
  sites: ['plant-a'],
  devices: [],
  until: '2026-11-29T18:00:00Z',
  reason: 'INC-0042',
  by: 'frank',
  createdAt: '2026-11-29T06:00:00Z',
};

function subject(
  type: 'standard' | 'normal' | 'emergency',
  sites: string[],
  resolvedHosts: string[] = [],
): ChangeSubject {
  return {
    file: 'changes/x.yaml',
    proposal: { type, targets: { sites, devices: [] } },
    resolvedHosts,
  } as unknown as ChangeSubject;
}

describe('freezeHolds', () => {
  const before = new Date('2026-11-29T12:00:00Z');

  it.each([
    ['a change at the frozen site', FREEZE, subject('normal', ['plant-a']), before, true],
    [
      'an emergency too, when the freeze names no types',
      FREEZE,
      subject('emergency', ['plant-a']),
      before,
      true,
    ],
    ['a change at another site', FREEZE, subject('normal', ['plant-b']), before, false],
    [
      'once until has passed',
      FREEZE,
      subject('normal', ['plant-a']),
      new Date('2026-11-29T18:00:00Z'),
      false,
    ],
    [
      'once lifted',
      { ...FREEZE, liftedAt: '2026-11-29T10:00:00Z' },
      subject('normal', ['plant-a']),
      before,
      false,
    ],
    [
      'a type the freeze leaves out',
      { ...FREEZE, types: ['normal' as const] },
      subject('emergency', ['plant-a']),
      before,
      false,
    ],
    [
      'a device a step reaches',
      { ...FREEZE, sites: [], devices: ['sw-9'] },
      subject('normal', ['plant-b'], ['sw-9']),
      before,
      true,
    ],
  ])('%s', (_name, freeze, change, at, holds) => {
    expect(freezeHolds(freeze, change, at)).toBe(holds);
  });
});

describe('toFreeze and the issue block', () => {
  it.each([
    ['no scope', { id: 'x', until: '2026-11-29T18:00:00Z', sites: [] }],
    ['no until', { id: 'x', sites: ['a'] }],
    ['a bad until', { id: 'x', sites: ['a'], until: 'tomorrow' }],
    ['not an object', 'plant-a'],
  ])('refuses %s', (_name, value) => {
    expect(toFreeze(value)).toBeUndefined();
  });

  it('reads back the freeze an issue was opened with; an issue without the block is no freeze', () => {
    const { body } = freezeIssue(FREEZE, 'Sun 29 Nov 2026 12:00 CST (18:00Z)');
    const issue = { number: 42, title: 't', body, state: 'open' as const, labels: ['netchange-freeze'] };

    expect(freezeOfIssue(issue)).toEqual({ ...FREEZE, id: '#42' });
    expect(freezeOfIssue({ ...issue, body: 'please freeze plant-a' })).toBeUndefined();
  });
});
