import { describe, expect, it } from 'vitest';
import { mergeShardPlans, type ShardRun } from './merge-plans.js';
import { type PlanDocument, summarise } from './plan-document.js';

const SELECTED = ['changes/a.yaml', 'changes/b.yaml', 'changes/c.yaml'];

/** A shard's plan of the selection above that planned nothing (no proposal of its own). */
function shardRun(directory: string, index: number, count: number): ShardRun {
  const plan: PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: '0.0.0-test' },
    createdAt: '2026-11-20T10:00:00Z',
    commit: 'c'.repeat(40),
    status: 'planned',
    proposals: [],
    shard: { index, count, selected: SELECTED },
    summary: summarise([]),
  };
  return { directory, plan };
}

describe('mergeShardPlans', () => {
  it('reports shards split different ways once, naming each directory’s K/N, and no K as missing or doubled', () => {
    const { problems } = mergeShardPlans([shardRun('s1', 1, 2), shardRun('t1', 1, 3)], '0.0.0-test');

    expect(problems).toContain('the shards were split different ways (s1 is shard 1/2, t1 is shard 1/3)');
    expect(problems.filter((problem) => /^shard \d+\/\d+ /.test(problem))).toEqual([]);
  });

  it('still names a shard given twice and one missing when all are split the same way', () => {
    const { problems } = mergeShardPlans([shardRun('s1', 1, 3), shardRun('again', 1, 3)], '0.0.0-test');

    expect(problems).toEqual(
      expect.arrayContaining(['shard 1/3 was given 2 times', 'shard 2/3 is missing', 'shard 3/3 is missing']),
    );
  });
});
