import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';

const FIXTURE_PACKS = path.join(PROJECT_ROOT, 'test/fixtures/policy-packs');

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
  directory = undefined;
});

describe('netchange init --pack', () => {
  it('an unknown pack is a usage error naming the packs available, and nothing is written', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-pack-'));

    const result = await runCli(['init', 'network', '--pack', 'retail'], {
      cwd: directory,
      env: { NETCHANGE_PACKS_DIR: FIXTURE_PACKS },
    });

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--pack retail: there is no such policy pack');
    expect(result.stderr).toContain('Available packs: financial-services, manufacturing.');
    expect(existsSync(path.join(directory, 'network'))).toBe(false);
  });

  it('adds the teams and RACI domains a pack names, so the repository validates clean', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-pack-'));
    const env = { NETCHANGE_PACKS_DIR: FIXTURE_PACKS };

    const init = await runCli(['init', 'plant', '--pack', 'manufacturing', '--timezone', 'UTC'], {
      cwd: directory,
      env,
    });
    const validate = await runCli(['validate'], { cwd: path.join(directory, 'plant'), env });

    expect(init.exitCode).toBe(0);
    const policy = await readFile(path.join(directory, 'plant/policies/change-control.yaml'), 'utf8');
    expect(policy).toContain('extends: [netchange:manufacturing@1]');
    expect(policy).toContain('a starting point, not a compliance certificate');
    expect(policy).toMatch(/^ {2}ot: \{ responsible: netops, accountable: netops \}/m);
    expect(validate.exitCode).toBe(0);
    expect(validate.stdout).toContain('(0 errors, 0 warnings)');
  });

  // why: against the packs this netchange ships (policies/ at the project's top level), on an
  // ordinary day and on one inside the financial-services year-end freeze (15 Dec to 4 Jan).
  it.each([
    ['manufacturing', '2026-06-10 09:00:00'],
    ['healthcare', '2026-06-10 09:00:00'],
    ['financial-services', '2026-06-10 09:00:00'],
    ['manufacturing', '2026-12-20 09:00:00'],
    ['healthcare', '2026-12-20 09:00:00'],
    ['financial-services', '2026-12-20 09:00:00'],
  ])(
    'init --pack %s on %s writes a repository that extends the shipped pack and validates clean',
    async (pack, day) => {
      directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-pack-'));

      const init = await runCli(['init', 'network', '--pack', pack, '--timezone', 'America/Chicago'], {
        cwd: directory,
        clockAt: day,
      });
      const root = path.join(directory, 'network');
      const validate = await runCli(['validate'], { cwd: root, clockAt: day });
      const explain = await runCli(['policy', 'explain', '--kind', 'change-control'], {
        cwd: root,
        clockAt: day,
      });
      const sample = await readFile(path.join(root, 'changes/switching/chg-0001-first-vlan.yaml'), 'utf8');

      expect(init.exitCode, init.stderr).toBe(0);
      expect(sample).toContain('implementer: { github: dana }');
      if (pack === 'financial-services' && day.startsWith('2026-12-20')) {
        // why: the usual Sunday 02:00 (27 December) is frozen; the first open slot is after 4 January.
        expect(init.stderr).toMatch(/note: the sample proposal starts at 2027-01-0\dT/);
        expect(sample).toMatch(/start: "2027-01-0\dT/);
      } else {
        expect(init.stderr).toBe('');
      }
      expect(await readFile(path.join(root, 'policies/change-control.yaml'), 'utf8')).toContain(
        `extends: [netchange:${pack}@1]`,
      );
      expect(validate.stderr).toBe('');
      expect(validate.exitCode).toBe(0);
      expect(validate.stdout).toContain('(0 errors, 0 warnings)');
      expect(explain.stdout).toContain(`pack ${pack}@1.`);
    },
  );

  it('the financial-services pack reminds the CAB of the six-monthly review of the network security controls', async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'netchange-init-pack-'));
    const day = '2026-06-10 09:00:00';
    await runCli(['init', 'bank', '--pack', 'financial-services', '--timezone', 'UTC'], {
      cwd: directory,
      clockAt: day,
    });
    const root = path.join(directory, 'bank');

    const cab = await runCli(['cab', '--meeting', '2026-06-18T15:00:00Z'], { cwd: root, clockAt: day });
    const explain = await runCli(['policy', 'explain', '--kind', 'change-control', '--format', 'json'], {
      cwd: root,
      clockAt: day,
    });

    expect(cab.exitCode, cab.stderr).toBe(0);
    expect(cab.stdout).toContain('### Periodic reviews due (1)');
    expect(cab.stdout).toMatch(
      /\*\*nsc-configuration-review\*\* — \*\*OVERDUE\*\*: never reviewed.*every P6M; PCI-DSS-4\.0 1\.2\.7/,
    );
    expect(explain.stdout).toContain('nsc-configuration-review');
  });
});
