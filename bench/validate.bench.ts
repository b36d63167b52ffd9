/**
 * Issue 2's budgets: full validate of 5,000 proposals (cold) against ajv-cli on the same files,
 * `--since HEAD~1` with one changed proposal, `--version` start-up, and peak memory.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import type { BenchFigure } from './harness.js';
import { timeIt } from './harness.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PROJECT, 'dist/cli/main.js');
const AJV = path.join(PROJECT, 'node_modules/.bin/ajv');
const SCHEMA = path.join(PROJECT, 'schemas/change-proposal.schema.json');
const COUNT = 5000;

const DEVICES = ['sw-plant-a-01', 'sw-plant-a-02', 'sw-plant-a-03', 'sw-berlin-01'];

const HOUR_MS = 3_600_000;
const FIRST_START_MS = Date.parse('2027-02-01T08:00:00Z');

/**
 * Change `index` gets its own two-hour slot (1 h plus 30 min rollback), except every 100th, which
 * starts half an hour into its predecessor's on a shared switch: the conflicts stage finds 50 real
 * conflicts among 5,000, as a busy repository might hold.
 */
function startOf(index: number): number {
  const own = FIRST_START_MS + index * 2 * HOUR_MS;
  return index % 100 === 99 ? own - 1.5 * HOUR_MS : own;
}

/** A realistic proposal: VLAN work on one or two switches, with verification and rollback. */
function proposal(index: number): string {
  const device = DEVICES[index % DEVICES.length]!;
  const second = DEVICES[(index + 1) % DEVICES.length]!;
  const startMs = startOf(index);
  const vlan = 100 + (index % 3000);
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-BENCH-${String(index).padStart(5, '0')}
title: Add VLAN ${vlan} on ${device}
description: Generated for the benchmark; shaped like the example's VLAN changes.
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: ${index % 3 === 0 ? 'medium' : 'low'}
targets: {sites: [plant-a], devices: [${device}, ${second}], tags: [production]}
schedule:
  start: "${new Date(startMs).toISOString().replace('.000Z', 'Z')}"
  end: "${new Date(startMs + HOUR_MS).toISOString().replace('.000Z', 'Z')}"
  timezone: America/Chicago
  rollback: PT30M
execution:
  - name: Add VLAN ${vlan}
    ansible:
      playbook: playbooks/switching/vlans.yaml
      inventory: inventory/hosts.yaml
      limit: ${device},${second}
      extraVars: {vlan_id: ${vlan}, vlan_name: BENCH-${vlan}}
verification:
  - ansible:
      playbook: playbooks/switching/verify-vlans.yaml
      inventory: inventory/hosts.yaml
      limit: ${device},${second}
      extraVars: {vlan_id: ${vlan}, state: present}
rollback:
  description: Remove VLAN ${vlan}
  ansible:
    playbook: playbooks/switching/vlans.yaml
    inventory: inventory/hosts.yaml
    limit: ${device},${second}
    extraVars: {vlan_id: ${vlan}, state: absent}
references: {ticket: RITM${String(index).padStart(7, '0')}}
`;
}

async function createBenchRepository(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-validate-'));
  for (const folder of ['inventory', 'playbooks']) {
    await cp(path.join(PROJECT, 'examples/plant-network', folder), path.join(root, folder), {
      recursive: true,
    });
  }
  await mkdir(path.join(root, 'changes'));
  await Promise.all(
    Array.from({ length: COUNT }, (_, index) =>
      writeFile(path.join(root, `changes/chg-${index}.yaml`), proposal(index)),
    ),
  );
  const git = simpleGit({ baseDir: root });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.email', 'bench@netchange.invalid');
  await git.addConfig('user.name', 'bench');
  await git.addConfig('commit.gpgsign', 'false');
  await git.add('.');
  await git.commit('5,000 proposals');
  await writeFile(path.join(root, 'changes/chg-17.yaml'), proposal(17).replace('Generated', 'Edited'));
  await git.add('.');
  await git.commit('edit one proposal');
  return root;
}

async function peakMemoryMegabytes(command: string, args: string[], cwd: string): Promise<number> {
  const result = await execa('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, reject: false });
  const kilobytes = Number(result.stderr.trim().split('\n').pop());
  return kilobytes / 1024;
}

export default async function benchValidate(): Promise<BenchFigure[]> {
  const root = await createBenchRepository();
  try {
    const cache = path.join(root, '.netchange');
    const validate = () =>
      execa(
        'node',
        [CLI, 'validate', '--format', 'json', '--output', path.join(os.tmpdir(), 'nc-bench.json')],
        { cwd: root, reject: false },
      );

    // ajv-cli validates the same files against the same schema, and nothing else.
    const ajv = await timeIt(() =>
      execa(
        AJV,
        [
          'validate',
          '--spec=draft2020',
          '--strict=false',
          '--errors=no',
          '-s',
          SCHEMA,
          '-d',
          'changes/*.yaml',
        ],
        { cwd: root, reject: false },
      ),
    );
    await rm(cache, { recursive: true, force: true });
    const full = await timeIt(validate);
    const memory = await (async () => {
      await rm(cache, { recursive: true, force: true });
      return peakMemoryMegabytes(
        'node',
        [CLI, 'validate', '--format', 'json', '--output', path.join(os.tmpdir(), 'nc-bench.json')],
        root,
      );
    })();

    // why: reject: false, as above: the bench repository has no policies (schema + references only),
    // which validate reports as an error ("nothing is gated") and exits 1 for.
    // --since: the inventory cache is warm from the run above, as in a developer's clone or a cached CI workspace.
    await validate();
    const since = await timeIt(() =>
      execa('node', [CLI, 'validate', '--since', 'HEAD~1', '--format', 'json'], { cwd: root, reject: false }),
    );
    await rm(cache, { recursive: true, force: true });
    const sinceCold = await timeIt(() =>
      execa('node', [CLI, 'validate', '--since', 'HEAD~1', '--format', 'json'], { cwd: root, reject: false }),
    );

    const baseline = Math.min(
      ...(await Promise.all([0, 1, 2].map(() => timeIt(() => execa('node', ['-e', '0']))))),
    );
    const versions: number[] = [];
    for (let run = 0; run < 5; run++) versions.push(await timeIt(() => execa('node', [CLI, '--version'])));
    const version = Math.min(...versions);

    return [
      {
        name: `validate ${COUNT} proposals cold (schema + references) vs ajv-cli (schema only), best of 3`,
        value: full / ajv,
        unit: 'ratio',
        budget: 1.5,
        comparison: `netchange ${Math.round(full)} ms, ajv-cli ${Math.round(ajv)} ms`,
      },
      {
        name: `validate --since HEAD~1, 1 of ${COUNT} changed (inventory cache warm, best of 3)`,
        value: since,
        unit: 'ms',
        budget: 300,
        comparison: `cold, with ansible-inventory: ${Math.round(sinceCold)} ms`,
      },
      {
        name: 'netchange --version over node -e 0',
        value: version - baseline,
        unit: 'ms',
        budget: 100,
        comparison: `--version ${Math.round(version)} ms, node -e 0 ${Math.round(baseline)} ms`,
      },
      { name: `peak memory of validate over ${COUNT} proposals`, value: memory, unit: 'MB', budget: 300 },
    ];
  } finally {
    // why: BENCH_KEEP=1 keeps the generated repository for profiling (node --cpu-prof).
    if (process.env.BENCH_KEEP) process.stderr.write(`bench: kept ${root}\n`);
    else await rm(root, { recursive: true, force: true });
  }
}
