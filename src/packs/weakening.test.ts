import { describe, expect, it } from 'vitest';
import { describeWeakening } from './weakening.js';

const WINDOW = {
  name: 'plant-a-production',
  effect: 'deny',
  scope: { sites: ['plant-a', 'plant-b'] },
  schedule: { rrule: 'FREQ=DAILY', start: '06:00', duration: 'PT16H' },
};

const REVIEW = {
  name: 'nsc-configuration-review',
  every: 'P6M',
  paths: ['reviews/nsc/**', 'playbooks/firewall/**'],
};

describe('describeWeakening', () => {
  it.each([
    [
      'a periodic review made less frequent',
      'reviews',
      REVIEW,
      { ...REVIEW, every: 'P1Y' },
      ['makes every longer (P6M → P1Y)'],
    ],
    [
      'a periodic review that stops looking at a path',
      'reviews',
      REVIEW,
      { ...REVIEW, paths: ['reviews/nsc/**'] },
      ['stops reviewing playbooks/firewall/**'],
    ],
    ['a periodic review made more frequent', 'reviews', REVIEW, { ...REVIEW, every: 'P3M' }, []],
    [
      'a window narrowed to one site',
      'windows',
      WINDOW,
      { ...WINDOW, scope: { sites: ['plant-a'] } },
      ['drops plant-b from scope.sites'],
    ],
    [
      'a window scoped to a domain it did not limit',
      'windows',
      WINDOW,
      { ...WINDOW, scope: { ...WINDOW.scope, domains: ['ot'] } },
      ['narrows scope.domains to ot'],
    ],
    [
      'a deny window that approvals may now override',
      'windows',
      WINDOW,
      { ...WINDOW, override: { approvals: [{ team: 'plant-ops', count: 1 }] } },
      ['lets approvals override it'],
    ],
    [
      'a lower severity',
      'rules',
      { name: 'r', assert: 'true', message: 'm' },
      { name: 'r', assert: 'true', message: 'm', severity: 'note' },
      ['lowers severity from error to note'],
    ],
    [
      'a lower count',
      'approvals',
      { name: 'a', require: [{ team: 'cab', count: 2 }] },
      { name: 'a', require: [{ team: 'cab', count: 1 }] },
      ['lowers the approvals from team cab from 2 to 1'],
    ],
    [
      'a narrower match',
      'approvals',
      { name: 'a', when: { risks: ['medium', 'high'] }, require: [{ team: 'cab' }] },
      { name: 'a', when: { risks: ['high'] }, require: [{ team: 'cab' }] },
      ['drops medium from when.risks'],
    ],
    [
      'a lower risk floor',
      'risk.rules',
      { name: 'core', when: 'x', atLeast: 'high', reason: 'r' },
      { name: 'core', when: 'x', atLeast: 'medium', reason: 'r' },
      ['lowers atLeast from high to medium'],
    ],
    [
      'a shorter lead time',
      'changeTypes',
      { leadTime: 'P2D' },
      { leadTime: 'PT12H' },
      ['makes leadTime shorter (P2D → PT12H)'],
    ],
    [
      'emergencies without an incident',
      'changeTypes',
      { requireIncident: true },
      { requireIncident: false },
      ['no longer requires an incident'],
    ],
    ['separation of duties off', 'separationOfDuties', true, false, ['turns separation of duties off']],
  ])('%s is a weakening', (_case, section, before, after, expected) => {
    expect(describeWeakening(section, before, after)).toEqual(expected);
  });

  it.each([
    ['a wider window', 'windows', WINDOW, { ...WINDOW, scope: { sites: ['plant-a', 'plant-b', 'plant-c'] } }],
    [
      'a higher count and a wider match',
      'approvals',
      { name: 'a', when: { risks: ['high'] }, require: [{ team: 'cab', count: 1 }] },
      { name: 'a', require: [{ team: 'cab', count: 3 }] },
    ],
    [
      'a higher severity',
      'rules',
      { name: 'r', assert: 'true', message: 'm', severity: 'warning' },
      { name: 'r', assert: 'true', message: 'm' },
    ],
    ['a longer lead time', 'changeTypes', { leadTime: 'P1D' }, { leadTime: 'P3D' }],
    [
      "a changed team (the organisation's own fact)",
      'teams',
      { kind: 'internal', members: ['a'] },
      { kind: 'internal', members: ['b'] },
    ],
  ])('%s is not', (_case, section, before, after) => {
    expect(describeWeakening(section, before, after)).toEqual([]);
  });
});
