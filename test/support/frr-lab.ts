import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { minutesFromNow } from './lab-network.js';
import { createRepository, PROJECT_ROOT, type TestRepository } from './repository.js';

/** The example repository driving the lab's routers. */
export const LAB_EXAMPLE_ROOT = path.join(PROJECT_ROOT, 'examples/lab-network');
/** scripts/lab.sh: up, down, status of one lab (LAB_PREFIX). */
export const LAB_SCRIPT = path.join(PROJECT_ROOT, 'scripts/lab.sh');

/** A running lab of four FRR routers, started by scripts/lab.sh under its own prefix. */
export interface FrrLab {
  /** The LAB_PREFIX: namespaces and FRR pathspaces are `<prefix>-r1`..`-r4`. */
  prefix: string;
  /** The environment that points Ansible (and so netchange) at this lab. */
  env: Record<string, string>;
  /** Runs `scripts/lab.sh <command>` for this lab. */
  script(command: 'up' | 'down' | 'status'): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  /** Runs one vtysh command on a router (`show running-config`) and returns its output. */
  vtysh(router: string, command: string): Promise<string>;
}

/** Starts a lab under a prefix unique to this test file and process; the caller tears it down. */
export async function startFrrLab(name: string): Promise<FrrLab> {
  const prefix = `nct-${name}-${process.pid}`.slice(0, 21);
  const env = { LAB_PREFIX: prefix };
  const script: FrrLab['script'] = async (command) => {
    const result = await execa(LAB_SCRIPT, [command], { env, reject: false, timeout: 120_000 });
    return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
  };
  const up = await script('up');
  if (up.exitCode !== 0) {
    await script('down');
    throw new Error(`scripts/lab.sh up failed (${up.exitCode}):\n${up.stdout}\n${up.stderr}`);
  }
  return {
    prefix,
    env,
    script,
    async vtysh(router, command) {
      const result = await execa('vtysh', ['-N', `${prefix}-${router}`, '-c', command]);
      return String(result.stdout);
    },
  };
}

const LAB_CHANGES = ['chg-0301-loopback', 'chg-0302-ospf-cost', 'chg-0303-break-adjacency'];

/**
 * Moves `current`'s schedule to an open window around now and the other lab changes into the past.
 * why: apply runs against the real clock, and the three changes reach the same routers: scheduled
 * together they conflict, so only the one about to be applied holds the present.
 */
async function scheduleAroundNow(root: string, current: string): Promise<void> {
  for (const name of LAB_CHANGES) {
    const file = path.join(root, 'changes', `${name}.yaml`);
    const [start, end] = name === current ? [-10, 50] : [-200, -140];
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text
        .replace(/start: "[^"]+"/, `start: "${minutesFromNow(start)}"`)
        .replace(/end: "[^"]+"/, `end: "${minutesFromNow(end)}"`),
    );
  }
}

/**
 * A real git repository holding the lab example, with CHG-2026-0301's schedule moved to an open
 * window around now (apply runs against the real clock) and the other changes into the past.
 */
export async function createLabRepository(): Promise<TestRepository> {
  const repository = await createRepository();
  await cp(LAB_EXAMPLE_ROOT, repository.root, { recursive: true });
  await scheduleAroundNow(repository.root, 'chg-0301-loopback');
  // why: the example's year-end freeze would refuse the apply when the suite runs in late December;
  // the lab tests are about the routers, not the calendar.
  await writeFile(
    path.join(repository.root, 'policies/windows.yaml'),
    'apiVersion: netchange/v1\nkind: WindowPolicy\ntimezone: UTC\nwindows: []\n',
  );
  await repository.commit('the lab network');
  return repository;
}

/** Lays a pull request's intended-state files (examples/lab-network/pull-requests/NAME) over the repository and commits them. */
export async function mergePullRequest(repository: TestRepository, name: string): Promise<void> {
  await cp(path.join(repository.root, 'pull-requests', name), repository.root, { recursive: true });
  await scheduleAroundNow(repository.root, name);
  await repository.commit(`pull request ${name}`);
}
