/**
 * Issue 2's and issue 18's budgets: full validate of 5,000 proposals shaped like real ones (globs in
 * limits, Markdown descriptions, verification and rollback, the example's window and change-control
 * policies present) against ajv-cli on the same files, `--since HEAD~1` with one changed proposal,
 * `--version` start-up, and peak memory.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { simpleGit } from 'simple-git';
import type { BenchFigure } from './harness.js';
import { cpuOf, timeIt } from './harness.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PROJECT, 'dist/cli/main.js');
const AJV = path.join(PROJECT, 'node_modules/.bin/ajv');
const SCHEMA = path.join(PROJECT, 'schemas/change-proposal.schema.json');
const COUNT = 5000;

const DEVICES = ['sw-plant-a-01', 'sw-plant-a-02', 'sw-plant-a-03'];

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
// why: wall-clock times in America/Chicago, written without an offset as people write them.
const FIRST_NIGHT_MS = Date.UTC(2027, 1, 1, 22, 0);
const SLOTS_PER_NIGHT = 5;

/**
 * Plant A's night window (22:00-06:00, see `benchWindows`) holds five changes of 1 h plus 30 min
 * rollback, one after another; every 100th starts half an hour into its predecessor on a shared
 * switch, so the conflicts stage finds 50 real conflicts among 5,000, as a busy repository might.
 * Holidays, the year-end freeze and a DST gap catch a few more, as they would in a real repository.
 */
function startOf(index: number): number {
  const night = Math.floor(index / SLOTS_PER_NIGHT);
  const own = FIRST_NIGHT_MS + night * DAY_MS + (index % SLOTS_PER_NIGHT) * 1.5 * HOUR_MS;
  return index % 100 === 99 ? own - HOUR_MS : own;
}

function wallClock(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

/** The example's window policy with Plant A's maintenance window widened to every night. */
async function benchWindows(): Promise<string> {
  const example = await readFile(path.join(PROJECT, 'examples/plant-network/policies/windows.yaml'), 'utf8');
  const widened = example.replace(
    'schedule: { cron: "0 1 * * 0", duration: PT4H }',
    'schedule: { rrule: "FREQ=DAILY", start: "22:00", duration: PT8H }',
  );
  if (widened === example) throw new Error('bench: the example window policy changed; update benchWindows');
  return widened;
}

/**
 * A realistic proposal: VLAN work on one or two switches, with verification and rollback, a Markdown
 * description and glob limits — the characters (`*`, `&`, `!`) real files are full of.
 */
function proposal(index: number): string {
  const device = DEVICES[index % DEVICES.length]!;
  const second = DEVICES[(index + 1) % DEVICES.length]!;
  const startMs = startOf(index);
  const vlan = 100 + (index % 3000);
  return `apiVersion: netchange/v1
kind: ChangeProposal
id: CHG-BENCH-${String(index).padStart(5, '0')}
title: Add VLAN ${vlan} on ${device}
description: |
  **Why:** R&D needs VLAN ${vlan} on the line-${index % 40} cells. Important!
  - *Impact*: ports on ${device} flap once
  - Tested in the lab (see RITM${String(index).padStart(7, '0')})
requester: {team: partner-noc, github: dana}
type: normal
domain: switching
risk: ${index % 3 === 0 ? 'medium' : 'low'}
targets: {sites: [plant-a], devices: [${device}, ${second}], tags: [production]}
schedule:
  start: "${wallClock(startMs)}"
  end: "${wallClock(startMs + HOUR_MS)}"
  timezone: America/Chicago
  rollback: PT30M
execution:
  - name: Add VLAN ${vlan}
    ansible:
      playbook: playbooks/switching/vlans.yaml
      inventory: inventory/hosts.yaml
      limit: "${device}*:${second}*"
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
  for (const folder of ['inventory', 'playbooks', 'policies', 'netchange.yaml']) {
    await cp(path.join(PROJECT, 'examples/plant-network', folder), path.join(root, folder), {
      recursive: true,
    });
  }
  await writeFile(path.join(root, 'policies/windows.yaml'), await benchWindows());
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
  await writeFile(
    path.join(root, 'changes/chg-17.yaml'),
    proposal(17).replace('**Why:**', '**Why (edited):**'),
  );
  await git.add('.');
  await git.commit('edit one proposal');
  return root;
}

async function peakMemoryMegabytes(command: string, args: string[], cwd: string): Promise<number> {
  const result = await execa('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, reject: false });
  const kilobytes = Number(result.stderr.trim().split('\n').pop());
  return kilobytes / 1024;
}

/** The fastest of `runs` measurements, taken one after another. */
async function bestOf(runs: number, measure: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) times.push(await measure());
  return Math.min(...times);
}

export default async function benchValidate(): Promise<BenchFigure[]> {
  const root = await createBenchRepository();
  try {
    // why: the host resolution cache; the full runs are cold for it (Python resolves every inventory).
    const cache = path.join(root, '.git/netchange/hosts');
    const validate = () =>
      execa(
        'node',
        [CLI, 'validate', '--format', 'json', '--output', path.join(os.tmpdir(), 'nc-bench.json')],
        { cwd: root, reject: false },
      );

    // ajv-cli validates the same files against the same schema, and nothing else.
    const runAjv = () =>
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
      );
    const ajv = await bestOf(3, () => timeIt(runAjv));
    const full = await bestOf(3, async () => {
      await rm(cache, { recursive: true, force: true });
      return timeIt(validate);
    });
    // why: the wall-time ratio alone hides that netchange already keeps more than one core busy (V8's
    // GC and compiler threads, the Python that resolves inventories); the CPU of one more run of each
    // says how far more cores could help.
    const ajvCpu = await cpuOf(runAjv);
    await rm(cache, { recursive: true, force: true });
    const fullCpu = await cpuOf(validate);
    const memory = await (async () => {
      await rm(cache, { recursive: true, force: true });
      return peakMemoryMegabytes(
        'node',
        [CLI, 'validate', '--format', 'json', '--output', path.join(os.tmpdir(), 'nc-bench.json')],
        root,
      );
    })();

    // why: reject: false: the 50 conflicts and the few changes on holidays are errors (exit 1), as
    // they would be in a busy repository.
    // --since: the inventory cache and the conflict-facts cache (.git/netchange/) are warm from the
    // run above, as in a developer's clone or a cached CI workspace.
    await validate();
    const since = await bestOf(3, () =>
      timeIt(() =>
        execa('node', [CLI, 'validate', '--since', 'HEAD~1', '--format', 'json'], {
          cwd: root,
          reject: false,
        }),
      ),
    );
    // why: cold as a fresh CI checkout: no cache at all, so every other proposal is loaded.
    await rm(path.join(root, '.git/netchange'), { recursive: true, force: true });
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
        name: `validate ${COUNT} realistic proposals cold (schema, references, windows, change control) vs ajv-cli (schema only), best of 3`,
        value: full / ajv,
        unit: 'ratio',
        budget: 1.5,
        comparison: `netchange ${Math.round(full)} ms, ajv-cli ${Math.round(ajv)} ms; CPU of one more run each: netchange ${Math.round(fullCpu)} ms, ajv-cli ${Math.round(ajvCpu)} ms`,
      },
      {
        name: `validate --since HEAD~1, 1 of ${COUNT} changed (inventory and conflict-facts caches warm, best of 3)`,
        value: since,
        unit: 'ms',
        budget: 300,
        comparison: `cold, no caches, with ansible-inventory: ${Math.round(sinceCold)} ms`,
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
