import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergePullRequest } from '../support/frr-lab.js';
import { useLabSession } from '../support/lab-session.js';
import type { CliResult } from '../support/run-cli.js';

// Backups at apply, on real routers: the lab's frr_config module returns each router's running
// configuration before and after a real run; apply saves them in the run directory, redacted, and the
// evidence record names them by sha256. Needs root and the Debian package frr, like lab-network.test.ts.

/** An OSPF authentication key someone typed on r1 by hand (8 characters: OSPF simple auth's maximum). */
const AUTH_KEY = 'Bk7q2xZp';
/** A secret of r1's host_vars that ended up in an interface description on the router. */
const HOST_VARS_SECRET = 'uplink-vault-Q93kd0';

const session = useLabSession('bak');
const { netchange } = session;

/** Applies changes/NAME.yaml with netops' approval and returns the result and its run directory. */
async function applyChange(name: string): Promise<{ result: CliResult; runDirectory: string }> {
  const result = await netchange('apply', `changes/${name}.yaml`, '--approvals', 'approvals.yaml');
  const printed = /^result: (.+)\/result\.json$/m.exec(result.stdout)?.[1];
  if (!printed) throw new Error(`apply printed no result file:\n${result.stdout}\n${result.stderr}`);
  return { result, runDirectory: path.resolve(session.repository.root, printed) };
}

/** sha256 (hex) of a file, as `sha256sum` prints it. */
async function sha256Of(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

interface ExportedStep {
  phase: string;
  backups?: {
    device: string;
    before?: { sha256: string; path: string };
    after?: { sha256: string; path: string };
  }[];
}

/** The finished evidence records, as `netchange audit export --format json` gives them. */
async function exportedRecords(): Promise<{ kind: string; runDirectory?: string; steps: ExportedStep[] }[]> {
  const exported = await netchange('audit', 'export', '--format', 'json', '--no-fetch');
  expect(exported.exitCode).toBe(0);
  return JSON.parse(exported.stdout).records.filter(
    (record: { kind: string }) => record.kind !== 'apply-started',
  );
}

/** Every file under a directory, with its content. */
async function filesUnder(directory: string): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const file = path.join(entry.parentPath, entry.name);
        return { file, text: await readFile(file, 'utf8') };
      }),
  );
}

