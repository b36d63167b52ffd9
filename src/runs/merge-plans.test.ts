import { describe, expect, it } from 'vitest';
import { mergeShardPlans, type ShardRun } from './merge-plans.js';
import { type PlanDocument, summarise } from './plan-document.js';

const SELECTED = ['changes/a.yaml', 'changes/b.yaml', 'changes/c.yaml'];

/** A shard's plan of the selection above that planned nothing (no proposal of its own). */
function shardRun(directory: string, index: number, count: number, part?: string[]): ShardRun {
  const plan: PlanDocument = {
    schemaVersion: 1,
    kind: 'NetchangePlan',
    tool: { name: 'netchange', version: '0.0.0-test' },
    createdAt: '2026-11-20T10:00:00Z',
    commit: 'c'.repeat(40),
    status: 'planned',
    proposals: [],
    shard: { index, count, selected: SELECTED, ...(part ? { part } : {}) },
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

  it('names as planned by no shard only the files of the missing shard, not those a present shard reported', () => {
    // Shard 1 took a.yaml and b.yaml and planned neither (b.yaml has errors, a.yaml failed to load):
    // its own report says so. Only c.yaml, shard 2's part, went unanswered.
    const { problems } = mergeShardPlans(
      [shardRun('s1', 1, 2, ['changes/a.yaml', 'changes/b.yaml'])],
      '0.0.0-test',
    );

    expect(problems).toEqual(['shard 2/2 is missing', 'changes/c.yaml was planned by no shard']);
  });

  it('names every unplanned file of the selection for a plan that does not record its part', () => {
    const { problems } = mergeShardPlans([shardRun('s1', 1, 2)], '0.0.0-test');

    expect(problems.filter((problem) => problem.endsWith('was planned by no shard'))).toHaveLength(3);
  });

  it('keeps the base the shards planned from, and names shards planned from different bases', () => {
    const from = (run: ShardRun, since: string | undefined): ShardRun => ({
      ...run,
      plan: { ...run.plan!, ...(since ? { since } : {}) },
    });
    const base = 'b'.repeat(40);

    const same = mergeShardPlans(
      [from(shardRun('s1', 1, 2), base), from(shardRun('s2', 2, 2), base)],
      '0.0.0-test',
    );
    const differing = mergeShardPlans(
      [from(shardRun('s1', 1, 2), base), from(shardRun('s2', 2, 2), undefined)],
      '0.0.0-test',
    );

    expect(same.plan.since).toBe(base);
    expect(same.problems.filter((problem) => problem.includes('bases'))).toEqual([]);
    expect(differing.plan.since).toBeUndefined();
    expect(differing.problems).toContain(
      `the shards planned from different bases (${base}, no --since); plan every shard with the same --since`,
    );
  });
});
