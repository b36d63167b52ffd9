/**
 * Issue 13's budgets: `netchange drift` over 200 file-rendered hosts and over the four lab routers
 * (real FRR, when the machine can start the lab), each as netchange's overhead over the bare
 * `ansible-playbook --check --diff` it runs (≤ 300 ms); and the requests of an unchanged
 * `drift --github` run (≤ 2).
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { startGitHubStandIn } from '../test/support/github-stand-in/index.js';
import type { BenchFigure } from './harness.js';
import { commitAsRepository, timeIt } from './harness.js';

const PROJECT = path.resolve(import.meta.dirname, '..');
const CLI = path.join(PROJECT, 'dist/cli/main.js');
const LAB_SCRIPT = path.join(PROJECT, 'scripts/lab.sh');
const LAB_EXAMPLE = path.join(PROJECT, 'examples/lab-network');
const HOSTS = 200;
const REPOSITORY = 'acme/bench-drift';

const PLAYBOOK = `- hosts: switches
  gather_facts: false
  tasks:
    - name: Render the intended configuration
      ansible.builtin.copy:
        dest: "{{ state_dir }}/{{ inventory_hostname }}.cfg"
        content: "hostname {{ inventory_hostname }}\\nvlan 10\\n name USERS\\n"
`;

/** A repository whose 200 hosts render a file each into a state directory outside the repository. */
async function fileRenderedRepository(stateDir: string): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-drift-'));
  const hosts = Array.from({ length: HOSTS }, (_, index) => `sw-${String(index).padStart(3, '0')}`);
  const files: Record<string, string> = {
    'netchange.yaml':
      'apiVersion: netchange/v1\nkind: Config\ndrift:\n  ansible:\n    - {playbook: playbooks/render.yaml, inventory: inventory/hosts.yaml}\n',
    'inventory/hosts.yaml': `all:\n  vars: {ansible_connection: local, ansible_python_interpreter: auto_silent, state_dir: ${JSON.stringify(stateDir)}}\n  children:\n    switches:\n      hosts:\n${hosts.map((host) => `        ${host}: {}\n`).join('')}`,
    'playbooks/render.yaml': PLAYBOOK,
  };
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
    await writeFile(path.join(root, relative), content);
  }
  await commitAsRepository(root, 'bench');
  return root;
}

async function drift(root: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const result = await execa('node', [CLI, 'drift', '--repo', root, '--format', 'json', ...args], {
    cwd: root,
    env: { CI: 'true', ...env },
    reject: false,
  });
  if (result.exitCode !== 0 && result.exitCode !== 1)
    throw new Error(`netchange drift exited ${result.exitCode}: ${result.stderr}`);
  return result.exitCode;
}

/** Fastest of `rounds` runs of each, so load from other processes on a shared machine counts least. */
async function overhead(
  rounds: number,
  bare: () => Promise<unknown>,
  wrapped: () => Promise<unknown>,
): Promise<{ bare: number; wrapped: number }> {
  const bareTimes: number[] = [];
  const wrappedTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    bareTimes.push(await timeIt(bare));
    wrappedTimes.push(await timeIt(wrapped));
  }
  return { bare: Math.min(...bareTimes), wrapped: Math.min(...wrappedTimes) };
}

async function fileRenderedFigures(): Promise<BenchFigure[]> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-drift-state-'));
  const root = await fileRenderedRepository(stateDir);
  const standIn = await startGitHubStandIn();
  try {
    const playbook = path.join(root, 'playbooks/render.yaml');
    const inventory = path.join(root, 'inventory/hosts.yaml');
    // why: the intended state is applied once, so every host is in sync and the runs compare like for like.
    await execa('ansible-playbook', [playbook, '-i', inventory], { cwd: root });
    // why: one drifted host, so the --github runs below keep one living issue.
    await writeFile(path.join(stateDir, 'sw-007.cfg'), 'hostname sw-007\nvlan 10\n name GUESTS\n');
    await drift(root, []);
    // why: two rounds: one check of 200 hosts takes about a minute on 2 cores.
    const times = await overhead(
      2,
      () => execa('ansible-playbook', [playbook, '-i', inventory, '--check', '--diff'], { cwd: root }),
      () => drift(root, []),
    );

    standIn.createRepository(REPOSITORY);
    const githubEnv = {
      GITHUB_API_URL: standIn.url,
      GITHUB_TOKEN: standIn.token,
      GITHUB_REPOSITORY: REPOSITORY,
    };
    await drift(root, ['--github'], githubEnv);
    standIn.resetLog();
    await drift(root, ['--github'], githubEnv);
    const rerunRequests = standIn.requests.length;
    const rerunWrites = standIn.requests.filter((request) => request.method !== 'GET').length;
    if (standIn.violations.length > 0)
      throw new Error(`requests GitHub does not describe: ${standIn.violations.join('; ')}`);
    return [
      {
        name: `drift over ${HOSTS} file-rendered hosts: netchange overhead (fastest of 2, minus bare ansible-playbook --check --diff)`,
        value: times.wrapped - times.bare,
        unit: 'ms',
        budget: 300,
        comparison: `netchange drift ${Math.round(times.wrapped)} ms, ansible-playbook ${Math.round(times.bare)} ms`,
      },
      {
        name: `drift --github: unchanged re-run (requests; ${rerunWrites} writes)`,
        value: rerunRequests,
        unit: 'requests',
        budget: 2,
      },
    ];
  } finally {
    await standIn.close();
    await rm(root, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** The four lab routers: needs root and FRR; without them the figure says why it is missing. */
async function labFigures(): Promise<BenchFigure[]> {
  if (process.getuid?.() !== 0 || !existsSync('/usr/lib/frr/frr-reload.py')) {
    process.stderr.write(
      'bench: drift over the lab routers needs root and FRR (npm run lab); not measured\n',
    );
    return [];
  }
  const prefix = `ncb-${process.pid}`;
  const env = { LAB_PREFIX: prefix };
  const root = await mkdtemp(path.join(os.tmpdir(), 'netchange-bench-lab-'));
  try {
    const up = await execa(LAB_SCRIPT, ['up'], { env, reject: false });
    if (up.exitCode !== 0) throw new Error(`scripts/lab.sh up failed: ${up.stderr}`);
    await execa('cp', ['-R', `${LAB_EXAMPLE}/.`, root]);
    await commitAsRepository(root, 'the lab network');
    const playbook = path.join(root, 'playbooks/frr.yaml');
    const inventory = path.join(root, 'inventory/hosts.yaml');
    await drift(root, [], env);
    const times = await overhead(
      3,
      () =>
        execa('ansible-playbook', [playbook, '-i', inventory, '--check', '--diff'], {
          cwd: root,
          env,
        }),
      () => drift(root, [], env),
    );
    return [
      {
        name: 'drift over the 4 lab routers (real FRR): netchange overhead (fastest of 3, minus bare ansible-playbook --check --diff)',
        value: times.wrapped - times.bare,
        unit: 'ms',
        budget: 300,
        comparison: `netchange drift ${Math.round(times.wrapped)} ms, ansible-playbook ${Math.round(times.bare)} ms`,
      },
    ];
  } finally {
    await execa(LAB_SCRIPT, ['down'], { env, reject: false });
    await rm(root, { recursive: true, force: true });
  }
}

export default async function benchDrift(): Promise<BenchFigure[]> {
  if (!existsSync(CLI)) await execa('npm', ['run', 'build'], { cwd: PROJECT });
  return [...(await fileRenderedFigures()), ...(await labFigures())];
}
