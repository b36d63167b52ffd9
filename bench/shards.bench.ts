/**
 * Issue 18's plan figures, each with the core count beside it (Ansible is CPU-bound, so wall-time
 * ratios mean little without it):
 * - netchange's CPU overhead per plan step over the bare tool (≤ 300 ms): CPU seconds of
 *   `netchange plan` of one proposal (node and its ansible-playbook) minus those of the same
 *   ansible-playbook alone, fastest of 5;
 * - the wall time of the 40-proposal plan split into N shards on N processes against one process
 *   (N = the core count, at least 2; ≤ 1: sharding never makes it slower). On a machine with more
 *   cores this is the concurrency ratio.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { BenchFigure } from './harness.js';
import { cpuOf, timeIt } from './harness.js';
import { createRepository, ensureBuilt, PROPOSALS, plan } from './plan.bench.js';

export default async function benchShards(): Promise<BenchFigure[]> {
  await ensureBuilt();
  const cores = os.availableParallelism();
  const shards = Math.max(2, cores);
  const root = await createRepository();
  try {
    await plan(root, ['changes/chg-0.yaml', '--out-dir', path.join(root, 'out/warm')]);
    const bare: number[] = [];
    const wrapped: number[] = [];
    for (let round = 0; round < 5; round++) {
      bare.push(
        await cpuOf(() =>
          execa(
            'ansible-playbook',
            [
              path.join(root, 'playbooks/vlans.yaml'),
              '-i',
              path.join(root, 'inventory/hosts.yaml'),
              '-e',
              'vlan_id=100',
              '--check',
              '--diff',
            ],
            { cwd: root },
          ),
        ),
      );
      wrapped.push(
        await cpuOf(() =>
          plan(root, ['changes/chg-0.yaml', '--out-dir', path.join(root, `out/cpu-${round}`)]),
        ),
      );
    }
    const one = await timeIt(() =>
      plan(root, ['--concurrency', '1', '--out-dir', path.join(root, 'out/one')]),
    );
    const split = await timeIt(() =>
      Promise.all(
        Array.from({ length: shards }, (_, index) =>
          plan(root, [
            '--concurrency',
            '1',
            '--shard',
            `${index + 1}/${shards}`,
            '--out-dir',
            path.join(root, `out/shard-${index + 1}`),
          ]),
        ),
      ),
    );
    const overhead = Math.min(...wrapped) - Math.min(...bare);
    return [
      {
        name: `netchange CPU overhead per plan step over bare ansible-playbook (fastest of 5)`,
        value: overhead,
        unit: 'ms',
        budget: 300,
        comparison: `netchange plan ${Math.round(Math.min(...wrapped))} CPU ms, ansible-playbook ${Math.round(Math.min(...bare))} CPU ms`,
      },
      {
        name: `plan ${PROPOSALS} proposals: ${shards} shards on ${shards} processes / 1 process`,
        value: split / one,
        unit: 'ratio',
        budget: 1,
        comparison: `${shards} shards ${(split / 1000).toFixed(1)} s, one process ${(one / 1000).toFixed(1)} s`,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
