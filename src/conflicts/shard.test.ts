import { describe, expect, it } from 'vitest';
import type { ChangeSubject } from '../core/model.js';
import type { ConflictRules } from './find.js';
import { orderWaves, parseShard, selectShard, shardKeys, stableHash } from './shard.js';

const T0 = Date.parse('2026-12-06T08:00:00Z');
const HOUR = 3_600_000;

/** A loaded proposal with only what sharding reads: file, id, start and devices. */
function subject(id: string, devices: string[], startHour = 0): ChangeSubject {
  return {
    file: `changes/${id}.yaml`,
    startMs: T0 + startHour * HOUR,
    endMs: T0 + (startHour + 1) * HOUR,
    rollbackMs: 0,
    timezone: 'UTC',
    proposal: {
      id,
      title: id,
      type: 'normal',
      domain: 'switching',
      requester: { team: 'netops', github: 'alice' },
      targets: { devices },
      execution: [],
    },
  } as unknown as ChangeSubject;
}

const RULES: ConflictRules = {
  redundancyGroups: [
    { name: 'core-pair', devices: ['core-0[12]'] },
    { name: 'dist-pair', devices: ['dist-*'] },
  ],
  maxConcurrentChanges: new Map(),
};

describe('parseShard', () => {
  it.each(['1/1', '3/8', '256/256'])('accepts %s', (value) => {
    const [index, count] = value.split('/').map(Number);

    expect(parseShard(value)).toEqual({ index, count });
  });

  it.each([
    ['0001/2', { index: 1, count: 2 }],
    ['01/08', { index: 1, count: 8 }],
    ['2/0256', { index: 2, count: 256 }],
  ])('reads leading zeros in %s as the same numbers', (value, shard) => {
    expect(parseShard(value)).toEqual(shard);
  });

  it.each([
    ['0/4', 'K must be between 1 and N'],
    ['5/4', 'K must be between 1 and N'],
    ['1/0', 'N must be between 1 and 256'],
    ['1/257', 'N must be between 1 and 256'],
    ['1000/1000', 'N must be between 1 and 256'],
    ['1/99999999999999999999', 'N must be between 1 and 256'],
    ['1000/8', 'K must be between 1 and N (8)'],
    ['0/0000', 'N must be between 1 and 256'],
    ['2', 'is not K/N'],
    ['a/b', 'is not K/N'],
    ['-1/4', 'is not K/N'],
  ])('refuses %s as a usage error', (value, message) => {
    expect(() => parseShard(value)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => parseShard(value)).toThrow(message);
  });
});

describe('selectShard', () => {
  const subjects = [
    ...Array.from({ length: 40 }, (_, index) => subject(`CHG-${index}`, [`sw-${index}`])),
    subject('CORE-A', ['core-01']),
    subject('CORE-B', ['core-02']),
    subject('BRIDGE', ['core-01', 'dist-07']),
    subject('DIST', ['dist-03']),
  ];

  it.each([1, 2, 3, 7, 256])('puts every proposal in exactly one of %i shards', (count) => {
    const shards = Array.from({ length: count }, (_, index) =>
      selectShard(subjects, { index: index + 1, count }, RULES).map((one) => one.proposal.id),
    );

    expect(shards.flat().sort()).toEqual(subjects.map((one) => one.proposal.id).sort());
  });

  it('keeps a redundancy group, and a group joined to it by one proposal, in one shard', () => {
    const keys = shardKeys(subjects, RULES);

    expect(
      new Set(['CORE-A', 'CORE-B', 'BRIDGE', 'DIST'].map((id) => keys.get(`changes/${id}.yaml`))),
    ).toEqual(new Set(['group:core-pair']));
    expect(keys.get('changes/CHG-3.yaml')).toBe('changes/CHG-3.yaml');
  });

  it('splits by a stable FNV-1a hash, the same on every runner', () => {
    expect(stableHash('')).toBe(0x811c9dc5);
    expect(stableHash('a')).toBe(0xe40c292c);
    expect(stableHash('changes/chg-0142.yaml')).toBe(stableHash('changes/chg-0142.yaml'));
  });
});

describe('orderWaves', () => {
  it('puts the members of one redundancy group in successive waves, by start then id', () => {
    const waves = orderWaves(
      [
        subject('CORE-B', ['core-02'], 1),
        subject('LONE', ['sw-9'], 5),
        subject('CORE-A', ['core-01'], 1),
        subject('CORE-C', ['core-01'], 0),
      ],
      RULES,
    );

    expect(waves.map((wave) => wave.map((one) => one.proposal.id))).toEqual([
      ['CORE-C', 'LONE'],
      ['CORE-A'],
      ['CORE-B'],
    ]);
  });
});