describe('an applied change saves each router it ran on, before and after', () => {
  let applied: { result: CliResult; runDirectory: string };

  beforeAll(async () => {
    await mergePullRequest(session.repository, 'chg-0301-loopback');
    // At "2 AM", by hand on r1: an authentication key and a description holding a host_vars secret.
    await execa('vtysh', [
      '-N',
      `${session.lab.prefix}-r1`,
      '-c',
      'configure terminal',
      '-c',
      'interface eth-r2',
      '-c',
      `ip ospf authentication-key ${AUTH_KEY}`,
      '-c',
      `description ${HOST_VARS_SECRET}`,
    ]);
    await appendFile(
      path.join(session.repository.root, 'inventory/host_vars/r1.yaml'),
      `ospf_authentication_key: ${AUTH_KEY}\nuplink_secret: ${HOST_VARS_SECRET}\n`,
    );
    await session.repository.commit('r1 secrets in host_vars');
    applied = await applyChange('chg-0301-loopback');
  }, 120_000);

  it('writes backups/r1/ in the run directory: before lacks the new loopback, after has it', async () => {
    const before = await readFile(
      path.join(applied.runDirectory, 'backups/r1/execution-1-before.conf'),
      'utf8',
    );
    const after = await readFile(
      path.join(applied.runDirectory, 'backups/r1/execution-1-after.conf'),
      'utf8',
    );
    const others = await readdir(path.join(applied.runDirectory, 'backups'));

    expect(applied.result.exitCode).toBe(0);
    expect(before).toContain(' ip address 10.255.0.1/32');
    expect(before).not.toContain('10.255.1.1/32');
    expect(after).toMatch(/^ ip address 10\.255\.1\.1\/32$/m);
    expect(after).not.toContain('authentication-key');
    expect(others).toEqual(['r1']);
  });

  it('names the files in its output', () => {
    const relative = path.relative(session.repository.root, applied.runDirectory);

    expect(applied.result.stdout).toContain('backups (running configuration before → after');
    expect(applied.result.stdout).toContain(
      `  r1 (step 1): ${relative}/backups/r1/execution-1-before.conf → ${relative}/backups/r1/execution-1-after.conf`,
    );
  });

  it('records each file by its sha256 in the evidence, which sha256sum of the file confirms', async () => {
    const [record] = await exportedRecords();
    const backups = record?.steps.find((step) => step.phase === 'execution')?.backups;
    const before = path.join(applied.runDirectory, 'backups/r1/execution-1-before.conf');
    const after = path.join(applied.runDirectory, 'backups/r1/execution-1-after.conf');
    const sha256sum = String((await execa('sha256sum', [before])).stdout).split(' ')[0];

    expect(record?.runDirectory).toBe(path.relative(session.repository.root, applied.runDirectory));
    expect(backups).toEqual([
      {
        device: 'r1',
        before: { sha256: await sha256Of(before), path: 'backups/r1/execution-1-before.conf' },
        after: { sha256: await sha256Of(after), path: 'backups/r1/execution-1-after.conf' },
      },
    ]);
    expect(backups?.[0]?.before?.sha256).toBe(sha256sum);
  });

  it('redacts the secrets of the running configuration: in the backup, in every run file and in the output', async () => {
    const before = await readFile(
      path.join(applied.runDirectory, 'backups/r1/execution-1-before.conf'),
      'utf8',
    );
    const leaks = (await filesUnder(applied.runDirectory)).filter(
      ({ text }) => text.includes(AUTH_KEY) || text.includes(HOST_VARS_SECRET),
    );
    const exported = await netchange('audit', 'export', '--format', 'json', '--no-fetch');

    expect(before).toMatch(/^ ip ospf authentication-key \[REDACTED\]$/m);
    expect(before).toMatch(/^ description .*\[REDACTED\]/m);
    expect(leaks.map(({ file }) => file)).toEqual([]);
    for (const output of [applied.result.stdout, applied.result.stderr, exported.stdout]) {
      expect(output).not.toContain(AUTH_KEY);
      expect(output).not.toContain(HOST_VARS_SECRET);
    }
  });
});

describe('a change that is rolled back', () => {
  beforeAll(() => mergePullRequest(session.repository, 'chg-0303-break-adjacency'));

  it('saves r1 around the failed step and around the rollback, each in the evidence', async () => {
    const { result, runDirectory } = await applyChange('chg-0303-break-adjacency');
    const file = (name: string) => path.join(runDirectory, 'backups/r1', name);
    const rollbackBefore = await readFile(file('rollback-1-before.conf'), 'utf8');
    const rollbackAfter = await readFile(file('rollback-1-after.conf'), 'utf8');
    const record = (await exportedRecords()).at(-1);
    const rollback = record?.steps.find((step) => step.phase === 'rollback');

    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `r1 (rollback 1): ${path.relative(session.repository.root, runDirectory)}/backups/r1/rollback-1-before.conf`,
    );
    expect(rollbackBefore).toMatch(/^interface eth-r2\n ip address 10\.0\.1\.1\/30\n ip ospf area 1$/m);
    expect(rollbackAfter).toMatch(/^interface eth-r2\n ip address 10\.0\.1\.1\/30\n ip ospf area 0$/m);
    expect(rollback?.backups).toEqual([
      {
        device: 'r1',
        before: {
          sha256: await sha256Of(file('rollback-1-before.conf')),
          path: 'backups/r1/rollback-1-before.conf',
        },
        after: {
          sha256: await sha256Of(file('rollback-1-after.conf')),
          path: 'backups/r1/rollback-1-after.conf',
        },
      },
    ]);
  }, 120_000);
});
