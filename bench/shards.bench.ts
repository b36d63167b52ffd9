/**
 * Issue 18's plan figures, each with the core count beside it (Ansible is CPU-bound, so wall-time
 * ratios mean little without it):
 * - netchange's CPU overhead per plan step over the bare tool (≤ 300 ms): CPU seconds of
 *   `netchange plan` of one proposal (node and its ansible-playbook) minus those of the same
 *   ansible-playbook alone, fastest of 5;
 * - the wall time of the 40-proposal plan split into N shards on N processes against one process
 *   (N = the core count, at least 2; ≤ 1: sharding never makes it slower). On a machine with more
 *   cores this is the concurrency ratio;
 * - the shards merged into one report (`comment --from` every shard's directory, dry run) against
 *   the report of the unsharded plan: the two must be equal (else the bench fails), and the merge
 *   should cost no more than twice the one-directory report (our budget; the issue names none).
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { BenchFigure } from './harness.js';
import { cpuOf, timeIt } from './harness.js';
import { CLI, createRepository, ensureBuilt, PROPOSALS, plan } from './plan.bench.js';

/** The report comment `comment --from DIR... --dry-run` renders, with what differs between runs masked. */
async function dryRunReport(root: string, directories: string[], at: string): Promise<string> {
  const result = await execa('node', [CLI, 'comment', '--dry-run', '--at', at, '--from', ...directories], {
    cwd: root,
    env: { CI: 'true' },
    reject: false,
  });
  if (result.exitCode !== 0) throw new Error(`netchange comment exited ${result.exitCode}: ${result.stderr}`);
  // why: a dry run of a merge writes no merged run directory, so only the unsharded footer names one.
  return result.stdout.replace(/ · run directory `[^`]*`/g, '').replace(/\d+(\.\d+)? ?(ms|s)\b/g, 'TIME');
}

const CUT_NOTE = "\n… (cut at GitHub's comment limit";

/**
 * Whether two reports say the same: equal, or both cut at GitHub's comment limit (the footers differ
 * in length, so the cut may fall a line apart) and equal up to the earlier cut.
 */
function sameReport(merged: string, unsharded: string): boolean {
  if (merged === unsharded) return true;
  const [mergedKept, mergedRest] = merged.split(CUT_NOTE);
  const [unshardedKept, unshardedRest] = unsharded.split(CUT_NOTE);
  if (mergedRest === undefined || unshardedRest === undefined || !mergedKept || !unshardedKept) return false;
  // why: what the cut closed (a section, a diff) follows the kept lines; compare the lines alone.
  const open = (kept: string) => kept.replace(/(\s*(<\/details>|`{3,}|~{3,}))*\s*$/, '');
  const [a, b] = [open(mergedKept), open(unshardedKept)];
  return a.startsWith(b) || b.startsWith(a);
}

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
    // why: one instant for both reports, so the windows and notice they show are the same.
    const at = new Date().toISOString();
    const shardDirectories = Array.from({ length: shards }, (_, index) => `out/shard-${index + 1}`);
    let unshardedReport = '';
    let mergedReport = '';
    const single = await timeIt(async () => {
      unshardedReport = await dryRunReport(root, ['out/one'], at);
    });
    const merge = await timeIt(async () => {
      mergedReport = await dryRunReport(root, shardDirectories, at);
    });
    if (!sameReport(mergedReport, unshardedReport) || !unshardedReport.includes('netchange')) {
      throw new Error(
        `the merged report of ${shards} shards differs from the unsharded one:\n${mergedReport}\n---\n${unshardedReport}`,
      );
    }
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
      {
        name: `${shards} plan shards merged into one report (comment --from ${shards} directories, equal to the unsharded report) / the unsharded report`,
        value: merge / single,
        unit: 'ratio',
        budget: 2,
        comparison: `merge ${Math.round(merge)} ms, one directory ${Math.round(single)} ms; budget ours, the issue names none`,
      },
    ];
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
