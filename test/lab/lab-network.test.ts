import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { LAB_SCRIPT, mergePullRequest } from '../support/frr-lab.js';
import { useLabSession } from '../support/lab-session.js';
import type { CliResult } from '../support/run-cli.js';

// Real routers: scripts/lab.sh starts four FRR instances in network namespaces (needs root and the
// Debian package frr), and netchange drives them through the real ansible-playbook and frr-reload.py.

const session = useLabSession('net');
const { netchange } = session;

/** Applies changes/NAME.yaml with netops' approval from the example's approvals.yaml. */
function applyChange(name: string): Promise<CliResult> {
  return netchange('apply', `changes/${name}.yaml`, '--approvals', 'approvals.yaml');
}

/** Waits until `scripts/lab.sh status` shows every one of the ring's eight adjacency ends Full. */
async function fullAdjacencies(timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let full = 0;
  while (Date.now() < deadline) {
    full = ((await session.lab.script('status')).stdout.match(/ Full\//g) ?? []).length;
    if (full === 8) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return full;
}

describe('the lab of four FRR routers', () => {
  it('comes up with every OSPF adjacency Full, and a second up changes nothing', async () => {
    const again = await session.lab.script('up');
    const status = await session.lab.script('status');

    expect(again.exitCode).toBe(0);
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain(`== r1 (${session.lab.prefix}-r1)`);
    expect(status.stdout.match(/ Full\//g)).toHaveLength(8);
  });

  it('matches its intended state: planning the loopback before its pull request changes nothing', async () => {
    const result = await netchange('plan', 'changes/chg-0301-loopback.yaml');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('0 with changes');
  });
});

describe('a change reaching real routers', () => {
  beforeAll(() => mergePullRequest(session.repository, 'chg-0301-loopback'));

  it('plans the device diff from the running configuration: the new loopback line', async () => {
    const result = await netchange('plan', 'changes/chg-0301-loopback.yaml');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`${session.lab.prefix}-r1: running-config`);
    expect(result.stdout).toMatch(/^\s+\+ ip address 10\.255\.1\.1\/32$/m);
    expect(result.stdout).toContain('1 with changes');
  });

  it('applies it: r1 runs the new address, r3 learns the route over OSPF, verification passes', async () => {
    const result = await applyChange('chg-0301-loopback');
    const running = await session.lab.vtysh('r1', 'show running-config');
    const route = await session.lab.vtysh('r3', 'show ip route 10.255.1.1/32');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('CHG-2026-0301 applied and verified');
    expect(running).toContain(' ip address 10.255.1.1/32');
    expect(route).toContain('Known via "ospf"');
  }, 120_000);
});

describe('a cost change', () => {
  beforeAll(() => mergePullRequest(session.repository, 'chg-0302-ospf-cost'));

  it('plans the new cost on r2 only, under the interface it belongs to', async () => {
    const result = await netchange('plan', 'changes/chg-0302-ospf-cost.yaml');

    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`${session.lab.prefix}-r2: running-config`);
    expect(result.stdout).toMatch(/^\s+interface eth-r3\n(\s+ .*\n){2}\s+\+ ip ospf cost 50$/m);
    expect(result.stdout).not.toContain(`${session.lab.prefix}-r1: running-config`);
  });
});

describe('a change that breaks an adjacency', () => {
  beforeAll(() => mergePullRequest(session.repository, 'chg-0303-break-adjacency'));

  it('fails verification, rolls back, and the r1-r2 adjacency is Full again', async () => {
    const result = await applyChange('chg-0303-break-adjacency');
    const running = await session.lab.vtysh('r1', 'show running-config');

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain("r1 failed at 'Read the OSPF neighbours'");
    expect(result.stdout).toMatch(/rollback 1 .*: applied/);
    expect(running).toMatch(/^interface eth-r2\n ip address 10\.0\.1\.1\/30\n ip ospf area 0$/m);
    expect(await fullAdjacencies(20_000)).toBe(8);
  }, 120_000);
});

describe('taking the lab down', () => {
  it('removes the namespaces it created and nothing else', async () => {
    const before = String((await execa('ip', ['netns', 'list'])).stdout);

    const down = await session.lab.script('down');
    const after = String((await execa('ip', ['netns', 'list'])).stdout);

    expect(before).toContain(`${session.lab.prefix}-r4`);
    expect(down.exitCode).toBe(0);
    expect(after).not.toContain(session.lab.prefix);
  });

  it('then a plan fails, and says the lab is not up', async () => {
    const result = await netchange('plan', 'changes/chg-0301-loopback.yaml');

    expect(result.exitCode).toBe(1);
    expect(`${result.stdout}${result.stderr}`).toContain(
      'could not read the running configuration (is the lab up?)',
    );
  });

  it('reports a lab it does not know, and a prefix it cannot use, instead of guessing', async () => {
    const status = await session.lab.script('status');
    const badPrefix = await execa(LAB_SCRIPT, ['status'], {
      env: { LAB_PREFIX: 'Bad Prefix!' },
      reject: false,
    });

    expect(status.exitCode).toBe(1);
    expect(status.stderr).toContain(`no lab ${session.lab.prefix}`);
    expect(badPrefix.exitCode).toBe(1);
    expect(String(badPrefix.stderr)).toContain('LAB_PREFIX must be 1-21 of [a-z0-9-]');
  });
});
