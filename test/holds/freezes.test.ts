import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepository } from '../support/repository.js';
import { runCli } from '../support/run-cli.js';
import { fromNow, removeRepositories, repositoryWith, validate } from './freeze-fixture.js';
import { holdFindings } from './support.js';

afterAll(async () => {
  await removeRepositories();
});

// why: concurrent: each test has its own repository and freezes file.
describe.concurrent('local freezes through the CLI', () => {
  it('freeze holds validate (warning) and a real apply (refused); unfreeze lifts it and records who', async () => {
    const repository = await repositoryWith({ start: fromNow(-5), end: fromNow(55) });
    const commit = (await repository.git.revparse(['HEAD'])).trim();
    const approvals = `${repository.root}-approvals.yaml`;
    await writeFile(approvals, `- {user: alice, commit: ${commit}}\n`);
    const env = { USER: 'frank', LOGNAME: 'frank', GITHUB_ACTOR: 'frank' };

    const frozen = await runCli(
      ['freeze', '--site', 'plant-a', '--until', fromNow(120), '--reason', 'INC-0042'],
      {
        cwd: repository.root,
        env,
      },
    );
    const validated = await runCli(['validate', '--format', 'json'], { cwd: repository.root });
    const applied = await runCli(['apply', 'changes/chg-1.yaml', '--approvals', approvals], {
      cwd: repository.root,
    });
    const lifted = await runCli(['unfreeze', 'FRZ-1'], { cwd: repository.root, env });
    const after = await runCli(['validate', '--format', 'json'], { cwd: repository.root });
    const file = await readFile(path.join(repository.root, '.netchange/freezes.yaml'), 'utf8');

    expect(frozen.stdout).toMatch(/^froze plant-a until .* as FRZ-1 \(\.netchange\/freezes\.yaml\)$/m);
    expect(frozen.exitCode).toBe(0);
    expect(holdFindings(validated.stdout)).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringMatching(/^plant-a frozen by FRZ-1 until .*: INC-0042$/),
        hint: 'Run netchange unfreeze FRZ-1 to lift it.',
      }),
    ]);
    expect(`${applied.stdout}${applied.stderr}`).toContain('held: plant-a frozen by FRZ-1');
    expect(applied.exitCode).toBe(1);
    expect(lifted.stdout).toBe('lifted FRZ-1 (plant-a: INC-0042) by frank');
    expect(holdFindings(after.stdout)).toEqual([]);
    expect(file).toContain('liftedBy: frank');
  });

  it('an expired freeze no longer holds; a freeze limited to emergencies does not hold a normal change', async () => {
    const repository = await repositoryWith();
    await repository.write({
      '.netchange/freezes.yaml': `freezes:
  - {id: FRZ-1, sites: [plant-a], devices: [], until: "2026-11-29T07:00:00Z", reason: over, by: eli, createdAt: "2026-11-29T06:00:00Z"}
  - {id: FRZ-2, sites: [plant-a], devices: [], until: "2026-11-30T07:00:00Z", reason: storm, by: eli, createdAt: "2026-11-29T06:00:00Z", types: [emergency]}
  - {id: FRZ-3, sites: [], devices: [sw-1], until: "2026-11-30T07:00:00Z", reason: PLC upgrade, by: eli, createdAt: "2026-11-29T06:00:00Z"}
`,
    });

    const validated = await validate(repository);

    expect(holdFindings(validated.stdout).map((finding) => finding.message)).toEqual([
      expect.stringMatching(/^sw-1 frozen by FRZ-3 until Mon 30 Nov 2026 01:00 CST \(07:00Z\): PLC upgrade$/),
    ]);
  });

  it('bad input: no --until is a usage error (exit 2); unfreeze of nothing exits 1', async () => {
    const repository = await repositoryWith();

    const missing = await runCli(['freeze', '--site', 'plant-a', '--reason', 'x'], { cwd: repository.root });
    const past = await runCli(
      ['freeze', '--site', 'plant-a', '--until', '2020-01-01T00:00:00Z', '--reason', 'x'],
      {
        cwd: repository.root,
      },
    );
    const nothing = await runCli(['unfreeze', '--site', 'plant-z'], { cwd: repository.root });
    const garbled = await runCli(['freeze', '--site', 'plant-a', '--until', 'tomorrow', '--reason', 'x'], {
      cwd: repository.root,
    });

    expect(missing.stderr).toContain('--until is required');
    expect(missing.exitCode).toBe(2);
    expect(past.stderr).toContain('--until 2020-01-01T00:00:00Z is in the past');
    expect(past.exitCode).toBe(2);
    expect(nothing.exitCode).toBe(1);
    expect(garbled.stderr).toContain("--until 'tomorrow' is not a duration or an RFC 3339 instant");
    expect(garbled.exitCode).toBe(2);
  });
});

describe('freeze --until that does not go stale, and a --site no window names', () => {
  const CLOCK = '2030-03-04 10:20:00';

  it('a duration counts from now; a past instant is refused with an example after now', async () => {
    const repository = await createRepository({}, { fromExample: true });
    try {
      await repository.commit('the example');
      const run = (args: string[]) =>
        runCli(['freeze', ...args, '--reason', 'INC-0042'], { cwd: repository.root, clockAt: CLOCK });

      const relative = await run(['--site', 'plant-a', '--until', '4h']);
      const past = await run(['--site', 'plant-a', '--until', '2026-11-29T18:00:00-06:00']);
      const typo = await run(['--site', 'nosuch', '--until', 'PT2H']);
      const file = await readFile(path.join(repository.root, '.netchange/freezes.yaml'), 'utf8');

      expect(relative.exitCode).toBe(0);
      expect(relative.stderr).not.toContain('no window is scoped');
      // why: the faked clock runs on from CLOCK, so the duration lands a few seconds after 14:20.
      expect(file).toMatch(/until: 2030-03-04T14:20:0\d(\.\d+)?Z/);
      expect(past.exitCode).toBe(2);
      expect(past.stderr).toContain('--until 2026-11-30T00:00:00Z is in the past');
      expect(past.stderr).toContain(
        'hint: A freeze ends after now: give a duration like --until 4h, or an instant like 2030-03-04T15:00:00Z.',
      );
      expect(typo.exitCode).toBe(0);
      expect(typo.stderr).toContain(
        "warning: policies/windows.yaml no window is scoped to site 'nosuch': the freeze holds only changes whose targets name it; check the spelling, the windows name the sites berlin, hq, plant-a",
      );
      expect(file).toMatch(/until: 2030-03-04T12:20:0\d(\.\d+)?Z/);
    } finally {
      await repository.remove();
    }
  });
});

describe('a freezes file with a key netchange does not write', () => {
  it('is an error at its line (exit 2), not a file read as holding no freezes', async () => {
    const repository = await repositoryWith();
    await repository.write({
      '.netchange/freezes.yaml': `freezes:
  - {id: FRZ-1, sites: [plant-a], devices: [], until: "2026-11-30T07:00:00Z", reason: storm, by: eli, createdAt: "2026-11-29T06:00:00Z"}
bogus: 1
`,
    });

    const validated = await validate(repository);

    expect(validated.stderr).toContain(
      ".netchange/freezes.yaml:3:1 unknown key 'bogus'; a freezes file holds apiVersion, kind, freezes",
    );
    expect(validated.stderr).toContain("hint: Remove 'bogus'");
    expect(validated.exitCode).toBe(2);
  });
});
