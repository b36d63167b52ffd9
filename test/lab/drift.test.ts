import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/drift/model.js';
import { createLabRepository, type FrrLab, startFrrLab } from '../support/frr-lab.js';
import type { TestRepository } from '../support/repository.js';
import { type CliResult, runCli } from '../support/run-cli.js';

// Real routers: four FRR instances in network namespaces (scripts/lab.sh, root and the Debian
// package frr), checked by the real CLI through the real ansible-playbook against the intended
// state on main. The "2 AM" edits are real vtysh commands.

const AT = '2026-12-01T12:00:00Z';

let lab: FrrLab;
let repository: TestRepository;

beforeAll(async () => {
  lab = await startFrrLab('drift');
  repository = await createLabRepository();
}, 120_000);
afterAll(async () => {
  await lab?.script('down');
  await repository?.remove();
});

function drift(...args: string[]): Promise<CliResult> {
  return runCli(['drift', ...args], { cwd: repository.root, env: lab.env });
}

function parse(result: CliResult): DriftReport {
  return JSON.parse(result.stdout) as DriftReport;
}

function router(report: DriftReport, name: string) {
  const found = report.targets.find((target) => target.target === name);
  if (!found) throw new Error(`no target ${name}`);
  return found;
}

/** Runs configuration commands on one router, as an engineer on its CLI would. */
async function configure(name: string, ...commands: string[]): Promise<void> {
  await execa('vtysh', [
    '-N',
    `${lab.prefix}-${name}`,
    '-c',
    'conf t',
    ...commands.flatMap((command) => ['-c', command]),
  ]);
}

describe('netchange drift on the lab of four FRR routers', () => {
  it('reports a clean lab in sync: exit 0, four routers', async () => {
    const result = await drift('--format', 'json', '--at', AT);

    expect(result.exitCode).toBe(0);
    const report = parse(result);
    expect(report.summary).toEqual({ targets: 4, drifted: 0, inSync: 4, ignored: 0, errors: 0 });
    expect(report.targets.map((target) => target.target)).toEqual(['r1', 'r2', 'r3', 'r4']);
  }, 120_000);

  it('catches a cost set by hand on r2 as out-of-band drift, with the exact lines', async () => {
    await configure('r2', 'interface eth-r3', 'ip ospf cost 77');

    const result = await drift('--format', 'json', '--at', AT);
    const text = await drift('--at', AT);

    expect(result.exitCode).toBe(1);
    const report = parse(result);
    expect(report.summary).toMatchObject({ drifted: 1, inSync: 3 });
    expect(router(report, 'r2')).toMatchObject({
      status: 'drifted',
      explanation: { kind: 'out-of-band' },
      firstSeen: AT,
      diff: [
        `--- a/${lab.prefix}-r2: running-config`,
        `+++ b/${lab.prefix}-r2: running-config`,
        '@@ -10,7 +10,6 @@',
        ' interface eth-r3',
        '  ip address 10.0.2.1/30',
        '  ip ospf area 0',
        '- ip ospf cost 77',
        '  ip ospf dead-interval 4',
        '  ip ospf hello-interval 1',
        '  ip ospf network point-to-point',
        '',
      ].join('\n'),
    });
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toContain(
      'drifted  r2 (ansible): changed outside netchange (no proposal explains it)',
    );
    expect(text.stdout).toContain('    - ip ospf cost 77\n');
  }, 120_000);

  it("hides a debug log level under the policy's rule, and reports the rule once it expired", async () => {
    await configure('r3', 'log syslog debugging');

    const current = parse(await drift('--format', 'json', '--at', AT));
    const expired = await drift('--format', 'json', '--at', '2028-01-01T00:00:00Z');

    expect(router(current, 'r3')).toMatchObject({
      status: 'ignored',
      diff: '',
      ignored: [{ rule: 'noc-debug-logging', lines: ['-log syslog'] }],
    });
    expect(expired.exitCode).toBe(1);
    const report = parse(expired);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        ruleId: 'drift-ignore-expired',
        file: 'policies/drift.yaml',
        line: 7,
        message: expect.stringContaining(
          "ignore rule 'noc-debug-logging' (owner netops) expired after 2027-12-31",
        ),
      }),
    );
    expect(router(report, 'r3').status).toBe('drifted');
    expect(router(report, 'r3').diff).toContain('-log syslog\n');
  }, 120_000);

  it('reports routers it cannot read as errors and exits 3, once the lab is down', async () => {
    await lab.script('down');

    const result = await drift('--format', 'json', '--at', AT);

    expect(result.exitCode).toBe(3);
    const report = parse(result);
    expect(report.summary).toMatchObject({ targets: 4, errors: 4 });
    expect(router(report, 'r1').error).toContain('could not read the running configuration (is the lab up?)');
  }, 120_000);
});
